"""Admin add and change forms ask the one ID-number check (members/services/identity.py) as the user."""

from django import forms
from django.core.exceptions import ValidationError

from ..services.identity import id_number_check


class IdNumberCheckedForm(forms.ModelForm):
    actor = None  # set per request by branches.admin.forms.ActorFormAdminMixin
    id_number_models: tuple = ()
    id_number_messages: dict | None = None

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("id_number")
        stored = self.instance.id_number if self.instance.pk else None
        if number and number != stored and "id_number" not in self.errors:
            try:
                id_number_check(
                    actor=self.actor,
                    id_number=number,
                    models=self.id_number_models,
                    exclude=self.instance if self.instance.pk else None,
                    visible_messages=self.id_number_messages,
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned
