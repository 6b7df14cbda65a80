"""The base of every import and export format (a django-import-export ``ModelResource``): its columns with
fixed Chinese headers, the widgets that read and write them, the personal fields masked in exports, and the
set-based lookups an import's chunk checks with (branches/tabular/importing.py runs the import)."""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import F
from django.db.models import Lookup
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export import widgets
from simple_history.utils import bulk_create_with_history

from ..personal import Unmasker
from ..personal import mask
from ..personal import organization_of
from ..personal import personal_kind
from .widgets import LookupWidget

CHUNK_SIZE = 1000
ALREADY_REGISTERED = _("This record is already registered.")
ALREADY_REGISTERED_AS = _("This record is already registered: record no. %(id)s, %(url)s.")


@dataclass(frozen=True)
class Column:
    header: str
    attribute: str
    widget: widgets.Widget
    required: bool

    @cached_property  # read for every cell of a file
    def is_lookup(self) -> bool:
        return isinstance(self.widget, LookupWidget)


class ImportableResource(resources.ModelResource):
    """Base for resources imported with ``import_table``. Subclasses may set ``header_aliases``,
    ``optional_columns`` (required by the model but filled in by ``prepare_instance``), ``key_column`` and
    override the hooks."""

    header_aliases: dict[str, str] = {}
    optional_columns: frozenset[str] = frozenset()
    key_column: str | None = None
    # The page where a record already registered is edited, named in the row refused as its duplicate.
    edit_url_name: str | None = None
    template_title = _("Import template")
    # Rows validated (set-based) and written together; 1 for resources whose rules query earlier rows.
    import_chunk_size = CHUNK_SIZE
    # Upload limits of this kind of file; None: the project's IMPORT_MAX_ROWS / _BYTES / _CELLS.
    max_rows: int | None = None
    max_bytes: int | None = None
    max_cells: int | None = None
    # Rows above which an upload runs as an import job; None: the project's IMPORT_JOB_THRESHOLD.
    import_job_rows: int | None = None

    def __init__(self, *, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor

    def import_columns(self) -> list[Column]:
        model_fields = {f.name: f for f in self._meta.model._meta.get_fields() if hasattr(f, "blank")}
        columns = []
        for resource_field in self.get_import_fields():
            if resource_field.readonly or not resource_field.attribute:
                continue
            model_field = model_fields.get(resource_field.attribute)
            required = bool(
                model_field
                and not model_field.blank
                and not model_field.has_default()
                and resource_field.attribute not in self.optional_columns
            )
            columns.append(
                Column(
                    str(resource_field.column_name), resource_field.attribute, resource_field.widget, required
                )
            )
        return columns

    # --- hooks ---
    def build_instance(self, values: dict):
        """The row to validate and write: a model instance, or for a resource that overrides the hooks
        that read it (``validate_instance``, ``import_key``, ``write``) a lighter stand-in with the model's
        attributes, which the preview and ``note_as`` read too."""
        return self._meta.model(**values)

    def prepare_instance(self, instance) -> None:
        """Fill derived values before validation."""

    def prepare_chunk(self, instances) -> None:
        """Look up what the rules need for the whole chunk at once (a fixed number of queries, whatever the
        number of rows): called once every row is built and prepared, before any is validated. Rows whose
        cells failed are among ``instances``, their failed columns unset."""

    def validate_instance(self, instance, exclude) -> None:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)

    def import_key(self, instance):
        """The value that must be unique in the file and in the database; None when there is none."""
        return

    def existing_keys(self, keys) -> set:
        return set()

    def existing_records(self, keys) -> dict:
        """The keys already registered, each with the primary key of the record holding it (or None)."""
        return dict.fromkeys(self.existing_keys(keys))

    def existing_message(self, pk):
        """What a row already registered is told: the record's number and edit page when ``edit_url_name``
        names one (docs/records.md, "Entered twice")."""
        if pk is None or self.edit_url_name is None:
            return ALREADY_REGISTERED
        return ALREADY_REGISTERED_AS % {"id": pk, "url": reverse(self.edit_url_name, args=[pk])}

    def refused_keys(self, keys) -> dict:
        """Keys the actor may not learn are taken (held by a record outside their scope), each with the
        message an invalid value gets: reported exactly like one (docs/security.md, "Personal data")."""
        return {}

    def write(self, instances, actor) -> None:
        bulk_create_with_history(instances, self._meta.model, batch_size=CHUNK_SIZE, default_user=actor)

    def export_field(self, field, instance, **kwargs):
        """Every column that reaches a registered personal field (branches/personal) is masked unless the
        exporting user holds ``unmask`` on the record's organization: no resource can forget it."""
        value = super().export_field(field, instance, **kwargs)
        kind = personal_kind(self._meta.model, field.attribute)
        if kind is None or value in (None, ""):
            return value
        if not hasattr(self, "_export_unmasker"):
            self._export_unmasker = Unmasker(self.actor)
        return value if self._export_unmasker.allows(organization_of(instance)) else mask(kind, value)

    def prepare_export_queryset(self, queryset):
        """Add the select_related/prefetch_related the export columns need."""
        return queryset

    def export_audit_detail(self) -> dict:
        """Extra facts recorded with an export's security event (e.g. how many rows were unmasked)."""
        return {}


class _Among(Lookup):
    """``column IN (values)`` sent as one array parameter on PostgreSQL (``= ANY``) or one placeholder a
    value elsewhere, without the ORM preparing each of a chunk's thousand values in turn."""

    lookup_name = "among"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        column, params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s)", [*params, values]
        return f"{column} IN ({', '.join(['%s'] * len(values))})", [*params, *values]


def among(field_name: str, values):
    """A filter for the rows whose ``field_name`` is one of ``values`` (not empty): what the set-based
    checks of a chunk ask the database (``existing_records``)."""
    return _Among(F(field_name), values)
