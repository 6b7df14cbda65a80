"""What the admin forms of every app share: the service's rule check run on the built instance, its errors
shown beside the fields; the requesting user handed to a form whose checks depend on who asks."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError


class RuleCheckedForm(forms.ModelForm):
    """Runs ``check(instance)`` once the fields are valid, so a broken rule shows on the form, not as an
    error page after saving."""

    # The check says which record is in the way: Django's generic "already exists" gives way to it.
    rules_say_what_exists = False

    def check(self, instance) -> None:
        raise NotImplementedError

    def _post_clean(self):
        super()._post_clean()
        if self.rules_say_what_exists:
            self._drop_generic_uniqueness()
        if self._errors:
            return
        try:
            self.check(self.instance)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)

    def _drop_generic_uniqueness(self):
        errors = self._errors.get(NON_FIELD_ERRORS)
        if not errors:
            return
        kept = [error for error in errors.as_data() if error.code != "unique_together"]
        if kept:
            self._errors[NON_FIELD_ERRORS] = self.error_class(
                kept, error_class="nonfield", renderer=self.renderer
            )
        else:
            del self._errors[NON_FIELD_ERRORS]


class ActorFormAdminMixin:
    """Sets ``actor`` on the admin's form class to the requesting user, for checks that depend on who asks.
    Put before the admin base."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})
