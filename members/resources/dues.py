"""The file format of dues payments (import with its preview, and export): one row per member and month,
the member named by ID number (masked in exports unless the exporting user may unmask). Every row goes
through the same rules as a payment recorded on the phone or the API (``dues_payment_check``,
docs/dues.md), the facts they read asked for the whole chunk at once."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from import_export.fields import Field

from branches.resources import file_meta
from branches.tabular.resource_base import ImportableResource
from branches.tabular.widgets import ChoiceWidget
from branches.tabular.widgets import DateWidget
from branches.tabular.widgets import DecimalWidget
from branches.tabular.widgets import MonthWidget
from branches.tabular.widgets import loaded_relation

from ..models import DuesPayment
from ..services import dues as services
from .roster import ID_NUMBER_ALIASES
from .roster import ID_NUMBER_HEADER
from .roster import MaskingResourceMixin
from .roster import MemberByIdNumber

METHOD = {"cash": "现金", "transfer": "银行转账", "mobile": "移动支付", "payroll": "工资代扣"}
METHOD_ALIASES = {"转账": "transfer", "微信": "mobile", "支付宝": "mobile", "代扣": "payroll"}


class DuesPaymentResource(MaskingResourceMixin, ImportableResource):
    member = Field("member", ID_NUMBER_HEADER, MemberByIdNumber(action="records"))
    member_name = Field("member__name", "姓名", readonly=True)
    branch_code = Field("organization__code", "所在支部编码", readonly=True)
    branch_name = Field("organization__name", "所在支部", readonly=True)
    month = Field("month", "所属月份", MonthWidget())
    amount = Field("amount", "交纳金额(元)", DecimalWidget())
    paid_on = Field("paid_on", "交纳日期", DateWidget())
    method = Field("method", "交纳方式", ChoiceWidget(METHOD, METHOD_ALIASES))

    header_aliases = {
        **ID_NUMBER_ALIASES,
        "月份": "所属月份",
        "党费月份": "所属月份",
        "金额": "交纳金额",
        "党费金额": "交纳金额",
        "缴纳金额": "交纳金额",
        "缴纳日期": "交纳日期",
        "缴纳方式": "交纳方式",
    }
    key_column = ID_NUMBER_HEADER
    template_title = "党费交纳记录"
    export_related = ("member", "organization", "recorded_by")
    # The branch and who recorded it are set by the rules, not read from the file.
    optional_columns = frozenset({"organization", "recorded_by"})

    Meta = file_meta(
        DuesPayment,
        "member",
        "member_name",
        "branch_code",
        "branch_name",
        "month",
        "amount",
        "paid_on",
        "method",
    )

    def __init__(self, *, actor=None, **kwargs):
        super().__init__(actor=actor, **kwargs)
        self._facts = services.PaymentFacts()

    def import_key(self, payment):
        """One payment per member and month in the file (those already recorded are refused by the rules
        with the day they were paid)."""
        if payment.member_id is None or payment.month is None:
            return None
        return (payment.member_id, payment.month.replace(day=1))

    def prepare_chunk(self, payments) -> None:
        # The branches, rolls, bases and earlier payments the rules read, for the whole chunk at once.
        self._facts = services.dues_payment_facts(
            (p.member_id, p.month) for p in payments if loaded_relation(p, "member") is not None
        )

    def validate_instance(self, payment, exclude) -> None:
        if loaded_relation(payment, "member") is None or payment.month is None:
            payment.full_clean(exclude=[*exclude, "organization", "recorded_by"], validate_constraints=False)
            return
        try:
            services.dues_payment_check(payment, actor=self.actor, facts=self._facts, exclude=exclude)
        except PermissionDenied as refused:
            raise ValidationError({"member": str(refused)}) from None

    def dehydrate_member(self, payment) -> str:
        member = loaded_relation(payment, "member")
        return self.masked_id_number(member.id_number, payment.organization) if member else ""
