"""Committee terms and the elections that start them (换届选举): docs/terms.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models.bases import ScopedModel
from branches.models.bases import ScopedRecord
from branches.models.bases import organization_field
from branches.models.bases import user_stamp_field

from .cadres import CadrePost
from .roster import member_field


class TermKind(models.TextChoices):
    COMMITTEE = "committee", _("Committee")
    SECRETARY = "secretary", _("Secretary only")


class Term(ScopedRecord):
    """One term of an organization's leadership: a committee, or a secretary (and deputy) where the branch
    has fewer than 7 full members. ``ends_on`` is the last day, extension included; it is computed by the
    services (``members/services/terms.py``), never entered."""

    organization = organization_field(_("organization"), "terms")
    kind = models.CharField(_("kind"), max_length=12, choices=TermKind.choices)
    starts_on = models.DateField(_("starts on"))
    length_years = models.PositiveSmallIntegerField(_("length in years"))
    extended_to = models.DateField(_("extended to"), null=True, blank=True)
    extension_reason = models.CharField(_("reason for the extension"), max_length=200, blank=True)
    extended_on = models.DateField(_("extension decided on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), editable=False)
    election = models.OneToOneField(
        "members.Election",
        verbose_name=_("election"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="term",
    )

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["organization__path", "-starts_on", "pk"]
        indexes = [models.Index(fields=["organization", "starts_on"], name="term_org_start")]
        constraints = [
            models.UniqueConstraint(fields=["organization", "starts_on"], name="term_one_start_per_day"),
        ]

    def __str__(self):
        return f"{self.organization} · {self.starts_on} – {self.ends_on}"


class ElectionStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded, awaiting approval")
    APPROVED = "approved", _("Approved")


class Election(ScopedRecord):
    """A branch's election (换届选举): the vote and the township's approval."""

    organization = organization_field(_("organization"), "elections")
    held_on = models.DateField(_("held on"))
    entitled_voters = models.PositiveIntegerField(_("entitled voters"))
    present_voters = models.PositiveIntegerField(_("voters present"))
    status = models.CharField(
        _("status"), max_length=10, choices=ElectionStatus.choices, default=ElectionStatus.RECORDED
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_by = user_stamp_field(_("approved by"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["organization__path", "-held_on", "pk"]

    def __str__(self):
        return f"{self.organization} · {self.held_on}"


ELECTED_POSTS = (CadrePost.SECRETARY, CadrePost.DEPUTY_SECRETARY, CadrePost.BRANCH_COMMITTEE)


class Candidate(ScopedModel):
    """A candidate of an election with the yes votes, and the post they were elected to (blank: not
    elected)."""

    scope_path_lookup = "election__organization__path"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    member = member_field("candidacies", on_delete=models.PROTECT)
    yes_votes = models.PositiveIntegerField(_("yes votes"))
    elected_post = models.CharField(
        _("elected to"),
        max_length=24,
        blank=True,
        choices=[(post.value, post.label) for post in ELECTED_POSTS],
    )

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["election", "-yes_votes", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["election", "member"], name="candidate_once_per_election"),
        ]

    def __str__(self):
        return f"{self.member_id} · {self.yes_votes}"
