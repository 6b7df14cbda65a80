"""The audit page in words: a security event's detail and a change's values with labels, not keys and ids."""

import pytest
from django.urls import reverse
from django.utils import translation

from branches.models import SecurityEventKind
from branches.scope.roles import Role
from branches.selectors.audit_detail import DETAIL_LABELS
from branches.selectors.audit_detail import security_event_detail_rows
from branches.services import organization_update
from branches.services import security_event_record
from branches.services import staff_role_grant
from tests.utils.factories import UserFactory
from tests.utils.factories_entry import zh

pytestmark = pytest.mark.django_db


def test_a_role_grant_reads_as_who_got_which_role():
    with translation.override("zh-hans"):
        rows = dict(security_event_detail_rows({"grantee": "li", "role": "branch_secretary"}))
    assert rows == {
        zh(DETAIL_LABELS["grantee"]): "li",
        zh(DETAIL_LABELS["role"]): zh(Role.BRANCH_SECRETARY.label),
    }


def test_the_fields_unmasked_read_as_the_fields_labels():
    with translation.override("zh-hans"):
        rows = dict(security_event_detail_rows({"model": "members.member", "record": 7, "fields": ["phone"]}))
        from members.models import Member

        assert rows[str(DETAIL_LABELS["model"])] == str(Member._meta.verbose_name)
        assert rows[str(DETAIL_LABELS["fields"])] == str(Member._meta.get_field("phone").verbose_name)


def test_a_policy_events_other_fields_read_as_their_labels_and_choices():
    with translation.override("zh-hans"):
        rows = dict(
            security_event_detail_rows({"model": "evaluation_cycle", "year": 2025, "state": "closed"})
        )
        from assessments.models import CycleState
        from assessments.models import EvaluationCycle

        state = EvaluationCycle._meta.get_field("state")
        assert rows[str(DETAIL_LABELS["model"])] == str(EvaluationCycle._meta.verbose_name)
        assert rows[str(state.verbose_name)] == str(CycleState.CLOSED.label)
        assert "state" not in rows


def test_an_unknown_key_is_shown_as_it_is():
    assert security_event_detail_rows({"new_key": 1}) == [("new_key", "1")]


def test_the_events_tab_prints_labels_not_keys(world):
    user = UserFactory(username="li")
    staff_role_grant(
        actor=world.users["county_admin"], user=user, organization=world.branch_a1, role=Role.VIEWER
    )
    security_event_record(
        kind=SecurityEventKind.EXPORT, user=world.users["staff_a"], detail={"via": "api_token"}
    )
    page = world.page_client("county_admin").get(reverse("branches:audit")).content.decode()
    assert "grantee=" not in page and "role=viewer" not in page and "via=" not in page
    assert zh(Role.VIEWER.label) in page or str(Role.VIEWER.label) in page


def test_the_history_tab_names_the_organization_a_record_points_at(world):
    organization_update(
        actor=world.users["county_admin"], organization=world.branch_a1, parent=world.township_b
    )
    page = (
        world.page_client("county_admin").get(reverse("branches:audit"), {"tab": "history"}).content.decode()
    )
    assert "→ 西镇党委" in page and "东镇党委" in page
