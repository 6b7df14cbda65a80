"""Import/export resources: the file format of the member roster, and the masking every personal export uses.

Headers and choice labels are fixed Chinese whatever the interface language: they are a file format shared
with other offices' spreadsheets, not interface text. Exports mask ID numbers and phones unless the exporting
user may unmask on the record's organization."""

from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from branches.resources import RelatedExport
from branches.resources import file_meta
from branches.resources import organization_columns
from branches.tabular.resource_base import ImportableResource
from branches.tabular.widgets import BooleanWidget
from branches.tabular.widgets import ChoiceWidget
from branches.tabular.widgets import DateWidget
from branches.tabular.widgets import LookupWidget
from branches.tabular.widgets import TextWidget
from branches.tabular.widgets import loaded_relation

from ..models import Member
from ..models.roster import MOBILE_FIELDS
from ..models.roster import PERSON_IDENTITY_FIELDS
from ..selectors.roster import Unmasker
from ..selectors.roster import mask_id_number
from ..services.identity import REFUSED_MESSAGE
from ..services.identity import id_numbers_in_use
from ..services.roster import member_check_new

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
ID_NUMBER_HEADER = "身份证号"
# What other offices' files call the ID number column.
ID_NUMBER_ALIASES = {"公民身份号码": ID_NUMBER_HEADER, "身份证号码": ID_NUMBER_HEADER}


NOT_VISIBLE = _("No party member with this ID number among the members you can see.")
NOT_RECORDED = _("No party member with this ID number among the members you enter records for.")


class MemberByIdNumber(LookupWidget):
    """A party member named by ID number, found for a whole chunk in one query within the importer's scope
    for ``action`` (``view``: the members they can see; ``records``: those they enter records for), with
    the ``related`` records the resource reads loaded in the same query."""

    def __init__(self, *, action="view", related=()):
        super().__init__(
            Member,
            "id_number",
            action=action,
            key_widget=TextWidget(identifier=True),
            unknown_message=NOT_VISIBLE if action == "view" else NOT_RECORDED,
        )
        self.related = related

    def resolve(self, keys, actor) -> dict:
        queryset = Member.objects.restrict(actor, self.action)
        if self.related:
            queryset = queryset.select_related(*self.related)
        return {member.id_number: member for member in queryset.filter(id_number__in=keys)}


class MaskingResourceMixin(RelatedExport):
    """Exports show ID numbers in full only where the exporting user may unmask, counted for the export's
    security event; phones and the other personal fields are masked by ``ImportableResource.export_field``."""

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


class MemberResource(MaskingResourceMixin, ImportableResource):
    name = Field("name", "姓名", TextWidget())
    gender = Field("gender", "性别", ChoiceWidget(GENDER))
    ethnicity = Field("ethnicity", "民族", TextWidget())
    id_number = Field("id_number", ID_NUMBER_HEADER, TextWidget(identifier=True))
    birth_date = Field("birth_date", "出生日期", DateWidget())
    education = Field("education", "学历", ChoiceWidget(EDUCATION, EDUCATION_ALIASES))
    category = Field("category", "党员类别", ChoiceWidget(CATEGORY, CATEGORY_ALIASES))
    branch, branch_name = organization_columns("所在支部编码", "所在支部", attribute="branch")
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
        **ID_NUMBER_ALIASES,
        "支部编码": "所在支部编码",
        "手机号": "联系电话",
        "手机号码": "联系电话",
        "电话": "联系电话",
        "家庭住址": "住址",
        "文化程度": "学历",
        "人员类别": "党员类别",
    }
    key_column = ID_NUMBER_HEADER
    template_title = "党员名册"
    export_related = ("branch",)

    Meta = file_meta(
        Member,
        *PERSON_IDENTITY_FIELDS,
        "category",
        "branch",
        "branch_name",
        "joined_on",
        "confirmed_on",
        "occupation",
        "phone",
        "address",
        "status",
        *MOBILE_FIELDS,
        "post_duty",
    )

    def validate_instance(self, member, exclude) -> None:
        # A row gets the answer the API gets: the service's check of a new record (which takes a blank
        # gender and birth date from the ID number). Who holds the ID numbers and whether the branch is the
        # actor's are asked for the whole chunk at once (refused_keys, existing_keys, the branch lookup).
        member_check_new(member=member, exclude=exclude)

    def import_key(self, member):
        return member.id_number or None

    def existing_keys(self, keys) -> set:
        return set(Member.objects.filter(id_number__in=keys).values_list("id_number", flat=True))

    def refused_keys(self, keys) -> dict:
        in_use = id_numbers_in_use(actor=self.actor, numbers=keys, model=Member)
        return {number: REFUSED_MESSAGE for number, visible in in_use.items() if not visible}

    def dehydrate_id_number(self, member) -> str:
        return self.masked_id_number(member.id_number, loaded_relation(member, "branch"))
