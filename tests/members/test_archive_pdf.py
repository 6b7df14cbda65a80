"""The member archive as a PDF: Chinese text with its font embedded, A4, masked like an export (full values
only for users holding ``unmask`` on the branch) and logged like one."""

import io

import pypdf
import pytest
from django.urls import reverse
from django.utils import translation

from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from tests.utils.factories import MemberFactory
from tests.utils.factories_archive import FULL_ADDRESS
from tests.utils.factories_archive import FULL_PHONE
from tests.utils.factories_archive import member_with_history

pytestmark = pytest.mark.django_db


def download(world, who, member):
    response = world.page_client(who).get(reverse("members:member-archive-pdf", args=[member.pk]))
    assert response.status_code == 200, who
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    reader = pypdf.PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return reader, "\n".join(page.extract_text() for page in reader.pages).replace(" ", "")


def test_the_pdf_holds_the_members_name_in_chinese_on_a4_with_the_font_embedded(world):
    member = member_with_history(world.branch_a1, world.branch_a2, 2, name="张建国")
    with translation.override("zh-hans"):
        reader, text = download(world, "secretary_a1", member)
    assert "张建国" in text and world.branch_a1.name in text and "工作调动" in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("NotoSansSC" in name.replace("-", "") for name in fonts), fonts


@pytest.mark.parametrize(
    ("who", "unmasked"), [("secretary_a1", False), ("viewer_a", False), ("staff_a", True)]
)
def test_personal_fields_are_masked_unless_the_reader_may_unmask_and_the_download_is_logged(
    world, who, unmasked
):
    member = MemberFactory(branch=world.branch_a1, name="李秀英", phone=FULL_PHONE, address=FULL_ADDRESS)
    _reader, text = download(world, who, member)
    assert (member.id_number in text) is unmasked and (FULL_PHONE in text) is unmasked
    assert (member.masked_id_number in text) is not unmasked
    (event,) = SecurityEvent.objects.filter(kind=SecurityEventKind.EXPORT)
    assert event.user == world.users[who] and event.organization == world.branch_a1
    detail = {"model": "members.member", "record": member.pk, "format": "pdf", "rows": 1}
    assert event.detail == {**detail, "unmasked_rows": int(unmasked)}


def test_a_member_outside_the_scope_has_no_pdf_and_nothing_is_logged(world):
    foreign = MemberFactory(branch=world.branch_b1)
    url = reverse("members:member-archive-pdf", args=[foreign.pk])
    assert world.page_client("secretary_a1").get(url).status_code == 404
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.EXPORT).exists()
