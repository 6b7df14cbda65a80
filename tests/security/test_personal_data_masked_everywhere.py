"""No answer of the API and no export of a user without ``unmask`` carries a registered personal field in
full (branches/personal, docs/security.md "Personal data"). Every endpoint of the router and every export
resource is walked with records whose personal fields all hold full values."""

import datetime as dt
import json
from io import BytesIO

import pytest
from django.urls import NoReverseMatch
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework import serializers

from branches.personal import personal_fields
from branches.personal import personal_kind
from branches.personal import registered_models
from branches.scope.viewsets import ScopedQuerysetMixin
from branches.tabular.exports import write_xlsx
from branches.tabular.resource_base import ImportableResource
from members import idnumbers
from partybuild.api import router
from tests.utils.factories import MemberFactory
from tests.utils.factories_assessments import MemberAppraisalFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_cadres import ReserveCadreFactory
from tests.utils.factories_mobile import send_away
from tests.utils.factories_pipeline import ApplicantFactory

pytestmark = pytest.mark.django_db

BORN = dt.date(1970, 2, 3)
FULL = {
    "id_number": idnumbers.build("130123", BORN, 517),
    "applicant_id": idnumbers.build("130123", dt.date(1996, 5, 6), 518),
    "phone": "13912345678",
    "address": "甲县东镇东一村三组十二号院",
}
FULL_VALUES = [FULL["id_number"], FULL["applicant_id"], FULL["phone"], FULL["address"]]
WHO = ["county_admin", "secretary_a1"]


@pytest.fixture
def full_records(world):
    branch = world.branch_a1
    member = MemberFactory(
        branch=branch,
        id_number=FULL["id_number"],
        birth_date=BORN,
        phone=FULL["phone"],
        address=FULL["address"],
    )
    records = {
        "member": member,
        "applicant": ApplicantFactory(
            branch=branch,
            id_number=FULL["applicant_id"],
            birth_date=dt.date(1996, 5, 6),
            phone=FULL["phone"],
            address=FULL["address"],
        ),
        "cadre": CadreFactory(organization=branch, member=member, post="secretary", phone=FULL["phone"]),
        "reserve": ReserveCadreFactory(organization=branch, member=member, phone=FULL["phone"]),
        "appraisal": MemberAppraisalFactory(member=member),
        "away": send_away(world.users["root"], member, contact_phone=FULL["phone"]),
    }
    return records


def _leaks(text: str) -> list[str]:
    return [value for value in FULL_VALUES if value in text]


def _serializer_classes(viewset):
    classes = {viewset.serializer_class} if getattr(viewset, "serializer_class", None) else set()
    actions = ["list", "retrieve", "create", "update"] + [a.__name__ for a in viewset.get_extra_actions()]
    for name in actions:
        view = viewset()
        view.action, view.request, view.format_kwarg, view.kwargs = name, None, None, {}
        try:
            classes.add(view.get_serializer_class())
        except Exception:  # noqa: BLE001, S112 - an action whose serializer needs a real request
            continue
    return {cls for cls in classes if cls is not None}


def _personal_sources(serializer, model=None, prefix=""):
    """Every field of a serializer (nested ones too) that reaches a registered personal field."""
    model = getattr(getattr(serializer, "Meta", None), "model", model)
    found = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.Serializer):
            found += _personal_sources(field, None, f"{prefix}{name}.")
        elif personal_kind(model, field.source):
            found.append(f"{prefix}{name}")
    return found


def test_every_router_endpoint_masks_through_the_viewset_base():
    for prefix, viewset, _basename in router.registry:
        assert issubclass(viewset, ScopedQuerysetMixin), prefix


def test_every_serializer_carrying_personal_fields_is_exercised_below():
    models_with_records = {"member", "applicant", "cadre", "reservecadre", "memberappraisal", "awayrecord"}
    for prefix, viewset, basename in router.registry:
        for serializer_class in _serializer_classes(viewset):
            try:
                serializer = serializer_class(context={"request": None})
                sources = _personal_sources(serializer)
            except Exception:  # noqa: BLE001, S112 - serializers that need a request to build their fields
                continue
            if sources:
                assert basename in models_with_records, (prefix, serializer_class.__name__, sources)


@pytest.mark.parametrize("who", WHO)
def test_no_api_answer_carries_a_full_personal_value(world, full_records, who):
    client = world.client(who)
    for prefix, _viewset, basename in router.registry:
        try:
            url = reverse(f"{basename}-list")
        except NoReverseMatch:
            continue
        response = client.get(url)
        body = response.content.decode()
        assert not _leaks(body), (prefix, who)
        if response.status_code != 200:
            continue
        rows = json.loads(body)
        rows = rows.get("results", rows) if isinstance(rows, dict) else rows
        for row in rows[:3] if isinstance(rows, list) else []:
            if isinstance(row, dict) and "id" in row:
                try:
                    detail = client.get(reverse(f"{basename}-detail", args=[row["id"]]))
                except NoReverseMatch:
                    break
                assert not _leaks(detail.content.decode()), (prefix, who, row["id"])


def test_the_walk_sees_the_records(world, full_records):
    listed = world.client("secretary_a1").get(reverse("applicant-list")).json()["results"]
    assert listed and listed[0]["phone"] == "139****5678"


def _export_resources():
    import assessments.resources  # noqa: F401, PLC0415 - every resource class is defined on import
    import branches.resources  # noqa: F401, PLC0415
    import members.resources  # noqa: F401, PLC0415

    found, todo = [], list(ImportableResource.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if getattr(cls._meta, "model", None) is not None:
            found.append(cls)
    return found


def _exported_text(resource, queryset) -> str:
    output, _rows = write_xlsx(resource, queryset, title="t")
    output.seek(0)
    book = load_workbook(BytesIO(output.read()), read_only=True)
    return " ".join(str(cell) for row in book.active.iter_rows(values_only=True) for cell in row if cell)


@pytest.mark.parametrize("who", ["secretary_a1", "viewer_a"])
def test_no_export_carries_a_full_personal_value_for_users_without_unmask(world, full_records, who):
    actor = world.users[who]
    for resource_class in _export_resources():
        resource = resource_class(actor=actor)
        model = resource._meta.model
        queryset = model._default_manager.restrict(actor, "view")
        assert not _leaks(_exported_text(resource, queryset)), resource_class.__name__


def test_exports_of_users_holding_unmask_carry_full_values_and_count_them(world, full_records):
    from members.resources import MemberResource  # noqa: PLC0415

    actor = world.users["county_admin"]
    resource = MemberResource(actor=actor)
    text = _exported_text(resource, resource._meta.model._default_manager.restrict(actor, "view"))
    assert FULL["id_number"] in text and FULL["address"] in text
    assert resource.export_audit_detail()["unmasked_rows"] == 1


def test_the_registry_holds_the_personal_models():
    labels = {model._meta.label_lower for model in registered_models()}
    assert {"members.member", "members.applicant", "members.cadre", "members.reservecadre"} <= labels
    assert personal_fields(registered_models()[0])
