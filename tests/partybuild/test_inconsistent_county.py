"""A county built through the API, then every kind of record that would contradict it, sent as a careful
client would: each is refused with a Chinese message on the field at fault, and nothing is written
(docs/records.md)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from members.models import Applicant
from members.models import Cadre
from members.models import Meeting
from members.models import Member
from members.models import MemberEvent
from members.models import Training
from members.models import VisitLog
from tests.utils.factories import id_number_for

pytestmark = pytest.mark.django_db

D = dt.date
CHINESE = re.compile(r"[\u4e00-\u9fff]")
RECORDS = (Member, MemberEvent, Meeting, Training, VisitLog, Cadre, Applicant)


class County:
    """One township with two village branches, their members, a secretary's post and a few records, each
    made through the API as the county administrator."""

    def __init__(self, world):
        self.api = world.client("county_admin")
        township = self.created("organization-list", name="北镇党委", code="N01", kind="township_committee",
                                parent=world.county.pk)  # fmt: skip
        self.b = self.created("organization-list", name="北一村党支部", code="N0101", kind="branch",
                              field="village", parent=township["id"])  # fmt: skip
        self.c = self.created("organization-list", name="北二村党支部", code="N0102", kind="branch",
                              field="village", parent=township["id"])  # fmt: skip
        self.mover = self.member("王明", D(1980, 3, 1), 11, self.b)
        self.stayer = self.member("赵丽", D(1985, 6, 2), 12, self.c)
        self.secretary = self.member("钱军", D(1975, 9, 9), 13, self.c)
        transfer = reverse("member-transfer", args=[self.mover["id"]])
        moved = self.api.post(transfer, {"to_branch": self.c["id"], "on": "2024-06-19"}, format="json")
        assert moved.status_code == 200, moved.content
        self.post = self.created("cadre-list", organization=self.c["id"], post="secretary",
                                 member=self.secretary["id"], started_on="2021-01-15")  # fmt: skip
        self.theme_day = self.created("meeting-list", organization=self.c["id"], kind="theme_day",
                                      held_on="2024-07-01", topic="学党章",
                                      attendees=[self.mover["id"]])  # fmt: skip
        self.visit = self.created("visitlog-list", cadre=self.post["id"], household_name="孙家",
                                  visited_on="2024-07-02", concerns="饮水")  # fmt: skip
        self.applicant = self.created("applicant-list", branch=self.c["id"], name="李华",
                                      id_number=id_number_for(D(1999, 1, 1), 22), education="bachelor",
                                      occupation="farmer", applied_on="2024-01-05")  # fmt: skip

    def created(self, route: str, **payload) -> dict:
        response = self.api.post(reverse(route), payload, format="json")
        assert response.status_code == 201, (route, response.content)
        return response.json()

    def member(self, name, birth, sequence, branch, **extra) -> dict:
        return self.created("member-list", **member_payload(name, birth, sequence, branch["id"], **extra))


def member_payload(name, birth, sequence, branch_id, **extra) -> dict:
    return {
        "name": name,
        "id_number": id_number_for(birth, sequence),
        "education": "junior_high",
        "category": "full",
        "branch": branch_id,
        "joined_on": "2010-07-01",
        "confirmed_on": "2011-07-01",
        "occupation": "farmer",
        **extra,
    }


def contradictions(county: County) -> dict:
    """Each: (method, url, payload, request format, the field the message must sit on)."""
    c = county.c["id"]
    female_number = id_number_for(D(1990, 1, 1), 2)  # an even sequence digit: a woman
    return {
        "gender against the ID number": (
            "post", reverse("member-list"),
            member_payload("周红", D(1990, 1, 1), 2, c) | {"id_number": female_number, "gender": "male"},
            "json", "gender",
        ),
        "joined the party at 10": (
            "post", reverse("member-list"),
            member_payload("吴刚", D(2000, 5, 5), 31, c, joined_on="2010-05-05", confirmed_on="2011-05-05"),
            "json", "joined_on",
        ),
        "confirmed three months after joining": (
            "post", reverse("member-list"),
            member_payload("郑强", D(1970, 1, 1), 33, c, joined_on="2010-07-01", confirmed_on="2010-10-01"),
            "json", "confirmed_on",
        ),
        "applicant's birth date against the ID number": (
            "post", reverse("applicant-list"),
            {"branch": c, "name": "冯梅", "id_number": id_number_for(D(1998, 2, 2), 24),
             "birth_date": "1998-02-03", "education": "bachelor", "occupation": "farmer",
             "applied_on": "2024-01-05"},
            "json", "birth_date",
        ),
        "a form-encoded year 9551": (
            "post", reverse("applicant-list"),
            {"branch": c, "name": "陈晨", "id_number": id_number_for(D(1998, 2, 2), 26),
             "education": "bachelor", "occupation": "farmer", "applied_on": "9551-01-05"},
            "multipart", "applied_on",
        ),
        "attendance before the member came to the branch": (
            "post", reverse("meeting-list"),
            {"organization": c, "kind": "assembly", "held_on": "2024-03-26", "topic": "一季度党员大会",
             "attendees": [county.mover["id"]]},
            "json", "attendees",
        ),
        "the same theme day again": (
            "post", reverse("meeting-list"),
            {"organization": c, "kind": "theme_day", "held_on": "2024-07-01", "topic": "学党章"},
            "json", "topic",
        ),
        "the same visit again": (
            "post", reverse("visitlog-list"),
            {"cadre": county.post["id"], "household_name": "孙家", "visited_on": "2024-07-02",
             "concerns": "饮水"},
            "json", "household_name",
        ),
        "a pipeline fact edited around its step": (
            "patch", reverse("applicant-detail", args=[county.applicant["id"]]),
            {"applied_on": "2024-02-01"},
            "json", "applied_on",
        ),
    }  # fmt: skip


def snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in RECORDS}


@pytest.mark.parametrize(
    "case",
    [
        "gender against the ID number",
        "joined the party at 10",
        "confirmed three months after joining",
        "applicant's birth date against the ID number",
        "a form-encoded year 9551",
        "attendance before the member came to the branch",
        "the same theme day again",
        "the same visit again",
        "a pipeline fact edited around its step",
    ],
)
def test_each_contradiction_is_refused_in_chinese_and_writes_nothing(world, case):
    county = County(world)
    method, url, payload, request_format, field = contradictions(county)[case]
    before = snapshot()

    response = getattr(county.api, method)(
        url, payload, format=request_format, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 400, response.content
    messages = response.json()[field]
    assert messages and all(CHINESE.search(message) for message in messages), messages
    assert snapshot() == before


def test_the_county_itself_is_consistent(world):
    """The records the contradictions are measured against were all accepted, with the mover on C's roll
    from the day of his transfer."""
    county = County(world)
    meeting = Meeting.objects.get(pk=county.theme_day["id"])
    assert meeting.members_expected == 3
    assert list(meeting.attendees.values_list("name", flat=True)) == ["王明"]
