"""Import/export resources: the file formats of activity rooms, reports and reviews, and financial
disclosures.

Headers and choice labels are fixed Chinese whatever the interface language: they are a file format shared
with other offices' spreadsheets, not interface text. The services' rules run on every row; a record already
registered (the same room name, the same kind of report on the same day, the same half-year's disclosure) is
refused in the file and against the database, set-based, so a file is validated in chunks.
"""

from import_export.fields import Field

from .models import ActivityRoom
from .models import FinancialDisclosure
from .models import ReviewRecord
from .models.records import DISCLOSURE_DETAIL_FIELDS
from .models.records import REVIEW_DETAIL_FIELDS
from .models.records import ROOM_DETAIL_FIELDS
from .selectors.records import with_room_totals
from .services import records as services
from .tabular.resource_base import ImportableResource
from .tabular.widgets import BooleanWidget
from .tabular.widgets import ChoiceWidget
from .tabular.widgets import DateWidget
from .tabular.widgets import DecimalWidget
from .tabular.widgets import IntegerWidget
from .tabular.widgets import OrganizationCodeWidget
from .tabular.widgets import TextWidget

REVIEW_KIND = {
    "committee_report": "村委会向党支部述职",
    "branch_report": "党支部向党员报告工作",
    "member_review": "党员评议村委会干部",
    "representative_review": "村民代表评议村委会干部",
}
REVIEW_KIND_ALIASES = {
    "村委会述职": "committee_report",
    "村委会向村党支部述职": "committee_report",
    "支部报告工作": "branch_report",
    "党支部向党员报告": "branch_report",
    "党员评议": "member_review",
    "党员评议村干部": "member_review",
    "村民代表评议": "representative_review",
    "村民代表评议村干部": "representative_review",
}
DISCLOSURE_PERIOD = {"1": "上半年", "2": "下半年"}
DISCLOSURE_PERIOD_ALIASES = {"上半年度": "1", "下半年度": "2", "1-6月": "1", "7-12月": "2"}
# The column of the organization a record belongs to, and what other offices' files call it.
ORGANIZATION_CODE_HEADER = "所在组织编码"
ORGANIZATION_HEADER_ALIASES = {"组织编码": ORGANIZATION_CODE_HEADER, "支部编码": ORGANIZATION_CODE_HEADER}
BRANCH_CODE_HEADER = "所在支部编码"
BRANCH_HEADER_ALIASES = {"支部编码": BRANCH_CODE_HEADER, "组织编码": BRANCH_CODE_HEADER}


def organization_columns(
    header=ORGANIZATION_CODE_HEADER, name_header="所在组织", *, attribute="organization"
):
    """The column naming an organization by its code (looked up within the importing user's scope) and,
    beside it, the organization's name (exported only); by default those of the organization a record
    belongs to."""
    return (
        Field(attribute, header, OrganizationCodeWidget()),
        Field(f"{attribute}__name", name_header, readonly=True),
    )


def export_meta(model, *fields, **options):
    """The ``Meta`` of an export-only file format: ``fields`` are its columns, in file order; ``options``
    are further ``Meta`` settings."""
    columns = list(fields)
    return type("Meta", (), {"model": model, "fields": columns, "export_order": columns, **options})


def file_meta(model, *fields):
    """The ``Meta`` of an importable file format: ``fields`` are its columns, in the same order in the
    exported file, the template and the import; exports are read in chunks of 2,000 rows."""
    return export_meta(model, *fields, import_order=list(fields), chunk_size=2000)


class ExportOnlyResource(ImportableResource):
    """A format that is exported, never imported (its records are made by a workflow or a computation):
    none of its columns is read from a file."""

    def import_columns(self) -> list:
        return []


class RelatedExport:
    """Exports load the related records their columns read (``export_related``) with each row."""

    export_related: tuple[str, ...] = ()

    def prepare_export_queryset(self, queryset):
        if not self.export_related:
            return super().prepare_export_queryset(queryset)
        return queryset.select_related(*self.export_related)


class KeyedResource(RelatedExport, ImportableResource):
    """A format whose records are unique by ``natural_key`` (attribute names of the model): a row with any
    part of its key empty has none; the database is asked, set-based, for the rows matching the chunk on
    ``key_lookups`` (a subset of the key that narrows the query well), and only exact keys count.

    ``record_check``, when set, is the service's check of one record (``<record>_check``), run on every row
    without its duplicate rule: the duplicates are found for the whole chunk by ``existing_keys``."""

    natural_key: tuple[str, ...] = ()
    key_lookups: tuple[str, ...] = ()
    record_check = None

    def validate_instance(self, instance, exclude) -> None:
        if self.record_check is None:
            super().validate_instance(instance, exclude)
        else:
            self.record_check(instance, check_duplicate=False, exclude=exclude)

    def import_key(self, instance):
        key = tuple(getattr(instance, name) for name in self.natural_key)
        return key if key and all(key) else None

    def _matching(self, keys, *columns):
        """``columns`` of the rows matching ``keys`` on ``key_lookups``: one query for a chunk."""
        positions = [self.natural_key.index(name) for name in self.key_lookups]
        lookups = {
            f"{name}__in": {key[index] for key in keys}
            for name, index in zip(self.key_lookups, positions, strict=True)
        }
        return self._meta.model.objects.filter(**lookups).values_list(*columns)

    def existing_keys(self, keys) -> set:
        return set(self._matching(keys, *self.natural_key)) & set(keys)

    def existing_records(self, keys) -> dict:
        """Like ``existing_keys``, in the same one query, with each key's first registered record."""
        if self.edit_url_name is None:
            return super().existing_records(keys)
        rows = self._matching(keys, "pk", *self.natural_key).order_by("-pk")
        wanted = set(keys)
        return {key: pk for pk, *rest in rows if (key := tuple(rest)) in wanted}


class NumberChoiceWidget(ChoiceWidget):
    """A choice stored as a number (the half of the year), written as its Chinese label."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(int(value))
        choice = super().clean(value, row, **kwargs)
        return int(choice) if choice else None

    def render(self, value, obj=None, **kwargs):
        return super().render("" if value is None else str(value), obj, **kwargs)


def _facility(attribute, header):
    return Field(attribute, header, BooleanWidget())


class ActivityRoomResource(KeyedResource):
    organization, organization_name = organization_columns()
    name = Field("name", "活动室名称", TextWidget())
    address = Field("address", "地址", TextWidget())
    area_m2 = Field("area_m2", "面积(平方米)", DecimalWidget())
    built_year = Field("built_year", "建成年份", IntegerWidget())
    renovated_year = Field("renovated_year", "改造年份", IntegerWidget())
    is_standardized = Field("is_standardized", "是否规范化", BooleanWidget())
    standardized_on = Field("standardized_on", "规范化认定日期", DateWidget())
    has_audio_visual = _facility("has_audio_visual", "音视频设备")
    has_remote_education = _facility("has_remote_education", "远程教育终端")
    has_tables_chairs = _facility("has_tables_chairs", "桌椅")
    has_signage = _facility("has_signage", "标识标牌")
    has_rules_on_wall = _facility("has_rules_on_wall", "制度上墙")
    has_archive_cabinet = _facility("has_archive_cabinet", "档案柜")
    facilities_count = Field("facilities_count", "设施项数", IntegerWidget(), readonly=True)
    investments_total = Field("investments_total", "累计投入(元)", DecimalWidget(), readonly=True)

    header_aliases = {
        **ORGANIZATION_HEADER_ALIASES,
        "名称": "活动室名称",
        "面积": "面积(平方米)",
        "建筑面积": "面积(平方米)",
        "认定日期": "规范化认定日期",
        "远程教育站点": "远程教育终端",
    }
    template_title = "党员活动室"
    natural_key = key_lookups = ("organization_id", "name")
    record_check = staticmethod(services.room_check)
    Meta = file_meta(
        ActivityRoom,
        "organization",
        "organization_name",
        *ROOM_DETAIL_FIELDS,
        "facilities_count",
        "investments_total",
    )

    def prepare_export_queryset(self, queryset):
        if "investments_total" not in queryset.query.annotations:
            queryset = with_room_totals(queryset)
        return queryset.select_related("organization")


class BranchRecordResource(KeyedResource):
    """A branch's record, the branch named by its code (``BRANCH_CODE_HEADER``)."""

    organization, organization_name = organization_columns(BRANCH_CODE_HEADER, "所在支部")
    export_related = ("organization",)


class ReviewRecordResource(BranchRecordResource):
    kind = Field("kind", "类型", ChoiceWidget(REVIEW_KIND, REVIEW_KIND_ALIASES))
    held_on = Field("held_on", "日期", DateWidget())
    topic = Field("topic", "主题", TextWidget())
    participants = Field("participants", "参加人数", IntegerWidget())
    satisfied = Field("satisfied", "满意及以上票数", IntegerWidget())
    summary = Field("summary", "情况摘要", TextWidget())

    header_aliases = {
        **BRANCH_HEADER_ALIASES,
        "召开日期": "日期",
        "时间": "日期",
        "述职评议类型": "类型",
        "满意票数": "满意及以上票数",
        "内容摘要": "情况摘要",
    }
    template_title = "两述两评记录"
    natural_key = ("organization_id", "kind", "held_on")
    key_lookups = ("organization_id", "held_on")
    record_check = staticmethod(services.review_check)
    Meta = file_meta(ReviewRecord, "organization", "organization_name", *REVIEW_DETAIL_FIELDS)


class FinancialDisclosureResource(BranchRecordResource):
    year = Field("year", "年度", IntegerWidget())
    period = Field("period", "期间", NumberChoiceWidget(DISCLOSURE_PERIOD, DISCLOSURE_PERIOD_ALIASES))
    disclosed_on = Field("disclosed_on", "公开日期", DateWidget())
    income_yuan = Field("income_yuan", "收入(元)", DecimalWidget())
    expenditure_yuan = Field("expenditure_yuan", "支出(元)", DecimalWidget())
    content = Field("content", "公开内容", TextWidget())

    header_aliases = {
        **BRANCH_HEADER_ALIASES,
        "年份": "年度",
        "半年": "期间",
        "收入": "收入(元)",
        "支出": "支出(元)",
    }
    template_title = "财务公开记录"
    natural_key = ("organization_id", "year", "period")
    key_lookups = ("organization_id", "year")
    record_check = staticmethod(services.disclosure_check)
    Meta = file_meta(FinancialDisclosure, "organization", "organization_name", *DISCLOSURE_DETAIL_FIELDS)
