"""The transfer letter pages (docs/transfers.md): issuing from the archive, registering a received letter,
the letter's page with the steps its branch may record, the PDF with its stub, and the role table (out of
scope 404, a viewer sees no step)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from members.models import LetterStatus
from members.models import Member
from members.models import MemberStatus
from members.models import TransferLetter
from tests.utils.factories import MemberFactory
from tests.utils.factories import id_number_for
from tests.utils.factories_entry import field_errors
from tests.utils.factories_transfers import letter_row

pytestmark = pytest.mark.django_db


def today():
    """The server's today, read when the test runs (a run may cross midnight in the county's time zone)."""
    return timezone.localdate()


def page(letter):
    return reverse("members:transferletter-detail", args=[letter.pk])


def test_a_secretary_issues_a_letter_from_the_archive(world):
    member = MemberFactory(branch=world.branch_a1, name="李外出")
    client = world.page_client("secretary_a1")
    archive = client.get(reverse("members:member-archive", args=[member.pk])).content.decode()
    url = reverse("members:member-transfer-letter", args=[member.pk])
    assert url in archive
    data = {
        "to_organization_name": "外省某市某村党支部",
        "issued_on": today().isoformat(),
        "dues_paid_up_to": today().strftime("%Y-%m"),
    }
    response = client.post(url, data)
    letter = TransferLetter.objects.get(member=member)
    assert response.status_code == 302 and response["Location"] == page(letter)
    assert (letter.valid_days, letter.status) == (30, LetterStatus.ISSUED)
    member.refresh_from_db()
    assert member.status == MemberStatus.NORMAL


def test_issuing_shows_every_error_at_once_and_writes_nothing(world):
    member = MemberFactory(branch=world.branch_a1)
    client = world.page_client("secretary_a1")
    data = {"to_organization_name": "", "issued_on": "2026-01-15", "valid_days": "91", "dues_paid_up_to": ""}
    response = client.post(reverse("members:member-transfer-letter", args=[member.pk]), data)
    assert response.status_code == 200
    for name in ("to_organization_name", "valid_days", "dues_paid_up_to"):
        assert field_errors(response, name), name
    assert not TransferLetter.objects.exists()


def test_the_letter_page_offers_its_branch_the_steps_and_a_viewer_none(world):
    letter = letter_row(world.branch_a1, issued_on=today())
    body = world.page_client("secretary_a1").get(page(letter)).content.decode()
    for step in ("deliver", "confirm", "cancel", "pdf"):
        assert reverse(f"members:transferletter-{step}", args=[letter.pk]) in body
    body = world.page_client("viewer_a").get(page(letter)).content.decode()
    assert reverse("members:transferletter-confirm", args=[letter.pk]) not in body
    assert reverse("members:transferletter-pdf", args=[letter.pk]) in body
    confirm = reverse("members:transferletter-confirm", args=[letter.pk])
    assert world.page_client("viewer_a").get(confirm).status_code in {403, 404}


def test_a_letter_of_another_township_is_404(world):
    letter = letter_row(world.branch_b1)
    client = world.page_client("secretary_a1")
    assert client.get(page(letter)).status_code == 404
    assert client.get(reverse("members:transferletter-pdf", args=[letter.pk])).status_code == 404
    assert client.get(reverse("members:transferletter-deliver", args=[letter.pk])).status_code == 404


def test_recording_delivery_takes_the_member_off_the_roll(world):
    letter = letter_row(world.branch_a1, issued_on=today())
    client = world.page_client("secretary_a1")
    url = reverse("members:transferletter-deliver", args=[letter.pk])
    response = client.post(url, {"on": today().isoformat(), "version": letter.version})
    assert response.status_code == 302 and response["Location"] == page(letter)
    letter.refresh_from_db()
    letter.member.refresh_from_db()
    assert letter.status == LetterStatus.DELIVERED
    assert letter.member.status == MemberStatus.TRANSFERRED_OUT


def test_a_delivery_after_the_validity_is_shown_beside_the_date(world):
    letter = letter_row(world.branch_a1, issued_on=dt.date(2026, 3, 1))
    response = world.page_client("secretary_a1").post(
        reverse("members:transferletter-deliver", args=[letter.pk]), {"on": "2026-04-01"}
    )
    assert response.status_code == 200 and field_errors(response, "on")


def test_registering_a_received_letter_creates_the_member_on_the_roll(world):
    client = world.page_client("secretary_a1")
    url = reverse("members:transferletter-receive")
    assert url in client.get(reverse("members:transferletter-list")).content.decode()
    data = {
        "to_organization": world.branch_a1.pk,
        "number": "外-88",
        "from_organization_name": "某县某村党支部",
        "issued_on": (today() - dt.timedelta(days=3)).isoformat(),
        "dues_paid_up_to": today().strftime("%Y-%m"),
        "accepted_on": today().isoformat(),
        "name": "张转入",
        "id_number": id_number_for(dt.date(1990, 2, 3), 21),
        "ethnicity": "汉族",
        "education": "bachelor",
        "category": "full",
        "joined_on": "2012-07-01",
        "confirmed_on": "2013-07-01",
        "occupation": "enterprise",
    }
    response = client.post(url, data)
    letter = TransferLetter.objects.get(number="外-88")
    assert response.status_code == 302 and response["Location"] == page(letter)
    assert Member.objects.get(name="张转入").branch == world.branch_a1


def test_the_pdf_holds_the_letter_and_its_stub_in_chinese_on_a4(world):
    letter = letter_row(world.branch_a1, member=MemberFactory(branch=world.branch_a1, name="王介绍"))
    response = world.page_client("secretary_a1").get(reverse("members:transferletter-pdf", args=[letter.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(__import__("io").BytesIO(b"".join(response.streaming_content)))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "存根" in text and "王介绍" in text and letter.number in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert len(reader.pages) == 1
