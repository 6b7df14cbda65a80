"""Development steps that became possible, or whose deadline nears (docs/inbox.md, "Pipeline"): the due list
of members/selectors/pipeline.py for every open record at once, each step addressed to the role that takes
it (members/services/pipeline.py, STEP_CAPABILITY: the branch up to candidate, the township for the
pre-review, the approval and the confirmation). One query."""

import datetime as dt

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.scope.roles import Capability
from branches.scope.roles import Role
from members.models import Applicant
from members.models import ApplicantStage
from members.models import ApplicantStatus
from members.selectors.pipeline import MISSING_LABELS
from members.selectors.pipeline import NEXT_STEP
from members.services.pipeline import STEP_CAPABILITY

from ..items import Source
from ..items import within

# Days before a deadline (the three months to approve after the assembly) from which the step is listed
# even before it is possible.
DEADLINE_NEAR_DAYS = 30
ROLE_OF_CAPABILITY = {Capability.RECORDS: Role.BRANCH_SECRETARY, Capability.REVIEW: Role.TOWNSHIP_STAFF}


class PipelineSteps(Source):
    key = "pipeline"
    label = gettext_lazy("Development steps")

    def collect(self, *, roots, today):
        applicants = (
            Applicant.objects.filter(within("branch__path", roots), status=ApplicantStatus.ACTIVE)
            .exclude(stage=ApplicantStage.FULL)
            .select_related("branch")
            .annotate(
                mentor_count=Count("mentors", distinct=True), sponsor_count=Count("sponsors", distinct=True)
            )
        )
        items = []
        for applicant in applicants:
            step = NEXT_STEP[applicant.stage](applicant)
            near = step.deadline is not None and step.deadline - today <= dt.timedelta(
                days=DEADLINE_NEAR_DAYS
            )
            if step.is_ready(today) or near:
                items.append(self._step(applicant, step, today))
            elif applicant.stage == ApplicantStage.CANDIDATE and "pre_review" in step.missing:
                items.append(self._pre_review(applicant))
        return items

    def _step(self, applicant, step, today):
        stage = ApplicantStage(step.next_stage)
        if step.is_ready(today):
            why = _("Possible since %(day)s.") % {"day": step.possible_from}
        else:
            missing = ", ".join(str(MISSING_LABELS[key]) for key in step.missing)
            why = _("Approval due within three months of the assembly; still missing: %(missing)s.") % {
                "missing": missing
            }
        return self.item(
            applicant.branch,
            f"{applicant.pk}:{stage}",
            roles=frozenset({ROLE_OF_CAPABILITY[STEP_CAPABILITY[stage]]}),
            what=_("%(name)s: step to “%(stage)s”") % {"name": applicant.name, "stage": stage.label},
            why=why,
            due_on=step.deadline,
            url=reverse("members:applicant-advance", args=[applicant.pk]),
        )

    def _pre_review(self, applicant):
        return self.item(
            applicant.branch,
            f"{applicant.pk}:pre_review",
            roles=frozenset({Role.TOWNSHIP_STAFF}),
            what=_("%(name)s: township pre-review") % {"name": applicant.name},
            why=_("A candidate for development waits for the pre-review before the branch assembly."),
            due_on=None,
            url=reverse("members:applicant-advance", args=[applicant.pk]),
        )
