"""Data entry for village secretaries (and township staff) under /people/: visits, meetings with attendance,
trainings, members, the development pipeline, cadres, the reserve roster and study records.

Every page is an ``EntryView`` (branches.views.entry): the service does the writing and the rules.
"""

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.scope.querysets import organization_in_scope
from branches.views.entry import EntryView
from branches.views.entry import entry_urls
from branches.views.entry import reload_on_change

from ..forms.cadres import CadreEditForm
from ..forms.cadres import CadreForm
from ..forms.cadres import ReserveCadreEditForm
from ..forms.cadres import ReserveCadreForm
from ..forms.meetings import MeetingEditForm
from ..forms.meetings import MeetingForm
from ..forms.meetings import OrganizationChoice
from ..forms.pipeline import AdvanceForm
from ..forms.pipeline import ApplicantForm
from ..forms.pipeline import CorrectionForm
from ..forms.roster import MemberEditForm
from ..forms.roster import MemberForm
from ..forms.study import StudyRecordEditForm
from ..forms.study import StudyRecordForm
from ..forms.trainings import TrainingEditForm
from ..forms.trainings import TrainingForm
from ..forms.visits import VisitEditForm
from ..forms.visits import VisitForm
from ..models import Applicant
from ..models import ApplicantStage
from ..models import ApplicantStatus
from ..models import Cadre
from ..models import Meeting
from ..models import Member
from ..models import ReserveCadre
from ..models import StudyRecord
from ..models import Training
from ..models import VisitLog
from ..selectors.pipeline import MISSING_LABELS
from ..selectors.pipeline import NEXT_STEP
from ..selectors.pipeline import applicant_corrections
from ..selectors.visits import households_visited
from ..services.activities import meeting_record
from ..services.activities import meeting_update
from ..services.activities import study_record
from ..services.activities import study_update
from ..services.activities import training_record
from ..services.activities import training_update
from ..services.cadres import cadre_appoint
from ..services.cadres import cadre_update
from ..services.cadres import reserve_enter
from ..services.cadres import reserve_update
from ..services.pipeline import applicant_advance
from ..services.pipeline import applicant_register
from ..services.pipeline import step_capability
from ..services.pipeline_corrections import applicant_correct
from ..services.roster import member_create
from ..services.roster import member_update
from ..services.visits import visit_record
from ..services.visits import visit_update


def _asked(request) -> dict:
    """The ``?organization=`` (or ``?organizer=``) and ``?held_on=`` a page reloads its checklists with
    (htmx): each None when not given."""
    choice = OrganizationChoice(request.GET)
    return {"organization": choice.chosen(), "on": choice.day()}


# --- visits -------------------------------------------------------------------------------------------


class VisitCreate(EntryView):
    form_class = VisitForm
    template_name = "members/entry/visit.html"
    title = _("Record a household visit")
    list_url_name = "members:visit-list"
    create_service = staticmethod(visit_record)

    def render(self, form, conflict=None):
        if getattr(form, "single_organization", None) is None:
            cadre = form.initial.get("cadre")
            chosen = form.fields["cadre"].queryset.filter(pk=cadre).first() if cadre else None
            form.single_organization = chosen.organization if chosen else None
        return super().render(form, conflict)

    def context(self, form):
        organization = form.single_organization
        if organization is None:
            return {}
        year = timezone.localdate().year
        return {"households": households_visited(organization=organization, year=year)}


class VisitEdit(VisitCreate):
    form_class = VisitEditForm
    model = VisitLog
    title = _("Edit a household visit")
    update_service = staticmethod(visit_update)


# --- meetings -----------------------------------------------------------------------------------------


class AttendanceEntryView(EntryView):
    """A record with checklists of the people who attended, drawn from the chosen organization's subtree:
    choosing another organization reloads them, and the service receives them as lists."""

    organization_field = "organization"

    def form_kwargs(self):
        return {**super().form_kwargs(), **_asked(self.request)}

    def render(self, form, conflict=None):
        # The roll shown is the one of the chosen day (docs/records.md, "On the roll on a day").
        names = (self.organization_field, "held_on")
        reload_on_change(form, self.request, names, [f"field-{name}" for name in self.checklists])
        return super().render(form, conflict)


class MeetingCreate(AttendanceEntryView):
    form_class = MeetingForm
    template_name = "members/entry/meeting.html"
    title = _("Record a meeting")
    list_url_name = "members:meeting-list"
    create_service = staticmethod(meeting_record)
    checklists = ("attendees",)


class MeetingEdit(MeetingCreate):
    form_class = MeetingEditForm
    model = Meeting
    title = _("Edit a meeting")
    update_service = staticmethod(meeting_update)


# --- trainings ----------------------------------------------------------------------------------------


class TrainingCreate(AttendanceEntryView):
    form_class = TrainingForm
    template_name = "members/entry/training.html"
    title = _("Record a training")
    list_url_name = "members:training-list"
    create_service = staticmethod(training_record)
    organization_field = "organizer"
    checklists = ("member_attendees", "cadre_attendees")


class TrainingEdit(TrainingCreate):
    form_class = TrainingEditForm
    model = Training
    title = _("Edit a training")
    update_service = staticmethod(training_update)


# --- members ------------------------------------------------------------------------------------------


class MemberCreate(EntryView):
    form_class = MemberForm
    title = _("New party member")
    list_url_name = "members:member-list"
    create_service = staticmethod(member_create)


class MemberEdit(MemberCreate):
    form_class = MemberEditForm
    model = Member
    title = _("Edit party member")
    update_service = staticmethod(member_update)

    def service_data(self, form):
        return form.changes()


# --- development pipeline -----------------------------------------------------------------------------


class ApplicantCreate(EntryView):
    form_class = ApplicantForm
    title = _("New application to join the party")
    list_url_name = "members:applicant-list"
    create_service = staticmethod(applicant_register)


def due_step(applicant: Applicant):
    """The applicant's next step as the due list computes it (stage, from when, what is missing), or None for
    a closed record or a full member."""
    if applicant.status != ApplicantStatus.ACTIVE or applicant.stage not in NEXT_STEP:
        return None
    counts = {
        "mentor_count": Count("mentors", distinct=True),
        "sponsor_count": Count("sponsors", distinct=True),
    }
    row = Applicant.objects.filter(pk=applicant.pk).annotate(**counts).get()
    return NEXT_STEP[applicant.stage](row)


class ApplicantStepView(EntryView):
    """A page on one development record the user may change (else 404), beside its summary; the pipeline's
    rule messages land beside the fields."""

    model = Applicant
    list_url_name = "members:applicant-list"

    def get_object(self):
        queryset = Applicant.objects.restrict(self.request.user, "change").select_related("branch")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def form_kwargs(self):
        return {"user": self.request.user, "applicant": self.object}


class ApplicantAdvance(ApplicantStepView):
    """One step on, on a date, with that step's facts."""

    form_class = AdvanceForm
    template_name = "members/entry/advance.html"
    title = _("Next development step")

    def get_object(self):
        applicant = super().get_object()
        self.step = due_step(applicant)
        return applicant

    def form_kwargs(self):
        return {**super().form_kwargs(), "to_stage": self.step.next_stage if self.step else None}

    def save(self, form):
        return applicant_advance(
            actor=self.request.user,
            applicant=self.object,
            to_stage=form.to_stage or "",
            on=form.cleaned_data["on"],
            expected_version=form.cleaned_data.get("version"),
            **form.facts(),
        )

    def context(self, form):
        step = self.step
        may_take = step is not None and organization_in_scope(
            self.request.user, self.object.branch, step_capability(step.next_stage)
        )
        return {
            "applicant": self.object,
            "read_only": step is not None and not may_take,
            "to_stage": ApplicantStage(step.next_stage).label if step else None,
            "missing": [MISSING_LABELS[key] for key in step.missing] if step else [],
            "possible_from": step.possible_from if step else None,
        }


class ApplicantCorrect(ApplicantStepView):
    """Correct facts the steps recorded, with the reason; a broken rule lands beside the field it names."""

    form_class = CorrectionForm
    template_name = "members/entry/correct.html"
    title = _("Correct the development record")

    def save(self, form):
        return applicant_correct(
            actor=self.request.user,
            applicant=self.object,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data.get("version"),
            **form.facts(),
        )

    def context(self, form):
        return {"applicant": self.object, "corrections": applicant_corrections(applicant=self.object)}


# --- cadres and the reserve roster --------------------------------------------------------------------


class PostHolderEntry(EntryView):
    """A cadre post or a reserve cadre: the form (``PostHolderForm``) says what the service receives."""

    def service_data(self, form):
        return form.data_for_service()


class CadreCreate(PostHolderEntry):
    form_class = CadreForm
    title = _("New cadre post")
    list_url_name = "members:cadre-list"
    create_service = staticmethod(cadre_appoint)


class CadreEdit(CadreCreate):
    form_class = CadreEditForm
    model = Cadre
    title = _("Edit cadre post")
    update_service = staticmethod(cadre_update)


class ReserveCadreCreate(PostHolderEntry):
    form_class = ReserveCadreForm
    title = _("New reserve cadre")
    list_url_name = "members:reservecadre-list"
    create_service = staticmethod(reserve_enter)


class ReserveCadreEdit(ReserveCadreCreate):
    form_class = ReserveCadreEditForm
    model = ReserveCadre
    title = _("Edit reserve cadre")
    update_service = staticmethod(reserve_update)


# --- study records ------------------------------------------------------------------------------------


class StudyRecordCreate(EntryView):
    form_class = StudyRecordForm
    title = _("Record a month's study")
    list_url_name = "members:studyrecord-list"
    create_service = staticmethod(study_record)


class StudyRecordEdit(StudyRecordCreate):
    form_class = StudyRecordEditForm
    model = StudyRecord
    title = _("Edit a month's study")
    update_service = staticmethod(study_update)


urlpatterns = [
    *entry_urls("visits", "visit", VisitCreate, VisitEdit),
    *entry_urls("meetings", "meeting", MeetingCreate, MeetingEdit),
    *entry_urls("trainings", "training", TrainingCreate, TrainingEdit),
    *entry_urls("members", "member", MemberCreate, MemberEdit),
    path("applicants/new/", ApplicantCreate.as_view(), name="applicant-create"),
    path("applicants/<int:pk>/advance/", ApplicantAdvance.as_view(), name="applicant-advance"),
    path("applicants/<int:pk>/correct/", ApplicantCorrect.as_view(), name="applicant-correct"),
    *entry_urls("cadres", "cadre", CadreCreate, CadreEdit),
    *entry_urls("reserve-cadres", "reservecadre", ReserveCadreCreate, ReserveCadreEdit),
    *entry_urls("study-records", "studyrecord", StudyRecordCreate, StudyRecordEdit),
]
