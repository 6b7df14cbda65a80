"""File formats of member appraisals (import and export) and rectifications (export only).

Headers and choice labels are fixed Chinese, like every other import file. An appraisal file names each
member by ID number (masked in exports unless the exporting user may unmask); the branch is the member's on
the day of the appraisal. The whole file is validated and written as one set, so the excellent cap (at most
one third of the graded members of a branch) is judged on the file together with what each branch had
recorded before.
"""

from import_export.fields import Field

from branches.resources import ExportOnlyResource
from branches.resources import KeyedResource
from branches.resources import export_meta
from branches.resources import file_meta
from branches.tabular.reading import MAX_ROWS
from branches.tabular.widgets import BooleanWidget
from branches.tabular.widgets import ChoiceWidget
from branches.tabular.widgets import DateWidget
from branches.tabular.widgets import IntegerWidget
from branches.tabular.widgets import TextWidget
from branches.tabular.widgets import loaded_relation
from members.resources.roster import CATEGORY
from members.resources.roster import ID_NUMBER_ALIASES
from members.resources.roster import ID_NUMBER_HEADER
from members.resources.roster import MaskingResourceMixin
from members.resources.roster import MemberByIdNumber

from ..models import MemberAppraisal
from ..models import Rectification
from ..services import appraisals as services
from ..services.appraisal_batches import appraisals_import

GRADE = {"excellent": "优秀", "qualified": "合格", "basic": "基本合格", "unqualified": "不合格"}
GRADE_ALIASES = {"不定等次": "", "基本合格党员": "basic", "合格党员": "qualified", "优秀党员": "excellent"}
RECTIFICATION_STATUS = {"open": "整顿中", "close_requested": "申请销号", "verified": "已验收销号"}


class MemberAppraisalResource(MaskingResourceMixin, KeyedResource):
    member = Field("member", ID_NUMBER_HEADER, MemberByIdNumber(action="records", related=("branch",)))
    member_name = Field("member__name", "姓名", readonly=True)
    category = Field("member__category", "党员类别", ChoiceWidget(CATEGORY), readonly=True)
    branch_code = Field("branch__code", "所在支部编码", readonly=True)
    branch_name = Field("branch__name", "所在支部", readonly=True)
    year = Field("year", "评议年度", IntegerWidget())
    participated = Field("participated", "是否参加评议", BooleanWidget())
    grade = Field("grade", "评定等次", ChoiceWidget(GRADE, GRADE_ALIASES))
    appraised_on = Field("appraised_on", "评议日期", DateWidget())
    stars = Field("stars", "党员星级", IntegerWidget(), readonly=True)
    note = Field("note", "备注", TextWidget())

    header_aliases = {
        **ID_NUMBER_ALIASES,
        "党员身份证号": ID_NUMBER_HEADER,
        "年度": "评议年度",
        "等次": "评定等次",
        "评议等次": "评定等次",
        "是否参加": "是否参加评议",
    }
    key_column = ID_NUMBER_HEADER
    template_title = "民主评议党员"
    natural_key = key_lookups = ("member_id", "year")
    export_related = ("member", "branch")
    # One chunk for the whole file: the excellent cap is judged on the final set of each branch.
    import_chunk_size = MAX_ROWS

    Meta = file_meta(
        MemberAppraisal,
        "member",
        "member_name",
        "category",
        "branch_code",
        "branch_name",
        "year",
        "participated",
        "grade",
        "appraised_on",
        "stars",
        "note",
    )

    def __init__(self, *, actor=None, **kwargs):
        super().__init__(actor=actor, **kwargs)
        self._on_roll: dict[tuple, bool] = {}

    def prepare_chunk(self, appraisals) -> None:
        # The branch of each row on its day and the roll the rule reads, asked for the whole file at once.
        appraisals = [a for a in appraisals if loaded_relation(a, "member") is not None]
        services.appraisal_branches(appraisals)
        self._on_roll = services.appraisals_on_roll(appraisals)

    def validate_instance(self, appraisal, exclude) -> None:
        if loaded_relation(appraisal, "member") is None:
            return
        on_roll = self._on_roll.get(services.roll_check(appraisal))
        services.appraisal_check(appraisal, exclude=exclude, on_roll=on_roll)

    def write(self, instances, actor) -> None:
        appraisals_import(instances, actor=actor)

    def dehydrate_member(self, appraisal) -> str:
        member = loaded_relation(appraisal, "member")
        return self.masked_id_number(member.id_number, loaded_relation(appraisal, "branch")) if member else ""


class RectificationResource(ExportOnlyResource):
    """Rectifications are opened and closed through their workflow, never imported."""

    organization_code = Field("organization__code", "支部编码")
    organization_name = Field("organization__name", "支部名称")
    year = Field("year", "年度")
    status = Field("status", "状态", ChoiceWidget(RECTIFICATION_STATUS))
    reasons = Field("reasons", "列入原因")
    plan = Field("plan", "整顿方案")
    responsible_leader = Field("responsible_leader", "责任领导")
    instructor = Field("instructor__name", "党建指导员")
    deadline = Field("deadline", "整顿时限", DateWidget())
    close_summary = Field("close_summary", "整顿成效")
    verified_on = Field("verified_on", "验收日期", DateWidget())

    template_title = "软弱涣散党组织整顿"

    Meta = export_meta(
        Rectification,
        "organization_code",
        "organization_name",
        "year",
        "status",
        "reasons",
        "plan",
        "responsible_leader",
        "instructor",
        "deadline",
        "close_summary",
        "verified_on",
        chunk_size=2000,
    )

    def prepare_export_queryset(self, queryset):
        return queryset.select_related("organization", "instructor")

    def dehydrate_reasons(self, rectification) -> str:
        return "；".join(reason.get("message", reason.get("code", "")) for reason in rectification.reasons)
