from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.models.bases import ScopedRecord
from branches.models.bases import organization_field
from branches.models.bases import raise_errors
from branches.scope.querysets import ScopedQuerySet

from .pipeline import PoliticalStatus
from .roster import Education
from .roster import Gender
from .roster import member_field


class CadrePost(models.TextChoices):
    SECRETARY = "secretary", _("Branch secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy branch secretary")
    BRANCH_COMMITTEE = "branch_committee", _("Branch committee member")
    VILLAGE_DIRECTOR = "village_director", _("Village committee director")
    VILLAGE_DEPUTY_DIRECTOR = "village_deputy_director", _("Village committee deputy director")
    VILLAGE_COMMITTEE = "village_committee", _("Village committee member")
    SUPERVISION_CHAIR = "supervision_chair", _("Village affairs supervision committee chair")
    FIRST_SECRETARY = "first_secretary", _("First secretary (dispatched)")
    STUDENT_OFFICIAL = "student_official", _("College-graduate village official")
    INSTRUCTOR = "instructor", _("Party-building instructor")
    GROUP_LEADER = "group_leader", _("Party group leader")


BRANCH_POSTS = frozenset({CadrePost.SECRETARY, CadrePost.DEPUTY_SECRETARY, CadrePost.BRANCH_COMMITTEE})
VILLAGE_COMMITTEE_POSTS = frozenset(
    {CadrePost.VILLAGE_DIRECTOR, CadrePost.VILLAGE_DEPUTY_DIRECTOR, CadrePost.VILLAGE_COMMITTEE}
)
TWO_COMMITTEE_POSTS = BRANCH_POSTS | VILLAGE_COMMITTEE_POSTS  # the "two committees" (docs/quotas.md)
# Posts only a party member can hold; village committee posts and the supervision chair may be non-members.
MEMBER_ONLY_POSTS = BRANCH_POSTS | {CadrePost.FIRST_SECRETARY, CadrePost.INSTRUCTOR, CadrePost.GROUP_LEADER}

# The person who holds a post or is on a reserve roster: a party member's identity comes from the roster.
POST_HOLDER_FIELDS = ("member", "name", "gender", "birth_date", "education", "phone")
# Who holds a post and for which term: what a cadre's forms take after the organization and the post.
CADRE_TERM_FIELDS = (
    *POST_HOLDER_FIELDS,
    "started_on",
    "ended_on",
    "sending_unit",
    "note",
)
CADRE_FIELDS = ("organization", "post", *CADRE_TERM_FIELDS)
# What the roster keeps of a reserve cadre beyond the person: where they came from and their training.
RESERVE_ROSTER_FIELDS = ("political_status", "source", "entered_on", "mentor", "trainings_attended")
# What a reserve cadre's forms take; the lifecycle fields change only by promotion or removal.
RESERVE_FIELDS = ("organization", *POST_HOLDER_FIELDS, *RESERVE_ROSTER_FIELDS)
RESERVE_LIFECYCLE_FIELDS = ("status", "promoted_post", "promoted_on", "removed_on", "removed_reason")


class CadreQuerySet(ScopedQuerySet):
    def serving_on(self, day):
        return self.filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=day), started_on__lte=day)


class Cadre(ScopedRecord):
    """One post held by one person in one organization for a term. A person with two concurrent posts
    (一肩挑, 交叉任职) has two rows; cross-appointment is derived from them, never entered."""

    personal_fields = {"phone": "phone"}

    organization = organization_field(_("organization"), "cadres")
    post = models.CharField(_("post"), max_length=24, choices=CadrePost.choices)
    member = member_field("posts", on_delete=models.PROTECT, null=True, blank=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    started_on = models.DateField(_("term started on"))
    ended_on = models.DateField(_("term ended on"), null=True, blank=True)
    sending_unit = models.CharField(_("sending unit"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = _("cadre post")
        verbose_name_plural = _("cadre posts")
        ordering = ["organization__path", "post", "started_on"]
        indexes = [models.Index(fields=["organization", "post", "ended_on"], name="cadre_org_post")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="cadre_term_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.get_post_display()} · {self.organization}"

    def clean(self):
        errors = {}
        if self.post in MEMBER_ONLY_POSTS and self.member_id is None:
            errors["member"] = _("This post can only be held by a party member; choose the member.")
        if self.post == CadrePost.FIRST_SECRETARY and not self.sending_unit:
            errors["sending_unit"] = _("A dispatched first secretary needs the sending unit.")
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The term cannot end before it starts.")
        raise_errors(errors)


class ReserveSource(models.TextChoices):
    CADRE_RECOMMENDATION = "cadre_recommendation", _("Recommended by cadres")
    HOUSEHOLD_VISITS = "household_visits", _("Found in household visits")
    OPEN_CAMPAIGN = "open_campaign", _("Open recruitment campaign")
    RETURNING_YOUTH = "returning_youth", _("Returning young people")
    DEMOBILIZED_SOLDIER = "demobilized_soldier", _("Demobilized soldier")
    WEALTH_LEADER = "wealth_leader", _("Leader in getting rich")
    GRADUATE = "graduate", _("College graduate")


class ReserveStatus(models.TextChoices):
    IN_ROSTER = "in_roster", _("In the roster")
    PROMOTED = "promoted", _("Promoted")
    REMOVED = "removed", _("Removed")


class ReserveCadre(ScopedRecord):
    """A village's reserve cadre (后备干部)."""

    personal_fields = {"phone": "phone"}

    organization = organization_field(_("village branch"), "reserve_cadres")
    member = member_field("+", on_delete=models.SET_NULL, null=True, blank=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    education = models.CharField(_("education"), max_length=20, choices=Education.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    political_status = models.CharField(_("political status"), max_length=12, choices=PoliticalStatus.choices)
    source = models.CharField(_("source"), max_length=24, choices=ReserveSource.choices)
    entered_on = models.DateField(_("entered the roster on"))
    mentor = models.CharField(_("township mentor"), max_length=50, blank=True)
    trainings_attended = models.PositiveSmallIntegerField(_("trainings attended"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=ReserveStatus.choices, default=ReserveStatus.IN_ROSTER
    )
    promoted_post = models.CharField(
        _("promoted to post"), max_length=24, choices=CadrePost.choices, blank=True
    )
    promoted_on = models.DateField(_("promoted on"), null=True, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removed_reason = models.CharField(_("reason for removal"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("reserve cadre")
        verbose_name_plural = _("reserve cadres")
        ordering = ["organization__path", "entered_on", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.status == ReserveStatus.PROMOTED and not (self.promoted_post and self.promoted_on):
            errors["promoted_post"] = _("A promotion needs the post and the date.")
        if self.status == ReserveStatus.REMOVED and not (self.removed_on and self.removed_reason):
            errors["removed_reason"] = _("A removal needs the date and the reason.")
        if self.birth_date and self.entered_on and self.entered_on <= self.birth_date:
            errors["entered_on"] = _("The roster date must come after the birth date.")
        raise_errors(errors)
