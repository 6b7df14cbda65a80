"""Import, import template and export actions for any ScopedModelViewSet that names a ``resource_class``.

- ``POST <list>/import/`` (multipart: ``file``, ``dry_run`` default true): every row's errors, then all rows
  or none (201 when written, 400 when a commit was refused, 200 for a dry run);
- ``GET <list>/import-template/?file_format=xlsx|csv``: the empty template with its instructions;
- ``GET <list>/export/`` with the list's own filters: an xlsx of the filtered, scoped list, recorded as a
  security event; above ``EXPORT_JOB_THRESHOLD`` rows 202 with an export job (branches/tabular/jobs.py);
- ``/api/v1/export-jobs/``: the caller's own export jobs, their progress and ``{id}/download/``;
- an upload above ``IMPORT_JOB_THRESHOLD`` rows answers 202 with an import job
  (branches/tabular/import_jobs.py), read at ``/api/v1/import-jobs/{id}/`` by the caller alone.
"""

from django.http import FileResponse
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions
from rest_framework import mixins
from rest_framework import serializers
from rest_framework import status
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from branches.tabular.exports import CSV_CONTENT_TYPE
from branches.tabular.exports import XLSX_CONTENT_TYPE
from branches.tabular.exports import export_xlsx
from branches.tabular.exports import template_csv
from branches.tabular.exports import template_xlsx
from branches.tabular.import_jobs import import_answer
from branches.tabular.import_jobs import import_job_progress
from branches.tabular.import_jobs import import_or_queue
from branches.tabular.jobs import ExportNotReady
from branches.tabular.jobs import export_job_open
from branches.tabular.jobs import export_or_queue
from partybuild.http import client_ip

from ..models import ExportJob
from ..models import ImportJob
from ..scope.viewsets import ScopedQuerysetMixin

# The schema names the csv media type without its charset parameter.
CSV = "text/csv"
FALSE_WORDS = frozenset({"false", "0", "no", "off", "否"})
PAGING_PARAMS = frozenset({"page", "page_size"})


def _flag(value, *, default: bool) -> bool:
    if value is None or str(value).strip() == "":
        return default
    return str(value).strip().lower() not in FALSE_WORDS


# Every job's life as the API shows it; each kind adds what it is about and what it produced.
JOB_LIFE_FIELDS = ("state", "progress", "rows", "created_at", "started_at", "finished_at")


class JobSerializer(serializers.ModelSerializer):
    status_route = ""
    status_url = serializers.SerializerMethodField()

    def get_status_url(self, job) -> str:
        return reverse(self.status_route, args=[job.pk])


def job_accepted(serializer_class, job) -> Response:
    body = serializer_class(job).data
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]})


class ExportJobSerializer(JobSerializer):
    status_route = "export-job-detail"
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "title",
            *JOB_LIFE_FIELDS,
            "expires_at",
            "error",
            "status_url",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        return reverse("export-job-download", args=[job.pk]) if job.state == "succeeded" else None


class ImportJobSerializer(JobSerializer):
    """An import job; once ``succeeded``, ``status_code`` and ``result`` are the answer the upload would
    have had at once (the row errors and counts, or the file's refusal)."""

    status_route = "import-job-detail"
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "file_name",
            "dry_run",
            *JOB_LIFE_FIELDS,
            "error",
            "status_code",
            "result",
            "status_url",
        ]
        read_only_fields = fields

    def get_progress(self, job) -> int:
        return import_job_progress(job)


def export_response(view, request):
    """An ``export/`` action's answer: the xlsx now, or 202 with the export job when the list is large."""
    filters = {
        key: request.query_params.getlist(key) for key in request.query_params if key not in PAGING_PARAMS
    }
    output, job = export_or_queue(
        actor=request.user, view=view, source=request.path, filters=filters, ip_address=client_ip(request)
    )
    if job is not None and "text/html" in request.headers.get("Accept", ""):
        # A browser following a page's export link (the audit page) gets the job's progress page.
        return HttpResponseRedirect(reverse("branches:export-job", args=[job.pk]))
    if job is not None:
        return job_accepted(ExportJobSerializer, job)
    filename = f"{view.export_title()}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


class ExportableViewSetMixin:
    """An API viewset whose ``export/`` action may run as an export job, which rebuilds it with this."""

    @classmethod
    def export_view(cls, request, match):
        """The viewset as it answered ``request`` (rebuilt by an export job's worker)."""
        view = cls(**match.func.initkwargs)
        view.action_map = match.func.actions
        view.args, view.kwargs = (), match.kwargs
        view.format_kwarg = None
        drf_request = view.initialize_request(request)
        drf_request.user = request.user
        view.request = drf_request
        return view


class ImportExportViewSetMixin(ExportableViewSetMixin):
    resource_class = None

    def get_import_export_resource(self):
        return self.resource_class(actor=self.request.user)

    def _file_stem(self) -> str:
        return str(self.get_queryset().model._meta.verbose_name_plural)

    @extend_schema(
        request=inline_serializer(
            "ImportUpload",
            {"file": serializers.FileField(), "dry_run": serializers.BooleanField(default=True)},
        ),
        responses={
            200: OpenApiTypes.OBJECT,
            201: OpenApiTypes.OBJECT,
            202: ImportJobSerializer,
            400: OpenApiTypes.OBJECT,
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_file(self, request, *args, **kwargs):

        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": [_("Choose an .xlsx or .csv file to import.")]})
        dry_run = _flag(request.data.get("dry_run"), default=True)
        report, job = import_or_queue(
            actor=request.user,
            resource=self.get_import_export_resource(),
            upload=upload,
            dry_run=dry_run,
            ip_address=client_ip(request),
        )
        if job is not None:
            return job_accepted(ImportJobSerializer, job)
        return Response(report.as_dict(), status=import_answer(report))

    @extend_schema(
        parameters=[OpenApiParameter("file_format", str, enum=["xlsx", "csv"])],
        responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, (200, CSV): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], url_path="import-template", url_name="import-template")
    def import_template(self, request, *args, **kwargs):

        file_format = request.query_params.get("file_format", "xlsx")
        if file_format not in {"xlsx", "csv"}:
            raise exceptions.ValidationError({"file_format": [_("Choose xlsx or csv.")]})
        resource = self.get_import_export_resource()
        if file_format == "csv":
            content, content_type = template_csv(resource), CSV_CONTENT_TYPE
        else:
            content, content_type = template_xlsx(resource), XLSX_CONTENT_TYPE
        filename = f"{resource.template_title}.{file_format}"
        return FileResponse(content, as_attachment=True, filename=filename, content_type=content_type)

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, 202: ExportJobSerializer})
    @action(detail=False, methods=["get"], url_path="export", url_name="export")
    def export(self, request, *args, **kwargs):
        return export_response(self, request)

    def _export_queryset(self):
        return self.filter_queryset(self.get_queryset())

    def export_count(self) -> int:
        return self._export_queryset().count()

    def export_title(self) -> str:
        return self._file_stem()

    def export_write(self, *, filters, ip_address, progress=None):
        """Write the filtered, scoped list and record the export (now, or in the export job)."""
        return export_xlsx(
            actor=self.request.user,
            resource=self.get_import_export_resource(),
            queryset=self._export_queryset(),
            title=self._file_stem(),
            filters=filters,
            ip_address=ip_address,
            progress=progress,
        )


class RequesterJobViewSet(
    ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Read-only jobs of the caller alone (branches/models/jobs.py)."""

    filterset_fields = ["state"]
    ordering = ["-created_at"]


class ExportJobViewSet(RequesterJobViewSet):
    """The caller's own export jobs (started by any list's ``export/``): state, progress, download."""

    queryset = ExportJob.objects.all()
    serializer_class = ExportJobSerializer

    @extend_schema(
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            409: OpenApiTypes.OBJECT,
            410: OpenApiTypes.OBJECT,
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        job = self.get_object()
        try:
            handle, filename = export_job_open(actor=request.user, job=job)
        except ExportNotReady as error:
            answer = status.HTTP_410_GONE if error.expired else status.HTTP_409_CONFLICT
            return Response(
                {"detail": str(error), "state": job.state, "progress": job.progress}, status=answer
            )
        response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
        response["Cache-Control"] = "no-store"
        return response


class ImportJobViewSet(RequesterJobViewSet):
    """The caller's own import jobs (started by any list's ``import/`` with a large file): state, progress,
    then the import's answer."""

    queryset = ImportJob.objects.all()
    serializer_class = ImportJobSerializer
