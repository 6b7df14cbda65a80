"""Import and export formats of cadre posts and the reserve roster, with personal fields masked unless the
user may unmask them."""

from import_export.fields import Field

from branches.resources import ORGANIZATION_HEADER_ALIASES
from branches.resources import KeyedResource
from branches.resources import file_meta
from branches.resources import organization_columns
from branches.tabular.resource_base import ImportableResource
from branches.tabular.widgets import ChoiceWidget
from branches.tabular.widgets import DateWidget
from branches.tabular.widgets import IntegerWidget
from branches.tabular.widgets import TextWidget
from branches.tabular.widgets import loaded_relation

from ..models import Cadre
from ..models import ReserveCadre
from ..models.cadres import RESERVE_LIFECYCLE_FIELDS
from ..models.cadres import RESERVE_ROSTER_FIELDS
from ..services import cadres as cadre_services
from .roster import EDUCATION
from .roster import EDUCATION_ALIASES
from .roster import GENDER
from .roster import MaskingResourceMixin
from .roster import MemberByIdNumber

CADRE_POST = {
    "secretary": "书记",
    "deputy_secretary": "副书记",
    "branch_committee": "支委委员",
    "village_director": "村委会主任",
    "village_deputy_director": "村委会副主任",
    "village_committee": "村委委员",
    "supervision_chair": "村务监督委员会主任",
    "first_secretary": "第一书记",
    "student_official": "大学生村官",
    "instructor": "党建指导员",
    "group_leader": "党小组长",
}
CADRE_POST_ALIASES = {"党支部书记": "secretary", "支部书记": "secretary", "村主任": "village_director"}
POLITICAL_STATUS = {
    "member": "中共党员",
    "probationary": "中共预备党员",
    "activist": "入党积极分子",
    "applicant": "入党申请人",
    "league": "共青团员",
    "masses": "群众",
}
POLITICAL_STATUS_ALIASES = {"党员": "member", "预备党员": "probationary", "团员": "league"}
RESERVE_SOURCE = {
    "cadre_recommendation": "干部推荐",
    "household_visits": "走访发现",
    "open_campaign": "公开选拔",
    "returning_youth": "返乡青年",
    "demobilized_soldier": "退役军人",
    "wealth_leader": "致富能手",
    "graduate": "高校毕业生",
}
RESERVE_STATUS = {"in_roster": "在库", "promoted": "已使用", "removed": "已调整出库"}


# The person's columns of a cadre's and a reserve cadre's file, in file order.
PERSON_COLUMNS = ("name", "member", "gender", "birth_date", "education", "phone")


class _PersonResource(MaskingResourceMixin, ImportableResource):
    """The columns of the person who holds a post or is on the reserve roster: a party member's identity
    (and phone, when left blank) comes from the roster; ID numbers and phones are masked on export."""

    name = Field("name", "姓名", TextWidget())
    member = Field("member", "党员身份证号", MemberByIdNumber())
    gender = Field("gender", "性别", ChoiceWidget(GENDER))
    birth_date = Field("birth_date", "出生日期", DateWidget())
    education = Field("education", "学历", ChoiceWidget(EDUCATION, EDUCATION_ALIASES))
    phone = Field("phone", "联系电话", TextWidget())
    # cadre_services.member_identity or reserve_identity: what a record takes from its member.
    identity_of = None

    def prepare_instance(self, record) -> None:
        member = loaded_relation(record, "member")
        if member is None:
            return
        for name, value in self.identity_of(member).items():
            setattr(record, name, value)
        record.phone = record.phone or member.phone

    def dehydrate_member(self, record) -> str:
        member = loaded_relation(record, "member")
        organization = loaded_relation(record, "organization")
        return self.masked_id_number(member.id_number, organization) if member else ""


class CadreResource(_PersonResource, KeyedResource):
    organization, organization_name = organization_columns()
    post = Field("post", "职务", ChoiceWidget(CADRE_POST, CADRE_POST_ALIASES))
    started_on = Field("started_on", "任职日期", DateWidget())
    ended_on = Field("ended_on", "离任日期", DateWidget())
    sending_unit = Field("sending_unit", "派出单位", TextWidget())
    note = Field("note", "备注", TextWidget())

    header_aliases = {**ORGANIZATION_HEADER_ALIASES, "身份证号": "党员身份证号"}
    # A party member's name, gender and birth date come from the roster when left blank.
    optional_columns = frozenset({"name"})
    template_title = "村干部任职"
    identity_of = staticmethod(cadre_services.member_identity)
    natural_key = ("organization_id", "post", "name", "started_on")
    key_lookups = ("organization_id", "name")
    export_related = ("organization", "member")
    # The post rules (one secretary at a time, …) read the rows written before: validate row by row,
    # about 12 ms a row, so more than 200 rows run as an import job (docs/security.md, "Limits").
    import_chunk_size = 1
    import_job_rows = 200

    Meta = file_meta(
        Cadre,
        "organization",
        "organization_name",
        "post",
        *PERSON_COLUMNS,
        "started_on",
        "ended_on",
        "sending_unit",
        "note",
    )

    def validate_instance(self, cadre, exclude) -> None:
        cadre_services.cadre_check(cadre)


class ReserveCadreResource(_PersonResource):
    organization, organization_name = organization_columns("所在村党支部编码", "所在村党支部")
    political_status = Field(
        "political_status", "政治面貌", ChoiceWidget(POLITICAL_STATUS, POLITICAL_STATUS_ALIASES)
    )
    source = Field("source", "来源", ChoiceWidget(RESERVE_SOURCE))
    entered_on = Field("entered_on", "入库日期", DateWidget())
    mentor = Field("mentor", "乡镇培养联系人", TextWidget())
    trainings_attended = Field("trainings_attended", "参加培训次数", IntegerWidget())
    # Promotion and removal go through their own services: exported, never imported.
    status = Field("status", "状态", ChoiceWidget(RESERVE_STATUS), readonly=True)
    promoted_post = Field("promoted_post", "使用职务", ChoiceWidget(CADRE_POST), readonly=True)
    promoted_on = Field("promoted_on", "使用日期", DateWidget(), readonly=True)
    removed_on = Field("removed_on", "出库日期", DateWidget(), readonly=True)
    removed_reason = Field("removed_reason", "出库原因", TextWidget(), readonly=True)

    header_aliases = {
        "支部编码": "所在村党支部编码",
        "村党支部编码": "所在村党支部编码",
        "身份证号": "党员身份证号",
    }
    # A party member's identity and political status come from the roster when left blank.
    optional_columns = frozenset({"name", "gender", "birth_date", "education", "political_status"})
    template_title = "村级后备干部"
    identity_of = staticmethod(cadre_services.reserve_identity)
    export_related = ("organization", "member")
    # "Already on the roster" reads the rows written before: validate row by row (as cadres above).
    import_chunk_size = 1
    import_job_rows = 200

    Meta = file_meta(
        ReserveCadre,
        "organization",
        "organization_name",
        *PERSON_COLUMNS,
        *RESERVE_ROSTER_FIELDS,
        *RESERVE_LIFECYCLE_FIELDS,
    )

    def validate_instance(self, reserve, exclude) -> None:
        # Also refuses someone already on the village's roster, in the database or earlier in the file.
        cadre_services.reserve_check(reserve, entering=True)
