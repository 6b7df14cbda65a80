"""Import/export resources: the file formats of the member roster, cadre posts and reserve cadres.

Headers and choice labels are fixed Chinese whatever the interface language: they are a file format shared
with other offices' spreadsheets, not interface text. Exports mask ID numbers and phones unless the exporting
user may unmask on the record's organization.
"""

from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from branches.tabular.importing import ImportableResource
from branches.tabular.widgets import (
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    IntegerWidget,
    LookupWidget,
    OrganizationCodeWidget,
    TextWidget,
)

from .. import idnumbers
from ..models import Cadre, Member, ReserveCadre
from ..selectors.roster import Unmasker, mask_id_number, mask_phone
from ..services import cadres as cadre_services

GENDER = {"male": "男", "female": "女"}
EDUCATION = {
    "primary": "小学",
    "junior_high": "初中",
    "senior_high": "高中/中专",
    "junior_college": "大专",
    "bachelor": "本科",
    "postgraduate": "研究生",
}
EDUCATION_ALIASES = {
    "高中": "senior_high",
    "中专": "senior_high",
    "中技": "senior_high",
    "职高": "senior_high",
    "高中、中专": "senior_high",
    "专科": "junior_college",
    "大学专科": "junior_college",
    "大学本科": "bachelor",
    "大学": "bachelor",
    "硕士": "postgraduate",
    "博士": "postgraduate",
    "硕士研究生": "postgraduate",
    "博士研究生": "postgraduate",
}
CATEGORY = {"full": "正式党员", "probationary": "预备党员"}
CATEGORY_ALIASES = {"正式": "full", "预备": "probationary"}
OCCUPATION = {
    "farmer": "农牧民",
    "migrant_worker": "外出务工",
    "village_cadre": "村干部",
    "public_sector": "机关事业",
    "enterprise": "企业",
    "student": "学生",
    "retired": "离退休",
    "unemployed": "无业",
    "other": "其他",
}
OCCUPATION_ALIASES = {
    "农民": "farmer",
    "牧民": "farmer",
    "外出务工人员": "migrant_worker",
    "进城务工": "migrant_worker",
    "机关事业单位": "public_sector",
    "企业人员": "enterprise",
    "离退休人员": "retired",
    "退休": "retired",
    "无": "unemployed",
}
MEMBER_STATUS = {
    "normal": "正常",
    "lost_contact": "失联",
    "stopped": "停止党籍",
    "left": "出党",
    "deceased": "去世",
    "transferred_out": "已转出",
}
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

ID_NUMBER_HEADER = "身份证号"


def _member_by_id_number():
    return LookupWidget(
        Member,
        "id_number",
        action="view",
        key_widget=TextWidget(identifier=True),
        unknown_message=_("No party member with this ID number among the members you can see."),
    )


class MaskingResourceMixin:
    """Exports show ID numbers and phones in full only where the exporting user may unmask."""

    def __init__(self, *, actor=None, **kwargs):
        super().__init__(actor=actor, **kwargs)
        self.unmasker = Unmasker(actor)
        self.unmasked_rows = 0

    def export_audit_detail(self) -> dict:
        return {"unmasked_rows": self.unmasked_rows}

    def masked_id_number(self, value, organization) -> str:
        if value and self.unmasker.allows(organization):
            self.unmasked_rows += 1
            return value
        return mask_id_number(value)

    def masked_phone(self, value, organization) -> str:
        return value if self.unmasker.allows(organization) else mask_phone(value)

    def prepare_export_queryset(self, queryset):
        return queryset.select_related(*self.export_related)


class MemberResource(MaskingResourceMixin, ImportableResource):
    name = Field("name", "姓名", TextWidget())
    gender = Field("gender", "性别", ChoiceWidget(GENDER))
    ethnicity = Field("ethnicity", "民族", TextWidget())
    id_number = Field("id_number", ID_NUMBER_HEADER, TextWidget(identifier=True))
    birth_date = Field("birth_date", "出生日期", DateWidget())
    education = Field("education", "学历", ChoiceWidget(EDUCATION, EDUCATION_ALIASES))
    category = Field("category", "党员类别", ChoiceWidget(CATEGORY, CATEGORY_ALIASES))
    branch = Field("branch", "所在支部编码", OrganizationCodeWidget())
    branch_name = Field("branch__name", "所在支部", readonly=True)
    joined_on = Field("joined_on", "入党日期", DateWidget())
    confirmed_on = Field("confirmed_on", "转正日期", DateWidget())
    occupation = Field("occupation", "职业", ChoiceWidget(OCCUPATION, OCCUPATION_ALIASES))
    phone = Field("phone", "联系电话", TextWidget())
    address = Field("address", "住址", TextWidget())
    status = Field("status", "党员状态", ChoiceWidget(MEMBER_STATUS), readonly=True)
    is_mobile = Field("is_mobile", "是否流动党员", BooleanWidget())
    mobile_destination = Field("mobile_destination", "外出地点", TextWidget())
    mobile_contact_person = Field("mobile_contact_person", "流动党员联系人", TextWidget())
    mobile_last_contact_on = Field("mobile_last_contact_on", "最近联系日期", DateWidget())
    post_duty = Field("post_duty", "设岗定责", TextWidget())

    header_aliases = {
        "公民身份号码": ID_NUMBER_HEADER,
        "身份证号码": ID_NUMBER_HEADER,
        "支部编码": "所在支部编码",
        "手机号": "联系电话",
        "手机号码": "联系电话",
        "电话": "联系电话",
        "家庭住址": "住址",
        "文化程度": "学历",
        "人员类别": "党员类别",
    }
    # Both follow from the ID number when left blank.
    optional_columns = frozenset({"gender", "birth_date"})
    key_column = ID_NUMBER_HEADER
    template_title = "党员名册"
    export_related = ("branch",)

    class Meta:
        model = Member
        fields = [
            "name",
            "gender",
            "ethnicity",
            "id_number",
            "birth_date",
            "education",
            "category",
            "branch",
            "branch_name",
            "joined_on",
            "confirmed_on",
            "occupation",
            "phone",
            "address",
            "status",
            "is_mobile",
            "mobile_destination",
            "mobile_contact_person",
            "mobile_last_contact_on",
            "post_duty",
        ]
        export_order = fields
        import_order = fields
        chunk_size = 2000

    def prepare_instance(self, member) -> None:
        try:
            id_number = idnumbers.parse(member.id_number)
        except idnumbers.IdNumberError:
            return
        if member.birth_date is None:
            member.birth_date = idnumbers.birth_date_of(id_number)
        if not member.gender:
            member.gender = "female" if idnumbers.is_female(id_number) else "male"
        if not member.ethnicity:
            member.ethnicity = "汉族"

    def import_key(self, member):
        return member.id_number or None

    def existing_keys(self, keys) -> set:
        return set(Member.objects.filter(id_number__in=keys).values_list("id_number", flat=True))

    def dehydrate_id_number(self, member) -> str:
        return self.masked_id_number(member.id_number, _cached(member, "branch"))

    def dehydrate_phone(self, member) -> str:
        return self.masked_phone(member.phone, _cached(member, "branch"))


class CadreResource(MaskingResourceMixin, ImportableResource):
    organization = Field("organization", "所在组织编码", OrganizationCodeWidget())
    organization_name = Field("organization__name", "所在组织", readonly=True)
    post = Field("post", "职务", ChoiceWidget(CADRE_POST, CADRE_POST_ALIASES))
    name = Field("name", "姓名", TextWidget())
    member = Field("member", "党员身份证号", _member_by_id_number())
    gender = Field("gender", "性别", ChoiceWidget(GENDER))
    birth_date = Field("birth_date", "出生日期", DateWidget())
    education = Field("education", "学历", ChoiceWidget(EDUCATION, EDUCATION_ALIASES))
    phone = Field("phone", "联系电话", TextWidget())
    started_on = Field("started_on", "任职日期", DateWidget())
    ended_on = Field("ended_on", "离任日期", DateWidget())
    sending_unit = Field("sending_unit", "派出单位", TextWidget())
    note = Field("note", "备注", TextWidget())

    header_aliases = {"组织编码": "所在组织编码", "支部编码": "所在组织编码", "身份证号": "党员身份证号"}
    # A party member's name, gender and birth date come from the roster when left blank.
    optional_columns = frozenset({"name"})
    template_title = "村干部任职"
    export_related = ("organization", "member")
    # The post rules (one secretary at a time, …) read the rows written before: validate row by row.
    import_chunk_size = 1

    class Meta:
        model = Cadre
        fields = [
            "organization",
            "organization_name",
            "post",
            "name",
            "member",
            "gender",
            "birth_date",
            "education",
            "phone",
            "started_on",
            "ended_on",
            "sending_unit",
            "note",
        ]
        export_order = fields
        import_order = fields
        chunk_size = 2000

    def prepare_instance(self, cadre) -> None:
        _fill_from_member(cadre, cadre_services.member_identity)

    def validate_instance(self, cadre, exclude) -> None:
        cadre_services.cadre_check(cadre)

    def import_key(self, cadre):
        if not (cadre.organization_id and cadre.post and cadre.name and cadre.started_on):
            return None
        return (cadre.organization_id, cadre.post, cadre.name, cadre.started_on)

    def existing_keys(self, keys) -> set:
        rows = Cadre.objects.filter(
            organization_id__in={key[0] for key in keys}, name__in={key[2] for key in keys}
        ).values_list("organization_id", "post", "name", "started_on")
        return set(rows) & set(keys)

    def dehydrate_member(self, cadre) -> str:
        member = _cached(cadre, "member")
        return self.masked_id_number(member.id_number, _cached(cadre, "organization")) if member else ""

    def dehydrate_phone(self, cadre) -> str:
        return self.masked_phone(cadre.phone, _cached(cadre, "organization"))


def _fill_from_member(record, identity_of) -> None:
    """As the cadre services do: a record of a party member carries the member's own identity."""
    member = _cached(record, "member")
    if member is None:
        return
    for name, value in identity_of(member).items():
        setattr(record, name, value)
    record.phone = record.phone or member.phone


def _cached(record, relation):
    """A related record already loaded or assigned (select_related, import), without a query."""
    return record._state.fields_cache.get(relation)


class ReserveCadreResource(MaskingResourceMixin, ImportableResource):
    organization = Field("organization", "所在村党支部编码", OrganizationCodeWidget())
    organization_name = Field("organization__name", "所在村党支部", readonly=True)
    name = Field("name", "姓名", TextWidget())
    member = Field("member", "党员身份证号", _member_by_id_number())
    gender = Field("gender", "性别", ChoiceWidget(GENDER))
    birth_date = Field("birth_date", "出生日期", DateWidget())
    education = Field("education", "学历", ChoiceWidget(EDUCATION, EDUCATION_ALIASES))
    phone = Field("phone", "联系电话", TextWidget())
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
    export_related = ("organization", "member")
    # "Already on the roster" reads the rows written before: validate row by row.
    import_chunk_size = 1

    class Meta:
        model = ReserveCadre
        fields = [
            "organization",
            "organization_name",
            "name",
            "member",
            "gender",
            "birth_date",
            "education",
            "phone",
            "political_status",
            "source",
            "entered_on",
            "mentor",
            "trainings_attended",
            "status",
            "promoted_post",
            "promoted_on",
            "removed_on",
            "removed_reason",
        ]
        export_order = fields
        import_order = fields
        chunk_size = 2000

    def prepare_instance(self, reserve) -> None:
        _fill_from_member(reserve, cadre_services.reserve_identity)

    def validate_instance(self, reserve, exclude) -> None:
        # Also refuses someone already on the village's roster, in the database or earlier in the file.
        cadre_services.reserve_check(reserve, entering=True)

    def dehydrate_member(self, reserve) -> str:
        member = _cached(reserve, "member")
        return self.masked_id_number(member.id_number, _cached(reserve, "organization")) if member else ""

    def dehydrate_phone(self, reserve) -> str:
        return self.masked_phone(reserve.phone, _cached(reserve, "organization"))
