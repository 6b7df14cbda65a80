from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from branches.api.actions import StepAction
from branches.api.actions import WorkflowActionMixin
from branches.models import Organization
from branches.scope.viewsets import ScopedModelViewSet
from branches.scope.viewsets import ScopedRelatedField
from branches.scope.viewsets import UnmaskActionMixin
from branches.scope.viewsets import VersionedSerializerMixin
from branches.selectors import organization_get
from partybuild.serializer_fields import ChoiceLabelField

from ..filters.pipeline import ApplicantFilter
from ..models import Applicant
from ..models import ApplicantStage
from ..models import ApplicantStatus
from ..models import Member
from ..models.roster import PERSON_FIELDS
from ..selectors import pipeline as selectors
from ..selectors.pipeline import MISSING_LABELS
from ..services import pipeline as services
from ..services.pipeline_corrections import applicant_correct


class ApplicantSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    """The record. Its pipeline facts are written by the steps (``advance``, ``extend-probation``, ``close``)
    and afterwards by ``corrections``; an update that changes one is refused with the step's name."""

    branch = ScopedRelatedField(queryset=Organization.objects.all())
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    mentors = ScopedRelatedField(queryset=Member.objects.all(), many=True, required=False)
    sponsors = ScopedRelatedField(queryset=Member.objects.all(), many=True, required=False)
    member = ScopedRelatedField(queryset=Member.objects.all(), required=False, allow_null=True)
    stage_display = ChoiceLabelField("stage")

    class Meta:
        model = Applicant
        fields = [
            "id",
            "branch",
            "branch_name",
            *PERSON_FIELDS,
            "stage",
            "stage_display",
            "status",
            "applied_on",
            "activist_on",
            "mentors",
            "political_review_on",
            "training_completed_on",
            "training_days",
            "training_hours",
            "notice_started_on",
            "candidate_on",
            "pre_reviewed_on",
            "sponsors",
            "assembly_on",
            "votes_entitled",
            "votes_yes",
            "approved_on",
            "probation_extension_months",
            "probation_extended_on",
            "confirmed_on",
            "member",
            "note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators = []
        extra_kwargs = {
            "id_number": {"validators": []},
            # Read from the ID number when left out (Applicant.fill_from_id_number).
            "birth_date": {"required": False},
            "gender": {"required": False},
        }


class StepFactsSerializer(serializers.Serializer):
    """The facts the steps record (members/services/pipeline.py: STEP_FACTS)."""

    mentors = ScopedRelatedField(queryset=Member.objects.all(), many=True, required=False)
    sponsors = ScopedRelatedField(queryset=Member.objects.all(), many=True, required=False)
    political_review_on = serializers.DateField(required=False)
    training_completed_on = serializers.DateField(required=False)
    training_days = serializers.IntegerField(required=False, min_value=0, max_value=365)
    training_hours = serializers.IntegerField(required=False, min_value=0, max_value=2000)
    notice_started_on = serializers.DateField(required=False)
    pre_reviewed_on = serializers.DateField(required=False)
    assembly_on = serializers.DateField(required=False)
    votes_entitled = serializers.IntegerField(required=False, min_value=1, max_value=10000)
    votes_yes = serializers.IntegerField(required=False, min_value=0, max_value=10000)


class AdvanceSerializer(StepFactsSerializer):
    to_stage = serializers.ChoiceField(choices=ApplicantStage.choices[1:])
    on = serializers.DateField(help_text=_("the date of the step: designation, approval or confirmation"))
    version = serializers.IntegerField(required=False, min_value=1)


class CorrectionSerializer(StepFactsSerializer):
    """The facts to correct, each only if its step was taken, and why (docs/members-and-pipeline.md)."""

    reason = serializers.CharField(max_length=500)
    version = serializers.IntegerField(required=False, min_value=1)
    applied_on = serializers.DateField(required=False)
    activist_on = serializers.DateField(required=False)
    candidate_on = serializers.DateField(required=False)
    approved_on = serializers.DateField(required=False)
    confirmed_on = serializers.DateField(required=False)
    probation_extension_months = serializers.IntegerField(required=False, min_value=1, max_value=24)
    probation_extended_on = serializers.DateField(required=False)


class ExtendProbationSerializer(serializers.Serializer):
    months = serializers.IntegerField(min_value=1, max_value=24)
    on = serializers.DateField()


class CloseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[ApplicantStatus.WITHDRAWN, ApplicantStatus.DISQUALIFIED])
    reason = serializers.CharField(max_length=500)


class DueStepSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="applicant.pk")
    name = serializers.CharField(source="applicant.name")
    branch = serializers.IntegerField(source="applicant.branch_id")
    branch_name = serializers.CharField(source="applicant.branch.name")
    stage = serializers.CharField(source="applicant.stage")
    next_stage = serializers.CharField()
    possible_from = serializers.DateField(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    missing = serializers.SerializerMethodField()
    ready = serializers.SerializerMethodField()

    def get_missing(self, step) -> list[str]:
        return [str(MISSING_LABELS[code]) for code in step.missing]

    def get_ready(self, step) -> bool:
        return step.is_ready(self.context["today"])


class ApplicantViewSet(WorkflowActionMixin, UnmaskActionMixin, ScopedModelViewSet):
    """The development pipeline: applicants, activists, candidates and probationary members (发展党员)."""

    queryset = Applicant.objects.all()
    list_selector = staticmethod(selectors.applicant_list)
    serializer_class = ApplicantSerializer
    action_serializers = {"due_list": DueStepSerializer}
    step_record = "applicant"
    filterset_class = ApplicantFilter
    search_fields = ["name"]
    ordering_fields = ["applied_on", "name", "stage", "activist_on", "candidate_on", "assembly_on"]
    ordering = ["branch__path", "applied_on", "pk"]
    create_service = staticmethod(services.applicant_register)
    update_service = staticmethod(services.applicant_update)

    def get_queryset(self):
        # The answer lists the mentors' and sponsors' ids: one query each for a whole page.
        return super().get_queryset().prefetch_related("mentors", "sponsors")

    advance = StepAction(
        services.applicant_advance,
        AdvanceSerializer,
        "Take the next pipeline step; a refused step names the rule and the date it becomes possible.",
    )

    corrections = StepAction(
        applicant_correct,
        CorrectionSerializer,
        """Correct facts a step recorded, with the reason: the step's rules are checked again, and the
        record's change history keeps what changed from what to what.""",
    )

    extend_probation = StepAction(
        services.probation_extend, ExtendProbationSerializer, url_path="extend-probation"
    )

    close = StepAction(services.applicant_close, CloseSerializer)

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", int, description="limit to this organization's subtree")
        ],
        responses=DueStepSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="due-list")
    def due_list(self, request):
        """Who can take which next step, from which date (and the approval deadline after an assembly)."""
        organization = None
        if request.query_params.get("organization"):
            try:
                organization = organization_get(
                    user=request.user, pk=int(request.query_params["organization"])
                )
            except ValueError as error:
                raise ValidationError({"organization": [_("Give an organization id.")]}) from error
        today = timezone.localdate()
        steps = selectors.due_list(user=request.user, organization=organization, today=today)
        return self.paginated(steps, DueStepSerializer, context={"today": today})


def register(router):
    router.register("applicants", ApplicantViewSet)
