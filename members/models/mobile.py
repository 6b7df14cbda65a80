"""Members working away (流动党员, docs/mobile-members.md): each spell away from the branch, with where the
member works, who to reach them through, the organization they attend there, and the branch's contact log."""

from django.db import models
from django.db.models import F
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.models.bases import ScopedRecord
from branches.models.bases import user_stamp_field

from .roster import Member

# Months without a contact after which a member away is out of contact (docs/mobile-members.md).
OUT_OF_CONTACT_MONTHS = 6
# A spell away after its member, as its forms, the API and its update service take it (coming back sets
# ``back_on`` apart).
AWAY_DETAIL_FIELDS = (
    "destination",
    "work_unit",
    "contact_name",
    "contact_phone",
    "host_organization",
    "left_on",
)


class ContactWay(models.TextChoices):
    PHONE = "phone", _("Phone call")
    MESSAGE = "message", _("Message or video call")
    VISIT = "visit", _("Visit in person")
    LETTER = "letter", _("Letter or the organization there")


class AwayRecord(ScopedRecord):
    """One spell away: from ``left_on`` until ``back_on`` (open while the member is away)."""

    scope_path_lookup = "member__branch__path"
    personal_fields = {"contact_phone": "phone"}

    member = models.ForeignKey(
        Member, verbose_name=_("party member"), on_delete=models.CASCADE, related_name="away_records"
    )
    destination = models.CharField(_("working away in"), max_length=100)
    work_unit = models.CharField(_("work unit"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact person's phone"), max_length=20, blank=True)
    host_organization = models.CharField(
        _("party organization attended there"),
        max_length=200,
        blank=True,
        help_text=_("the party organization where the member works (流入地党组织), as its name"),
    )
    left_on = models.DateField(_("left on"))
    back_on = models.DateField(_("back on"), null=True, blank=True)
    recorded_by = user_stamp_field(_("recorded by"))

    class Meta:
        verbose_name = _("spell working away")
        verbose_name_plural = _("spells working away")
        ordering = ["member__branch__path", "member__name", "-left_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(back_on__isnull=True), name="away_record_one_open"
            ),
            models.CheckConstraint(
                condition=Q(back_on__isnull=True) | Q(back_on__gte=F("left_on")),
                name="away_record_back_after",
            ),
        ]

    def __str__(self):
        return f"{self.member} {self.destination}"


class AwayContact(ScopedRecord):
    """One contact the branch made with a member away: when, how, what was said, who made it."""

    scope_path_lookup = "away__member__branch__path"

    away = models.ForeignKey(
        AwayRecord, verbose_name=_("spell working away"), on_delete=models.CASCADE, related_name="contacts"
    )
    contacted_on = models.DateField(_("contacted on"))
    way = models.CharField(_("way"), max_length=10, choices=ContactWay.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = user_stamp_field(_("contact made by"))

    class Meta:
        verbose_name = _("contact with a member away")
        verbose_name_plural = _("contacts with members away")
        ordering = ["-contacted_on", "-pk"]
        indexes = [models.Index(fields=["away", "contacted_on"], name="away_contact_last")]

    def __str__(self):
        return f"{self.away.member} {self.contacted_on}"
