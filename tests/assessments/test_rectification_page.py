"""The page of one rectification (/rectifications/<pk>/): scope, what it shows, and the steps each role may
take at each status, each posted to its own URL through the service."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Rectification
from assessments.models import RectificationNote
from assessments.models import RectificationStatus
from assessments.services.rectifications import rectification_request_close
from assessments.services.rectifications import rectification_verify
from tests.utils.factories_assessments import RectificationFactory
from tests.utils.factories_assessments import RectificationNoteFactory
from tests.utils.factories_assessments import instructor

pytestmark = pytest.mark.django_db

OPEN = RectificationStatus.OPEN
CLOSE_REQUESTED = RectificationStatus.CLOSE_REQUESTED
VERIFIED = RectificationStatus.VERIFIED
TODAY = timezone.localdate


def page_url(rectification):
    return reverse("assessments:rectification-detail", args=[rectification.pk])


def step_url(rectification, step):
    return reverse(f"assessments:rectification-{step}", args=[rectification.pk])


@pytest.fixture
def rectification(world):
    return RectificationFactory(
        organization=world.branch_a1,
        instructor=instructor(world.branch_a2),
        reasons=[{"code": "unrated", "message": "本年度未评星"}],
    )


def at_status(rectification, status):
    Rectification.objects.filter(pk=rectification.pk).update(status=status)
    rectification.refresh_from_db()
    return rectification


def post(world, who, rectification, step, data):
    prefixed = {f"{step}-{name}": value for name, value in data.items()}
    return world.page_client(who).post(step_url(rectification, step), prefixed)


# --- scope ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_b", "nobody"])
def test_out_of_scope_is_404_for_the_page_and_every_step(world, rectification, who):
    client = world.page_client(who)
    assert client.get(page_url(rectification)).status_code == 404
    for step in ("note", "request-close", "verify", "reopen"):
        assert client.post(step_url(rectification, step), {}).status_code == 404
    assert client.get(reverse("assessments:rectification-edit", args=[rectification.pk])).status_code in {
        403,
        404,
    }


def test_another_countys_rectification_is_404_for_a_county_admin(world):
    foreign = RectificationFactory(organization=world.branch_z1)
    assert world.page_client("county_admin").get(page_url(foreign)).status_code == 404


def test_the_anonymous_are_sent_to_log_in(client, rectification):
    response = client.get(page_url(rectification))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- what the page shows --------------------------------------------------------------------------------


def test_the_page_shows_the_fields_the_reasons_in_words_and_the_notes_in_order(world, rectification):
    later = RectificationNoteFactory(rectification=rectification, written_on=TODAY(), text="整改后复查")
    earlier = RectificationNoteFactory(
        rectification=rectification, written_on=TODAY() - dt.timedelta(days=30), text="召开支部党员大会"
    )
    response = world.page_client("viewer_a").get(page_url(rectification))
    body = response.content.decode()
    assert response.status_code == 200
    assert "本年度未评星" in body and rectification.plan in body and rectification.instructor.name in body
    assert body.index(earlier.text) < body.index(later.text)
    assert [note.pk for note in response.context["notes"]] == [earlier.pk, later.pk]


def test_the_history_names_each_step_with_who_took_it(world, rectification):
    rectification_request_close(actor=world.users["staff_a"], rectification=rectification, summary="完成")
    rectification_verify(actor=world.users["county_admin"], rectification=rectification, verified_on=TODAY())
    response = world.page_client("secretary_a1").get(page_url(rectification))
    history = response.context["history"]
    assert [step["key"] for step in history] == ["opened", "close_requested", "verified"]
    assert [step["by"] for step in history[1:]] == [
        world.users["staff_a"].get_full_name(),
        world.users["county_admin"].get_full_name(),
    ]
    body = response.content.decode()
    assert "验收销号" in body and 'data-status="verified"' in body


# --- which steps each role is offered at each status ------------------------------------------------------

OFFERED = {
    # (status, who): the steps shown, "edit" for the edit link
    (OPEN, "staff_a"): {"edit", "note", "request-close"},
    (OPEN, "county_admin"): {"edit", "note", "request-close"},
    (OPEN, "secretary_a1"): {"note"},
    (OPEN, "viewer_a"): set(),
    (CLOSE_REQUESTED, "staff_a"): {"note"},
    (CLOSE_REQUESTED, "county_admin"): {"note", "verify", "reopen"},
    (CLOSE_REQUESTED, "secretary_a1"): {"note"},
    (CLOSE_REQUESTED, "viewer_a"): set(),
    (VERIFIED, "staff_a"): set(),
    (VERIFIED, "county_admin"): {"reopen"},
    (VERIFIED, "secretary_a1"): set(),
    (VERIFIED, "viewer_a"): set(),
}


@pytest.mark.parametrize(("status", "who"), sorted(OFFERED))
def test_each_role_is_offered_the_steps_it_may_take_at_the_status(world, rectification, status, who):
    at_status(rectification, status)
    response = world.page_client(who).get(page_url(rectification))
    shown = {box["step"].name for box in response.context["steps"]}
    if response.context["edit_url"]:
        shown.add("edit")
    assert shown == OFFERED[(status, who)]


REFUSED = [
    ("note", "viewer_a", {"written_on": "2026-01-01", "text": "x"}),
    ("request-close", "secretary_a1", {"summary": "完成"}),
    ("request-close", "viewer_a", {"summary": "完成"}),
    ("verify", "staff_a", {"verified_on": "2026-01-01"}),
    ("verify", "secretary_a1", {"verified_on": "2026-01-01"}),
    ("reopen", "staff_a", {"reason": "回潮"}),
]


@pytest.mark.parametrize(("step", "who", "data"), REFUSED)
def test_a_step_the_role_may_not_take_is_refused_and_changes_nothing(world, rectification, step, who, data):
    at_status(rectification, CLOSE_REQUESTED if step in {"verify", "reopen"} else OPEN)
    before = Rectification.objects.get(pk=rectification.pk)
    response = post(world, who, rectification, step, data)
    assert response.status_code == 403
    after = Rectification.objects.get(pk=rectification.pk)
    assert (after.status, after.version) == (before.status, before.version)
    assert not RectificationNote.objects.exists()


def test_a_township_users_verify_is_refused(world, rectification):
    at_status(rectification, CLOSE_REQUESTED)
    response = post(world, "staff_a", rectification, "verify", {"verified_on": TODAY().isoformat()})
    assert response.status_code == 403
    assert Rectification.objects.get(pk=rectification.pk).status == CLOSE_REQUESTED


@pytest.mark.parametrize(
    ("status", "step", "who", "data"),
    [
        (OPEN, "verify", "county_admin", {"verified_on": "TODAY"}),
        (OPEN, "reopen", "county_admin", {"reason": "回潮"}),
        (CLOSE_REQUESTED, "request-close", "staff_a", {"summary": "再次申请"}),
        (VERIFIED, "note", "secretary_a1", {"written_on": "TODAY", "text": "补记"}),
    ],
)
def test_a_step_at_the_wrong_status_shows_the_services_message(world, rectification, status, step, who, data):
    at_status(rectification, status)
    data = {name: TODAY().isoformat() if value == "TODAY" else value for name, value in data.items()}
    response = post(world, who, rectification, step, data)
    assert response.status_code == 200
    [box] = [box for box in response.context["steps"] if box["step"].name == step]
    assert box["form"].non_field_errors() or box["form"].errors
    assert 'id="error-summary"' in response.content.decode()
    assert Rectification.objects.get(pk=rectification.pk).status == status


# --- the steps themselves -------------------------------------------------------------------------------


def test_the_secretary_adds_a_progress_note(world, rectification):
    response = post(
        world, "secretary_a1", rectification, "note", {"written_on": TODAY(), "text": "完成支委换届"}
    )
    assert response.status_code == 302 and response["Location"] == page_url(rectification)
    note = RectificationNote.objects.get()
    assert (note.text, note.author) == ("完成支委换届", world.users["secretary_a1"])


def test_a_note_in_the_future_and_without_text_gets_both_errors_in_one_round(world, rectification):
    tomorrow = (TODAY() + dt.timedelta(days=1)).isoformat()
    response = post(world, "secretary_a1", rectification, "note", {"written_on": tomorrow, "text": " "})
    [box] = response.context["steps"][:1]
    assert set(box["form"].errors) == {"written_on", "text"}
    assert len(box["error_summary"]) == 2
    assert not RectificationNote.objects.exists()


def test_the_township_requests_the_close_and_the_county_verifies_it(world, rectification):
    response = post(world, "staff_a", rectification, "request-close", {"summary": "班子配齐", "version": 1})
    assert response.status_code == 302
    assert Rectification.objects.get(pk=rectification.pk).status == CLOSE_REQUESTED
    response = post(world, "county_admin", rectification, "verify", {"verified_on": TODAY(), "version": 2})
    assert response.status_code == 302
    verified = Rectification.objects.get(pk=rectification.pk)
    assert (verified.status, verified.verified_by) == (VERIFIED, world.users["county_admin"])


def test_a_verification_date_in_the_future_is_said_beside_the_field(world, rectification):
    at_status(rectification, CLOSE_REQUESTED)
    tomorrow = TODAY() + dt.timedelta(days=1)
    response = post(world, "county_admin", rectification, "verify", {"verified_on": tomorrow})
    [box] = [box for box in response.context["steps"] if box["step"].name == "verify"]
    assert "verified_on" in box["form"].errors
    assert Rectification.objects.get(pk=rectification.pk).status == CLOSE_REQUESTED


def test_a_stale_step_shows_the_conflict_and_changes_nothing(world, rectification):
    rectification_request_close(actor=world.users["staff_a"], rectification=rectification, summary="完成")
    response = post(world, "county_admin", rectification, "reopen", {"reason": "回潮", "version": 1})
    assert response.status_code == 200
    [box] = [box for box in response.context["steps"] if box["step"].name == "reopen"]
    assert box["conflict"] and world.users["staff_a"].get_full_name() in box["conflict"]
    assert 'id="conflict"' in response.content.decode()
    assert Rectification.objects.get(pk=rectification.pk).status == CLOSE_REQUESTED


def test_reopening_needs_a_reason_and_keeps_it_as_a_note(world, rectification):
    at_status(rectification, VERIFIED)
    empty = post(world, "county_admin", rectification, "reopen", {"reason": ""})
    assert "reason" in empty.context["steps"][-1]["form"].errors
    assert post(world, "county_admin", rectification, "reopen", {"reason": "问题回潮"}).status_code == 302
    assert Rectification.objects.get(pk=rectification.pk).status == OPEN
    assert "问题回潮" in RectificationNote.objects.get().text


def test_a_step_is_posted_only(world, rectification):
    assert world.page_client("staff_a").get(step_url(rectification, "note")).status_code == 405
