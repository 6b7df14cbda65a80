"""The admin's xlsx export of a list's selection, shared by every app's admin: scoped, masked and recorded as
a security event like every other export (branches/tabular/exports.py)."""

from django.http import FileResponse

from partybuild.http import client_ip

from ..tabular.exports import XLSX_CONTENT_TYPE
from ..tabular.exports import export_xlsx


def selection_xlsx(request, queryset, resource_class, filename: str) -> FileResponse:
    """The rows of ``queryset`` the admin's action was run on, written by ``resource_class``."""
    output, _rows = export_xlsx(
        actor=request.user,
        resource=resource_class(actor=request.user),
        queryset=queryset,
        title=queryset.model._meta.verbose_name_plural,
        filters={"source": ["admin"]},
        ip_address=client_ip(request),
    )
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
