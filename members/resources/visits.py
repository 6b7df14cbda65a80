"""Import/export of household visit logs (走访日志), built for files of a whole county's year (≈150,000 rows).

A cadre is named in a file by the code of their organization (所在组织编码), their name (干部姓名) and,
only when needed, the post (职务): the rows of the file are matched against the cadre posts serving in
that organization on the visit date. A person holding two posts there (一肩挑) needs no post column: the
visit goes under their branch post (the first in the post order), and the quota counts the person once
anyway. Two different people of the same name serving there at once need the post column; a row that is
still ambiguous says so.

The fast path of the import engine (branches/tabular/importing.py): cadres are looked up by name for a
whole chunk in one query (within the importer's "records" scope), each row is kept as its values
(``VisitRow``, no model instance), every rule is checked in memory by the same functions the service and the
model use, and a chunk is written set-based with its history (branches/tabular/writing.py: COPY on
PostgreSQL).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from branches.resources import ORGANIZATION_CODE_HEADER
from branches.resources import ORGANIZATION_HEADER_ALIASES
from branches.resources import RelatedExport
from branches.resources import file_meta
from branches.resources import organization_columns
from branches.tabular.resource_base import ImportableResource
from branches.tabular.resource_base import among
from branches.tabular.widgets import ChoiceWidget
from branches.tabular.widgets import DateWidget
from branches.tabular.widgets import LookupWidget
from branches.tabular.widgets import TextWidget
from branches.tabular.writing import insert_with_history

from ..models import Cadre
from ..models import VisitLog
from ..models.activities import VISIT_LOG_VALUES
from ..models.activities import VISIT_REPORT_FIELDS
from ..models.activities import visit_date_errors
from ..selectors.visits import POST_ORDER
from ..selectors.visits import group_people
from ..services.visits import place_error
from ..services.visits import term_error
from .cadres import CADRE_POST
from .cadres import CADRE_POST_ALIASES

CADRE_NAME_HEADER = "干部姓名"
POST_HEADER = "职务"
HOUSEHOLD_HEADER = "户主姓名"
# Texts the model limits in length, and the column a too long one is reported under (the household key is
# made of the group and the name, and normalizing may lengthen them).
TEXT_FIELDS = [
    (VisitLog._meta.get_field(name), reported_as)
    for name, reported_as in (
        ("household_name", "household_name"),
        ("village_group", "village_group"),
        ("household_key", "household_name"),
    )
]
# The columns an import writes, in the order of ``VisitRow.values()`` and the recorder; the others (the
# version, the timestamps) take their defaults.
WRITTEN = ("cadre_id", "organization_id", *VISIT_LOG_VALUES, "recorded_by_id")

MESSAGES = {
    "unknown_cadre": _("No cadre of this name among the organizations you are responsible for."),
    "not_here": _("%(name)s holds no post in %(organization)s; check the name and the organization code."),
    "not_here_as": _("%(name)s does not hold the post of %(post)s in %(organization)s."),
    "ambiguous": _(
        "Several cadres named %(name)s serve in %(organization)s on that day: fill in the post column (职务) "
        "to say which one made the visit."
    ),
    "ambiguous_post": _(
        "Several cadres named %(name)s hold the post of %(post)s in %(organization)s on that day; a file "
        "cannot tell them apart: enter these visits one by one."
    ),
}


class VisitRow:
    """One visit of the file as the import checks and writes it: the values a ``VisitLog`` would hold and
    the attributes its rules, its key and ``note_as`` read, without a model instance per row (building,
    checking and saving 100,000 of those was most of an import's time)."""

    __slots__ = ("organization", "cadre", *VISIT_LOG_VALUES, "problem")

    def __init__(
        self, organization, household_name, village_group, visited_on, concerns, follow_up, resolved_on
    ):
        self.organization = organization
        self.cadre = None
        self.household_name = household_name
        self.village_group = village_group
        self.household_key = VisitLog.key_for(village_group, household_name)
        self.visited_on = visited_on
        self.concerns = concerns
        self.follow_up = follow_up
        self.resolved_on = resolved_on
        # (field, message) when the cadre could not be placed in the organization on that day.
        self.problem = None

    @property
    def cadre_id(self):
        return None if self.cadre is None else self.cadre.id

    @property
    def organization_id(self):
        return None if self.organization is None else self.organization.id

    def values(self) -> tuple:
        """The written columns (``WRITTEN``) but the recorder."""
        return (
            self.cadre.id,
            self.organization.id,
            self.household_name,
            self.village_group,
            self.household_key,
            self.visited_on,
            self.concerns,
            self.follow_up,
            self.resolved_on,
        )

    def as_visit(self) -> VisitLog:
        """The model instance, for the preview's few rows."""
        return VisitLog(
            cadre=self.cadre,
            organization=self.organization,
            **{name: getattr(self, name) for name in VISIT_LOG_VALUES},
        )


class CadreNameWidget(LookupWidget):
    """A cadre's name, resolved for a whole chunk at once to every post row of that name in the importer's
    scope, by organization; the resource then picks the row by organization, post and visit date."""

    def __init__(self):
        super().__init__(Cadre, "name", action="records", unknown_message=MESSAGES["unknown_cadre"])

    def resolve(self, keys, actor) -> dict:
        rows = (
            Cadre.objects.restrict(actor, self.action)
            .filter(name__in=keys)
            .only(
                "id", "organization_id", "post", "member_id", "name", "birth_date", "started_on", "ended_on"
            )
            .order_by("pk")
        )
        found: dict[str, dict[int, list[Cadre]]] = {}
        for row in rows:
            found.setdefault(row.name, {}).setdefault(row.organization_id, []).append(row)
        return found

    def hint(self):
        return _("The cadre's name as in the cadre list; the organization code says where they serve.")


class VisitLogResource(RelatedExport, ImportableResource):
    organization, organization_name = organization_columns()
    cadre = Field("cadre", CADRE_NAME_HEADER, CadreNameWidget())
    cadre_post = Field("cadre_post", POST_HEADER, ChoiceWidget(CADRE_POST, CADRE_POST_ALIASES))
    household_name = Field("household_name", HOUSEHOLD_HEADER, TextWidget())
    village_group = Field("village_group", "村民小组", TextWidget())
    visited_on = Field("visited_on", "走访日期", DateWidget())
    concerns = Field("concerns", "反映问题", TextWidget())
    follow_up = Field("follow_up", "办理情况", TextWidget())
    resolved_on = Field("resolved_on", "办结日期", DateWidget())

    header_aliases = {
        **ORGANIZATION_HEADER_ALIASES,
        "村党支部编码": ORGANIZATION_CODE_HEADER,
        "走访人": CADRE_NAME_HEADER,
        "走访干部": CADRE_NAME_HEADER,
        "户主": HOUSEHOLD_HEADER,
        "走访户": HOUSEHOLD_HEADER,
        "村民组": "村民小组",
        "组别": "村民小组",
        "热点难点问题": "反映问题",
        "群众反映问题": "反映问题",
        "办理结果": "办理情况",
        "解决时间": "办结日期",
        "办结时间": "办结日期",
    }
    key_column = HOUSEHOLD_HEADER
    edit_url_name = "members:visit-edit"
    template_title = "走访日志"
    # A county's year of visits in one file.
    max_rows = 150_000
    max_cells = 150_000 * 12
    max_bytes = 40 * 1024 * 1024
    export_related = ("organization", "cadre")
    _today = None  # the day the dates are checked against, once per chunk (``prepare_chunk``)

    Meta = file_meta(
        VisitLog,
        "organization",
        "organization_name",
        "cadre",
        "cadre_post",
        *VISIT_REPORT_FIELDS,
    )

    # --- import ---

    def build_instance(self, values: dict) -> "VisitRow":
        organization = values.get("organization")
        visit = VisitRow(
            organization,
            values.get("household_name", "").strip(),
            values.get("village_group", "").strip(),
            values.get("visited_on"),
            values.get("concerns", ""),
            values.get("follow_up", ""),
            values.get("resolved_on"),
        )
        candidates = values.get("cadre")
        if organization is not None and candidates is not None:
            self._place_cadre(visit, organization, candidates, values.get("cadre_post", ""))
        return visit

    def _place_cadre(self, visit: "VisitRow", organization, candidates: dict, post: str) -> None:
        """``candidates``: the post rows of the name, by organization id (``CadreNameWidget.resolve``)."""
        here = [row for row in candidates.get(organization.id, ()) if not post or row.post == post]
        day = visit.visited_on
        serving = [row for row in here if day is None or _serves(row, day)]
        if len(serving) == 1:
            visit.cadre = serving[0]
            return
        params = {
            "name": next(iter(candidates.values()))[0].name,
            "organization": organization,
            "post": CADRE_POST.get(post, post),
        }
        if not here:
            visit.problem = ("cadre", MESSAGES["not_here_as" if post else "not_here"] % params)
        elif not serving:
            nearest = min(here, key=lambda row: _distance(row, day))
            visit.cadre = nearest
            visit.problem = ("visited_on", term_error(nearest, day))
        elif len(group_people(serving)) > 1:
            visit.problem = ("cadre", MESSAGES["ambiguous_post" if post else "ambiguous"] % params)
        else:
            visit.cadre = min(
                serving, key=lambda row: (POST_ORDER.get(row.post, 99), -row.started_on.toordinal())
            )

    def prepare_chunk(self, instances) -> None:
        self._today = timezone.localdate()

    def validate_instance(self, visit: "VisitRow", exclude) -> None:
        """The rules ``visit_check`` runs through ``full_clean`` (docs/records.md, "Household visits"), over
        the row's values: the widgets already typed every cell and the lookups found the cadre and the
        organization, so what is left is the length of the texts (the model fields' own validators), the
        dates (``visit_date_errors``, the model's ``clean()``), then the cadre's place and term (the
        service's ``place_error`` and ``term_error``)."""
        errors: dict[str, list] = {}
        for field, reported_as in TEXT_FIELDS:
            value = getattr(visit, field.attname)
            if len(value) > field.max_length or "\x00" in value:
                try:
                    field.run_validators(value)
                except ValidationError as error:
                    errors.setdefault(reported_as, error.messages)
        for name, message in visit_date_errors(
            visit.visited_on, visit.resolved_on, today=self._today
        ).items():
            errors.setdefault(name, []).append(message)
        if visit.problem is not None:
            name, message = visit.problem
            errors.setdefault(name, []).append(message)
        elif visit.cadre is not None and (message := place_error(visit.organization)):
            errors.setdefault("cadre", []).append(message)
        if errors:
            raise ValidationError(errors)

    def write(self, instances, actor) -> None:
        """COPY (PostgreSQL) and one INSERT ... SELECT for the history: branches/tabular/writing.py."""
        recorded_by = getattr(actor, "pk", None)
        insert_with_history(
            VisitLog, WRITTEN, [(*visit.values(), recorded_by) for visit in instances], actor=actor
        )

    def import_key(self, visit: "VisitRow"):
        """One string, not a tuple: the importer keeps every key of the file to find repeated rows, and at
        100,000 rows a compact key is a third of the memory."""
        if visit.cadre_id is None or visit.visited_on is None or not visit.household_name:
            return None
        return f"{visit.cadre_id}:{visit.visited_on.toordinal()}:{visit.household_key}"

    def existing_records(self, keys) -> dict:
        """The visits already logged (docs/records.md, "Entered twice"), each key with its first record."""
        parsed = [key.split(":", 2) for key in keys]
        days = [int(day) for _cadre, day, _household in parsed]
        rows = (
            VisitLog.objects.filter(
                among("household_key", {household for _cadre, _day, household in parsed}),
                cadre_id__in={int(cadre) for cadre, _day, _household in parsed},
                visited_on__range=(dt.date.fromordinal(min(days)), dt.date.fromordinal(max(days))),
            )
            .order_by("-pk")
            .values_list("pk", "cadre_id", "visited_on", "household_key")
        )
        wanted = set(keys)
        found = {f"{cadre}:{day.toordinal()}:{household}": pk for pk, cadre, day, household in rows}
        return {key: pk for key, pk in found.items() if key in wanted}

    # --- export ---

    def export_resource(self, instance, *args, **kwargs):
        if isinstance(instance, VisitRow):  # an import's preview
            instance = instance.as_visit()
        return super().export_resource(instance, *args, **kwargs)

    def dehydrate_cadre(self, visit: VisitLog) -> str:
        return visit.cadre.name

    def dehydrate_cadre_post(self, visit: VisitLog) -> str:
        return CADRE_POST.get(visit.cadre.post, visit.cadre.post)


def _serves(cadre: Cadre, day: dt.date) -> bool:
    return cadre.started_on <= day and (cadre.ended_on is None or day <= cadre.ended_on)


def _distance(cadre: Cadre, day: dt.date) -> int:
    if day < cadre.started_on:
        return (cadre.started_on - day).days
    return (day - cadre.ended_on).days if cadre.ended_on else 0
