"""The import half of a list page: the template, the upload, the dry-run preview, confirm and cancel, all
through the same import engine as the API (branches/tabular/importing.py). A large file's dry run and
import run as import jobs (branches/tabular/import_jobs.py): the page shows the job's progress, then the
same preview or result."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext

from branches.scope.querysets import OutOfScope
from branches.scope.querysets import capability_for
from branches.scope.querysets import scope_paths
from branches.tabular.exports import CSV_CONTENT_TYPE
from branches.tabular.exports import XLSX_CONTENT_TYPE
from branches.tabular.exports import template_csv
from branches.tabular.exports import template_xlsx
from branches.tabular.import_jobs import import_job_messages
from branches.tabular.import_jobs import import_job_progress
from branches.tabular.import_jobs import import_or_queue
from branches.tabular.reading import MAX_BYTES
from partybuild.http import client_ip

from ..models import ImportJob
from . import uploads
from .columns import display


class ListImportMixin:
    """Mixed into ``ScopedListView``: the import pages of a list whose model has a resource."""

    def user_may_write(self) -> bool:
        """Whether the user may add records of this model anywhere (one query per request, cached)."""

        return scope_paths(self.request.user, capability_for(self.model, "add")) != []

    def user_may_import(self) -> bool:
        return self.user_may_write()

    def check_import(self) -> None:
        if not self.can_import() or not self.user_may_import():
            raise Http404

    @property
    def upload_kind(self) -> str:
        return f"{self.model._meta.label_lower}:{self.basename}"

    def import_context(self, **extra) -> dict:
        return {
            "view": self,
            "title": self.get_title(),
            "list_url": self.url("list"),
            "import_url": self.url("import"),
            "template_xlsx_url": self.url("import-template") + "?file_format=xlsx",
            "template_csv_url": self.url("import-template") + "?file_format=csv",
            "max_mb": self.max_bytes() // (1024 * 1024),
            "errors": [],
            **extra,
        }

    def max_bytes(self) -> int:

        return getattr(self.resource_class, "max_bytes", None) or MAX_BYTES

    def import_form(self):
        self.check_import()
        return render(self.request, self.import_template_name, self.import_context())

    def import_template(self):

        self.check_import()
        file_format = self.request.GET.get("file_format", "xlsx")
        resource = self.resource_class(actor=self.request.user)
        if file_format == "csv":
            content, content_type = template_csv(resource), CSV_CONTENT_TYPE
        else:
            file_format = "xlsx"
            content, content_type = template_xlsx(resource), XLSX_CONTENT_TYPE
        filename = f"{resource.template_title}.{file_format}"
        return FileResponse(content, as_attachment=True, filename=filename, content_type=content_type)

    def run_import(self, pending, *, dry_run: bool):
        """``(report, None)`` read now, or ``(None, job)`` for a large file."""
        upload = pending.open()
        try:
            return import_or_queue(
                actor=self.request.user,
                resource=self.resource_class(actor=self.request.user),
                upload=upload,
                dry_run=dry_run,
                kind=self.upload_kind,
                token=pending.token if dry_run else "",
                ip_address=client_ip(self.request),
            )
        except OutOfScope as error:
            raise Http404 from error
        finally:
            upload.close()

    def import_upload(self):
        self.check_import()
        upload = self.request.FILES.get("file")
        if upload is None:
            return self._import_refused([gettext("Choose an .xlsx or .csv file to import.")])
        if upload.size > self.max_bytes():
            message = gettext("The file is larger than %(max)s MB.") % {
                "max": self.max_bytes() // (1024 * 1024)
            }
            return self._import_refused([message])
        pending = uploads.store(self.request, upload, kind=self.upload_kind)
        try:
            report, job = self.run_import(pending, dry_run=True)
        except ValidationError as error:
            uploads.discard(self.request, pending.token)
            return self._import_refused(error.messages)
        except BaseException:
            uploads.discard(self.request, pending.token)
            raise
        if job is not None:
            return redirect(self.url("import-job", job=job.pk))
        return self._preview(report.as_dict(), pending=pending)

    def import_confirm(self, token: str):
        self.check_import()
        pending = uploads.fetch(self.request, token, kind=self.upload_kind, claim=True)
        try:
            report, job = self.run_import(pending, dry_run=False)
        except ValidationError as error:
            return self._import_refused(error.messages)
        finally:
            uploads.discard(self.request, token)
        if job is not None:
            return redirect(self.url("import-job", job=job.pk))
        return self._imported(report.as_dict(), name=pending.name)

    def _imported(self, data: dict, *, name: str):
        if not data["committed"]:
            return self._preview(data, pending=None, refused=True)
        messages.success(
            self.request,
            gettext("Imported %(count)s rows from %(name)s.") % {"count": data["created"], "name": name},
        )
        return redirect(self.url("list"))

    def _import_job(self, job_id) -> ImportJob:
        self.check_import()
        jobs = ImportJob.objects.restrict(self.request.user, "view")
        return get_object_or_404(jobs, pk=job_id, kind=self.upload_kind)

    def import_job_page(self, job_id):
        """A large file's job: its progress while it runs, then the preview (dry run) or the result."""
        job = self._import_job(job_id)
        if job.active:
            return render(self.request, self.import_job_template_name, self._job_context(job))
        refusal = import_job_messages(job)
        if refusal:
            if job.token:
                uploads.discard(self.request, job.token)
            return self._import_refused(refusal)
        if not job.dry_run:
            return self._imported(job.result, name=job.file_name)
        try:
            pending = uploads.fetch(self.request, job.token, kind=self.upload_kind)
        except Http404:
            pending = None
        return self._preview(job.result, pending=pending)

    def import_job_progress(self, job_id):
        """The progress partial polled by htmx; once the job is done, htmx loads the job's page."""
        job = self._import_job(job_id)
        if not job.active:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = self.url("import-job", job=job.pk)
            return response
        return render(self.request, self.import_job_progress_template_name, self._job_context(job))

    def _job_context(self, job: ImportJob) -> dict:
        return self.import_context(
            job=job,
            progress=import_job_progress(job),
            progress_url=self.url("import-job-progress", job=job.pk),
        )

    def import_cancel(self, token: str):
        self.check_import()
        uploads.fetch(self.request, token, kind=self.upload_kind)
        uploads.discard(self.request, token)
        messages.info(self.request, gettext("Import cancelled: nothing was written."))
        return redirect(self.url("list"))

    def _import_refused(self, errors):
        return render(self.request, self.import_template_name, self.import_context(errors=errors))

    def _preview(self, data: dict, *, pending, refused=False):
        headers = list(data["preview"][0].keys()) if data["preview"] else []
        preview_rows = [[display(row.get(header)) for header in headers] for row in data["preview"]]
        errors = [
            {"row": entry["row"], "column": error["column"] or "", "message": error["message"]}
            for entry in data["errors"]
            for error in entry["errors"]
        ]
        context = self.import_context(
            report=data,
            file_name=pending.name if pending else "",
            token=pending.token if pending else None,
            confirm_url=self.url("import-confirm", token=pending.token) if pending else None,
            cancel_url=self.url("import-cancel", token=pending.token) if pending else None,
            preview_headers=headers,
            preview_rows=preview_rows,
            row_errors=errors,
            refused=refused,
        )
        return render(self.request, self.preview_template_name, context)
