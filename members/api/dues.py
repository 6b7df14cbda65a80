"""``/api/v1/dues-bases/`` (a member's yearly base; posting one declares or revises the year),
``/api/v1/dues-payments/`` (a month's payment, in the computed amount), and ``dues-payments/ledger/`` and
``dues-payments/arrears/``: a branch's month (docs/dues.md)."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.models import Organization
from branches.scope.viewsets import ScopedModelViewSet, ScopedRelatedField

from ..models import DuesBase, DuesPayment, Member
from ..resources import DuesPaymentResource
from ..selectors import dues as selectors
from ..services import dues as services

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


class DuesBaseViewSet(ScopedModelViewSet):
    queryset = DuesBase.objects.all()
    list_selector = staticmethod(selectors.dues_base_list)
    serializer_class = DuesBaseSerializer
    filterset_fields = ["member", "year", "category"]
    ordering = ["member__branch__path", "member__name", "-year", "pk"]
    http_method_names = ["get", "post", "head", "options"]
    create_service = staticmethod(services.dues_base_declare)


class DuesPaymentViewSet(ScopedModelViewSet):
    queryset = DuesPayment.objects.all()
    list_selector = staticmethod(selectors.dues_payment_list)
    serializer_class = DuesPaymentSerializer
    filterset_fields = ["member", "organization", "month"]
    ordering = ["organization__path", "-month", "member__name", "pk"]
    http_method_names = ["get", "post", "head", "options"]
    create_service = staticmethod(services.dues_payment_record)
    resource_class = DuesPaymentResource

    @action(detail=False, methods=["get"])
    def ledger(self, request):
        """Every member due in ``month`` in ``organization``'s subtree: due, paid, owed."""
        rows = selectors.dues_ledger(organization=self._organization(request), month=self._month(request))
        return self.paginated(rows, LedgerRowSerializer)

    @action(detail=False, methods=["get"])
    def arrears(self, request):
        """Members unpaid three months in a row or more up to ``month``; ``to_handle`` at six unexplained."""
        rows = selectors.dues_arrears(organization=self._organization(request), month=self._month(request))
        return Response({"count": len(rows), "results": ArrearsRowSerializer(rows, many=True).data})

    @staticmethod
    def _organization(request) -> Organization:
        value = request.query_params.get("organization") or ""
        if not value.isdigit():
            raise exceptions.ValidationError({"organization": [_("Choose the organization.")]})
        return get_object_or_404(Organization.objects.restrict(request.user, "view"), pk=int(value))

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
