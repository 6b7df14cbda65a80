"""The county report of the joint evaluation (JSON now, xlsx/PDF as background jobs) and the report jobs.

``GET /api/v1/reports/joint-evaluation/?organization=<id>&year=<y>&format=json|xlsx|pdf``: with json the
report itself; with xlsx or pdf a ReportJob is queued and the answer is 202 with its id and status URL.
``/api/v1/report-jobs/``: the jobs of the caller's subtree; POST queues one; ``{id}/download/`` streams the
finished file (the requester and county administrators only; 409 while it is not finished).
"""

from django.http import FileResponse
from django.urls import path
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework import mixins
from rest_framework import serializers
from rest_framework import status
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from branches.api.negotiation import FormatNamesTheFile
from branches.api.serializers import OrganizationRecordSerializer
from branches.models import Organization
from branches.scope.viewsets import ScopedQuerysetMixin
from partybuild.http import client_ip
from partybuild.years import YearField

from ..models import ReportFormat
from ..models import ReportJob
from ..models import ReportKind
from ..selectors import reports as selectors
from ..selectors.joint_report import joint_evaluation_report
from ..selectors.joint_report import joint_report_cycle
from ..services import reports as services


class ReportParamsSerializer(serializers.Serializer):
    organization = serializers.IntegerField(
        min_value=1, error_messages={"invalid": _("Give the organization as its numeric id.")}
    )
    year = YearField(error_messages={"invalid": _("Give the year as four digits, e.g. 2025.")})
    format = serializers.ChoiceField(
        choices=["json", *ReportFormat.values],
        default="json",
        error_messages={"invalid_choice": _("Choose json, xlsx or pdf.")},
    )


class ReportJobSerializer(OrganizationRecordSerializer):
    kind = serializers.ChoiceField(choices=ReportKind.choices, default=ReportKind.JOINT_EVALUATION)
    format = serializers.ChoiceField(choices=ReportFormat.choices)
    year = YearField()
    requested_by_name = serializers.CharField(source="requested_by.username", read_only=True, default=None)
    status_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        fields = [
            "id",
            "kind",
            "format",
            "organization",
            "organization_name",
            "year",
            "state",
            "progress",
            "requested_by",
            "requested_by_name",
            "created_at",
            "started_at",
            "finished_at",
            "error",
            "status_url",
            "download_url",
        ]
        read_only_fields = [
            "state",
            "progress",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "error",
        ]

    def get_status_url(self, job) -> str:
        return reverse("report-job-detail", args=[job.pk])

    def get_download_url(self, job) -> str | None:
        return reverse("report-job-download", args=[job.pk]) if job.state == "succeeded" else None


def _organization(user, pk: int) -> Organization:
    organization = Organization.objects.restrict(user, "view").filter(pk=pk).first()
    if organization is None:
        raise exceptions.NotFound(_("No such organization."))
    return organization


class JointEvaluationReportView(APIView):
    """The joint evaluation report of a county or township for a year (docs/ratings-and-evaluation.md)."""

    content_negotiation_class = FormatNamesTheFile

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", OpenApiTypes.INT, required=True),
            OpenApiParameter("year", OpenApiTypes.INT, required=True),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "xlsx", "pdf"]),
        ],
        responses={200: OpenApiTypes.OBJECT, 202: ReportJobSerializer},
    )
    def get(self, request):
        params = ReportParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        organization = _organization(request.user, data["organization"])
        if data["format"] == "json":
            report = joint_evaluation_report(user=request.user, organization=organization, year=data["year"])
            return Response(report.as_dict())
        joint_report_cycle(user=request.user, organization=organization, year=data["year"])
        job = services.report_job_create(
            actor=request.user, organization=organization, year=data["year"], format=data["format"]
        )
        body = ReportJobSerializer(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]})


class ReportJobViewSet(
    ScopedQuerysetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Report files generated in the background: queue one, poll its state and progress, download it.

    ``?mine=1`` lists only the caller's own jobs."""

    queryset = ReportJob.objects.all()
    list_selector = staticmethod(selectors.report_job_list)
    serializer_class = ReportJobSerializer
    filterset_fields = ["kind", "format", "state", "year", "organization"]
    ordering_fields = ["created_at", "year"]
    ordering = ["-created_at"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.query_params.get("mine") in {"1", "true"}:
            queryset = queryset.filter(requested_by=self.request.user)
        return queryset

    @extend_schema(responses={202: ReportJobSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = services.report_job_create(actor=request.user, **serializer.validated_data)
        body = self.get_serializer(job).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]})

    @extend_schema(
        responses={
            **{(200, content_type): OpenApiTypes.BINARY for content_type in services.CONTENT_TYPES.values()},
            409: OpenApiTypes.OBJECT,
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        job = self.get_object()
        try:
            handle, filename = services.report_job_open(
                actor=request.user, job=job, ip_address=client_ip(request)
            )
        except services.ReportNotReady as error:
            return Response(
                {"detail": str(error), "state": job.state, "progress": job.progress},
                status=status.HTTP_409_CONFLICT,
            )
        response = FileResponse(
            handle, as_attachment=True, filename=filename, content_type=services.CONTENT_TYPES[job.format]
        )
        response["Cache-Control"] = "no-store"
        return response


def register(router):
    router.register("report-jobs", ReportJobViewSet, basename="report-job")


# django.urls.path() entries served under /api/v1/; each needs an OrganizationParamScopeSuite.
paths = [
    path(
        "reports/joint-evaluation/",
        JointEvaluationReportView.as_view(),
        name="report-joint-evaluation",
    ),
]
