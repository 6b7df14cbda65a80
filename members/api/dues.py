"""``/api/v1/dues-bases/`` (a member's yearly base; posting one declares or revises the year),
``/api/v1/dues-payments/`` (a month's payment, in the computed amount), and ``dues-payments/ledger/`` and
``dues-payments/arrears/``: a branch's month (docs/dues.md)."""

import datetime as dt

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.api.audit import table_xlsx
from branches.api.negotiation import FormatNamesTheFile
from branches.scope.viewsets import ScopedModelViewSet
from branches.scope.viewsets import ScopedRelatedField
from branches.tabular.exports import XLSX_CONTENT_TYPE

from ..models import DuesBase
from ..models import DuesPayment
from ..models import Member
from ..selectors import dues as selectors
from ..services import dues as services
from ._params import asked_organization

MONEY = {"max_digits": 10, "decimal_places": 2, "min_value": 0}


class DuesBaseSerializer(serializers.ModelSerializer):
    member = ScopedRelatedField(queryset=Member.objects.all())
    member_name = serializers.CharField(source="member.name", read_only=True)
    income = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    farmer_amount = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    voluntary_amount = serializers.DecimalField(**MONEY, required=False, allow_null=True)

    class Meta:
        model = DuesBase
        fields = [
            "id",
            "member",
            "member_name",
            "year",
            "category",
            "income",
            "farmer_amount",
            "voluntary_amount",
            "exempt",
            "exemption_decision",
            "unpaid_reason",
            "monthly_amount",
            "declared_by",
            "version",
        ]
        read_only_fields = ["monthly_amount", "declared_by", "version"]
        validators = []  # declaring a year again revises it (the service), not a uniqueness error


class DuesPaymentSerializer(serializers.ModelSerializer):
    member = ScopedRelatedField(queryset=Member.objects.all())
    member_name = serializers.CharField(source="member.name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    amount = serializers.DecimalField(**MONEY)

    class Meta:
        model = DuesPayment
        fields = [
            "id",
            "member",
            "member_name",
            "organization",
            "organization_name",
            "month",
            "amount",
            "paid_on",
            "method",
            "recorded_by",
            "version",
        ]
        read_only_fields = ["organization", "recorded_by", "version"]
        validators = []  # a second payment for a month is refused by the service with its message


class LedgerRowSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    branch = serializers.IntegerField(source="branch_id")
    due = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    exempt = serializers.BooleanField()
    paid = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    paid_on = serializers.DateField(allow_null=True)
    method = serializers.CharField(allow_null=True)
    recorded_by = serializers.CharField(source="recorded_by_name", allow_null=True)
    owed = serializers.SerializerMethodField()

    def get_owed(self, row):
        owed = selectors.arrears_of(row)
        return None if owed is None else f"{owed:.2f}"


class ArrearsRowSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    branch = serializers.IntegerField(source="branch_id")
    unpaid_months = serializers.IntegerField()
    to_handle = serializers.BooleanField()
    unpaid_reason = serializers.CharField()


SUMMARY_HEADER = (
    "组织",
    "组织编码",
    "应交党员数",
    "应交金额(元)",
    "已交金额(元)",
    "交纳率(%)",
    "欠交3个月以上人数",
)


class SummaryQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False, allow_null=True)
    format = serializers.ChoiceField(
        choices=["json", "xlsx"],
        required=False,
        default="json",
        error_messages={"invalid_choice": _("Choose json or xlsx.")},
    )


class SummaryRowSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    name = serializers.CharField(source="organization.name")
    kind = serializers.CharField(source="organization.kind")
    parent = serializers.IntegerField(source="organization.parent_id", allow_null=True)
    members = serializers.IntegerField()
    due = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    arrears = serializers.IntegerField()


def summary_table(rows):
    """The summary as spreadsheet rows, its header first."""
    yield SUMMARY_HEADER
    for row in rows:
        rate = None if row.rate is None else float(row.rate)
        values = (row.members, float(row.due), float(row.paid), rate, row.arrears)
        yield (row.organization.name, row.organization.code, *values)


class DuesBaseViewSet(ScopedModelViewSet):
    """Each member's yearly dues base: posting one declares the year or revises it, and the monthly amount
    follows from it (docs/dues.md)."""

    queryset = DuesBase.objects.all()
    list_selector = staticmethod(selectors.dues_base_list)
    serializer_class = DuesBaseSerializer
    filterset_fields = ["member", "year", "category"]
    ordering = ["member__branch__path", "member__name", "-year", "pk"]
    create_service = staticmethod(services.dues_base_declare)


class DuesPaymentViewSet(ScopedModelViewSet):
    """Monthly dues payments in the amount the base gives; a branch's month as a ledger and its arrears
    (docs/dues.md)."""

    queryset = DuesPayment.objects.all()
    list_selector = staticmethod(selectors.dues_payment_list)
    serializer_class = DuesPaymentSerializer
    filterset_fields = ["member", "organization", "month"]
    ordering = ["organization__path", "-month", "member__name", "pk"]
    create_service = staticmethod(services.dues_payment_record)

    @action(detail=False, methods=["get"])
    def ledger(self, request):
        """Every member due in ``month`` in ``organization``'s subtree: due, paid, owed."""
        rows = selectors.dues_ledger(organization=asked_organization(request), month=self._month(request))
        return self.paginated(rows, LedgerRowSerializer)

    @action(detail=False, methods=["get"])
    def arrears(self, request):
        """Members unpaid three months in a row or more up to ``month``; ``to_handle`` at six unexplained."""
        rows = selectors.dues_arrears(organization=asked_organization(request), month=self._month(request))
        return Response({"count": len(rows), "results": ArrearsRowSerializer(rows, many=True).data})

    @action(detail=False, methods=["get"], content_negotiation_class=FormatNamesTheFile)
    def summary(self, request):
        """Due, paid, rate and arrears of every organization in ``organization``'s subtree, for ``month``
        (1-12) of ``year`` or the year so far; ``format=xlsx`` for the spreadsheet."""
        organization = asked_organization(request)
        asked = self.validated(SummaryQuerySerializer, request.query_params)
        year = asked.get("year") or timezone.localdate().year
        month = asked.get("month")
        rows = selectors.dues_summary(organization=organization, year=year, month=month)
        if asked["format"] == "xlsx":
            when = f"{year}-{month:02d}" if month else f"{year}"
            output, _count = table_xlsx(summary_table(rows), title=f"党费统计{when}")
            filename = f"dues-summary-{organization.code}-{when}.xlsx"
            return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
        data = SummaryRowSerializer(rows, many=True).data
        return Response({"organization": organization.pk, "year": year, "month": month, "results": data})

    @staticmethod
    def _month(request) -> dt.date:
        value = request.query_params.get("month")
        if not value:
            return timezone.localdate().replace(day=1)
        try:
            return dt.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise exceptions.ValidationError({"month": [_("Enter a month such as 2026-03.")]}) from None


def register(router):
    router.register("dues-bases", DuesBaseViewSet)
    router.register("dues-payments", DuesPaymentViewSet)
