"""Import/export file formats of the cadres' own records: monthly study records and contact points.

Headers and choice labels are fixed Chinese, like every other import file."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from branches.resources import ORGANIZATION_HEADER_ALIASES
from branches.resources import KeyedResource
from branches.resources import file_meta
from branches.resources import organization_columns
from branches.tabular.widgets import ChoiceWidget
from branches.tabular.widgets import DateWidget
from branches.tabular.widgets import IntegerWidget
from branches.tabular.widgets import LookupWidget
from branches.tabular.widgets import TextWidget
from branches.tabular.widgets import loaded_relation

from ..models import Cadre
from ..models import ContactPoint
from ..models import StudyRecord
from ..models.activities import CONTACT_DAYS
from ..models.activities import STUDY_MONTH_FIELDS
from ..selectors.activities import contact_point_flags
from ..services import activities as services
from .cadres import CADRE_POST
from .cadres import CADRE_POST_ALIASES
from .roster import MaskingResourceMixin
from .roster import MemberByIdNumber

YES_NO = {True: "是", False: "否"}


class CadreByNameWidget(LookupWidget):
    """A cadre named in the file: every post row with that name the importer keeps records on; the row's
    organization (and post, when given) then picks one."""

    def __init__(self):
        super().__init__(Cadre, "name", action="records")

    def resolve(self, keys, actor) -> dict:
        found: dict[str, list] = {}
        rows = Cadre.objects.restrict(actor, self.action).filter(name__in=keys).select_related("organization")
        for cadre in rows.order_by("-started_on", "-pk"):
            found.setdefault(cadre.name, []).append(cadre)
        return found

    def hint(self):
        return _("The cadre's name as in the cadre list; add the post when the name is there twice.")


STUDY_MESSAGES = {
    "no_cadre": _("%(organization)s has no cadre named %(name)s among the records you keep."),
    "no_post": _("%(organization)s has no cadre named %(name)s in this post."),
    "ambiguous": _("%(organization)s has several cadres named %(name)s: fill in the post."),
}


def _serving_in_month(cadres, year, month) -> list:
    """Of several post rows, those whose term covers part of the month (an old and a new term, say)."""
    if not (year and month and 1 <= month <= 12):
        return []
    first, last = services.month_bounds(year, month)
    return [c for c in cadres if c.started_on <= last and (c.ended_on is None or c.ended_on >= first)]


class StudyRecordResource(KeyedResource):
    organization, organization_name = organization_columns()
    cadre = Field("cadre", "干部姓名", CadreByNameWidget())
    post = Field("cadre_post", "职务", ChoiceWidget(CADRE_POST, CADRE_POST_ALIASES))
    year = Field("year", "年度", IntegerWidget())
    month = Field("month", "月份", IntegerWidget())
    sessions = Field("sessions", "学习次数", IntegerWidget())
    note_characters = Field("note_characters", "笔记字数", IntegerWidget())
    articles = Field("articles", "心得文章篇数", IntegerWidget())

    header_aliases = {
        **ORGANIZATION_HEADER_ALIASES,
        "姓名": "干部姓名",
        "年份": "年度",
    }
    key_column = "干部姓名"
    template_title = "干部学习记录"
    natural_key = ("cadre_id", "year", "month")
    key_lookups = ("cadre_id",)
    export_related = ("organization", "cadre")

    Meta = file_meta(
        StudyRecord,
        "organization",
        "organization_name",
        "cadre",
        "post",
        *STUDY_MONTH_FIELDS,
    )

    def build_instance(self, values: dict):
        candidates = values.pop("cadre", None) or []
        post = values.pop("cadre_post", "")
        record = StudyRecord(**values)
        organization = values.get("organization")
        if organization is None or not candidates:
            return record
        here = [cadre for cadre in candidates if cadre.organization_id == organization.pk]
        in_post = [cadre for cadre in here if cadre.post == post] if post else here
        params = {"organization": organization, "name": candidates[0].name}
        if not here:
            record.import_problem = STUDY_MESSAGES["no_cadre"] % params
        elif not in_post:
            record.import_problem = STUDY_MESSAGES["no_post"] % params
        else:
            serving = _serving_in_month(in_post, values.get("year"), values.get("month"))
            if len(serving) == 1 or len(in_post) == 1:
                record.cadre = (serving or in_post)[0]
            else:
                record.import_problem = STUDY_MESSAGES["ambiguous"] % params
        return record

    def validate_instance(self, record, exclude) -> None:
        problem = getattr(record, "import_problem", None)
        if problem:
            raise ValidationError({"cadre": problem})
        if record.cadre_id is None:
            return
        record.organization = record.cadre.organization
        # Duplicates are found for the whole chunk by ``existing_keys``.
        services.study_check(record, exclude=exclude, unique=False)

    def dehydrate_post(self, record) -> str:
        cadre = loaded_relation(record, "cadre")
        return CADRE_POST.get(cadre.post, cadre.post) if cadre else ""


class ContactPointResource(MaskingResourceMixin, KeyedResource):
    organization, organization_name = organization_columns("联系村党组织编码", "联系村党组织")
    leader = Field("leader", "联系领导身份证号", MemberByIdNumber(related=("branch",)))
    leader_name = Field("leader__name", "联系领导", readonly=True)
    year = Field("year", "年度", IntegerWidget())
    lecture_on = Field("lecture_on", "讲党课日期", DateWidget())
    check_on = Field("check_on", "督导检查日期", DateWidget())
    activity_on = Field("activity_on", "开展活动日期", DateWidget())
    days_spent = Field("days_spent", "驻村天数", IntegerWidget())
    note = Field("note", "备注", TextWidget())
    complete = Field("complete", "是否完成", readonly=True)

    header_aliases = {
        "组织编码": "联系村党组织编码",
        "联系村编码": "联系村党组织编码",
        "身份证号": "联系领导身份证号",
        "年份": "年度",
    }
    key_column = "联系领导身份证号"
    template_title = "领导干部联系点"
    natural_key = ("leader_id", "organization_id", "year")
    key_lookups = ("leader_id",)
    export_related = ("organization", "leader__branch")

    Meta = file_meta(
        ContactPoint,
        "organization",
        "organization_name",
        "leader",
        "leader_name",
        "year",
        *CONTACT_DAYS,
        "days_spent",
        "note",
        "complete",
    )

    def __init__(self, *, actor=None, **kwargs):
        super().__init__(actor=actor, **kwargs)
        self._committees: dict[int, object] = {}
        self._rolls: dict = {}

    def committee_of(self, organization):
        if organization.pk not in self._committees:
            self._committees[organization.pk] = services.committee_above(organization)
        return self._committees[organization.pk]

    def prepare_chunk(self, points) -> None:
        # The committees and the leaders' roll the rule reads, asked for the whole chunk at once.
        self._committees, self._rolls = services.contact_points_facts(points)

    def validate_instance(self, point, exclude) -> None:
        # Duplicates are found for the whole chunk by ``existing_keys``.
        services.contact_point_check(
            point, exclude=exclude, unique=False, committee_of=self.committee_of, rolls=self._rolls
        )

    def dehydrate_leader(self, point) -> str:
        leader = loaded_relation(point, "leader")
        return self.masked_id_number(leader.id_number, loaded_relation(leader, "branch")) if leader else ""

    def dehydrate_complete(self, point) -> str:
        return YES_NO[contact_point_flags(point)["complete"]]
