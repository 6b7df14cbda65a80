"""Party members: a new record, and the edit of one whose ID number and phone stay masked."""

from django.utils.translation import gettext_lazy as _

from branches.forms import ServiceModelForm
from branches.forms import VersionedFormMixin

from ..models import Member
from ..models.roster import MEMBER_FIELDS
from ..selectors.roster import Unmasker
from ..selectors.roster import mask_id_number
from ..selectors.roster import mask_phone
from ._branches import offer_branches

KEEP_HELP = _("Shown masked: leave empty to keep it, or type the full new value to change it.")


class MemberForm(ServiceModelForm):
    single_organization = None

    class Meta:
        model = Member
        fields = MEMBER_FIELDS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if "branch" in self.fields:
            offer_branches(self, "branch", user)
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "inputmode": "text"})


class MemberEditForm(VersionedFormMixin, MemberForm):
    """The branch and status move through their own actions (transfer, status change), not this form. The
    ID number and phone are never sent to the browser unless the user may unmask them: the inputs start
    empty with the masked value as a hint, and empty means "unchanged"."""

    class Meta:
        model = Member
        fields = [name for name in MEMBER_FIELDS if name != "branch"]

    def __init__(self, *args, user, instance, **kwargs):
        super().__init__(*args, user=user, instance=instance, **kwargs)
        unmask = Unmasker(user).allows(instance.branch)
        masked = {"id_number": mask_id_number(instance.id_number), "phone": mask_phone(instance.phone)}
        if unmask:
            del masked["phone"]  # the ID number stays masked by default, for everyone
        self.masked_fields = set(masked)
        for name, hint in masked.items():
            field = self.fields[name]
            field.required = False
            field.widget.is_required = False
            field.help_text = KEEP_HELP
            field.widget.attrs["placeholder"] = hint
            self.initial[name] = ""

    def changes(self) -> dict:
        """What the service receives: a masked field only when something new was typed into it."""
        data = dict(self.cleaned_data)
        for name in self.masked_fields:
            if not data.get(name):
                data.pop(name, None)
        return data
