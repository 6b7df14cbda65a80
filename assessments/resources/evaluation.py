"""Export files of the joint evaluation: scores and statements, with headers and labels in fixed Chinese
like the app's other export files."""

from import_export import widgets
from import_export.fields import Field

from branches.resources import ExportOnlyResource
from branches.resources import export_meta
from branches.resources import organization_columns
from branches.tabular.widgets import ChoiceWidget
from branches.tabular.widgets import DecimalWidget
from branches.tabular.widgets import IntegerWidget

from ..models import EvaluationScore
from ..models import Statement
from ..models.evaluation import SCORE_RESULT_FIELDS

LEVELS = {"county": "县级", "township": "乡镇级", "village": "村级"}
GRADES = {"good": "好", "fairly_good": "较好", "average": "一般", "poor": "差"}


class YesNoWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class CycleExportResource(ExportOnlyResource):
    """The columns that open each export of a cycle: the organization, the cycle's year and the level."""

    organization, organization_name = organization_columns("组织编码", "组织名称")
    year = Field("cycle__year", "年度", IntegerWidget())
    level = Field("level", "层级", ChoiceWidget(LEVELS))
    secretary_name = Field("secretary_name", "书记")


class EvaluationScoreResource(CycleExportResource):
    township_name = Field("township__name", "所属乡镇")
    grades_count = Field("grades_count", "评议票数", IntegerWidget())
    evaluation_score = Field("evaluation_score", "评议得分", DecimalWidget())
    good_rate = Field("good_rate", "好评率(%)", DecimalWidget())
    quota_achievement = Field("quota_achievement", "指标完成率(%)", DecimalWidget())
    star_score = Field("star_score", "星级评定得分", DecimalWidget())
    stars = Field("stars", "星级", IntegerWidget())
    examination_score = Field("examination_score", "考核得分", DecimalWidget())
    final_score = Field("final_score", "综合得分", DecimalWidget())
    grade = Field("grade", "综合等次", ChoiceWidget(GRADES))
    rank_in_township = Field("rank_in_township", "乡镇内排名", IntegerWidget())
    rank_in_county = Field("rank_in_county", "全县同级排名", IntegerWidget())

    template_title = "联述联评联考得分"

    Meta = export_meta(
        EvaluationScore,
        "organization",
        "organization_name",
        "year",
        "level",
        "township_name",
        *SCORE_RESULT_FIELDS,
    )

    def prepare_export_queryset(self, queryset):
        return queryset.select_related("organization", "cycle", "township")


class StatementResource(CycleExportResource):
    submitted_at = Field("submitted_at", "提交时间")
    late = Field("late", "逾期", YesNoWidget())
    attachment_name = Field("attachment_name", "附件")
    text = Field("text", "述职报告")

    template_title = "述职报告"

    Meta = export_meta(
        Statement,
        "organization",
        "organization_name",
        "year",
        "level",
        "secretary_name",
        "submitted_at",
        "late",
        "attachment_name",
        "text",
    )

    def prepare_export_queryset(self, queryset):
        return queryset.select_related("organization", "cycle")
