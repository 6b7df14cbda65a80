"""Export files of the assessments app. Headers and choice labels are fixed Chinese whatever the interface
language: they are a file format shared with other offices' spreadsheets, not interface text.

Star ratings are exported only: they are created by the system's proposal and changed by the workflow, never
imported.
"""

from import_export.fields import Field

from branches.resources import ExportOnlyResource
from branches.resources import export_meta
from branches.resources import organization_columns
from branches.tabular.widgets import ChoiceWidget
from branches.tabular.widgets import DecimalWidget
from branches.tabular.widgets import IntegerWidget

from ..models import StarRating
from ..models.ratings import DIMENSIONS

RATING_STAGE = {
    "proposed": "系统建议",
    "self_assessed": "支部自评",
    "reviewed": "乡镇审核",
    "confirmed": "县委确定",
}
CLASSIFICATION = {"advanced": "先进(创)", "general": "一般(升)", "backward": "后进(帮)"}


class StarRatingResource(ExportOnlyResource):
    organization, organization_name = organization_columns("组织编码", "组织名称")
    year = Field("year", "年度", IntegerWidget())
    stage = Field("stage", "阶段", ChoiceWidget(RATING_STAGE))
    leadership = Field("leadership", "领导班子好", DecimalWidget())
    members = Field("members", "党员队伍好", DecimalWidget())
    mechanism = Field("mechanism", "工作机制好", DecimalWidget())
    performance = Field("performance", "工作业绩好", DecimalWidget())
    feedback = Field("feedback", "群众反映好", DecimalWidget())
    total = Field("total", "总分", DecimalWidget())
    stars = Field("stars", "星级", IntegerWidget())
    classification = Field("classification", "类别", ChoiceWidget(CLASSIFICATION))

    template_title = "五好星级评定"

    Meta = export_meta(
        StarRating,
        "organization",
        "organization_name",
        "year",
        "stage",
        *DIMENSIONS,
        "total",
        "stars",
        "classification",
    )

    def prepare_export_queryset(self, queryset):
        return queryset.select_related("organization")
