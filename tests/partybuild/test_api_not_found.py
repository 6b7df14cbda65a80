"""A record the API cannot find answers in the user's language, the same whether it does not exist or lies
outside the user's scope."""

import pytest
from django.urls import reverse

from tests.utils.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_missing_and_a_foreign_member_answer_the_same_chinese_404(world):
    foreign = MemberFactory(branch=world.branch_b1)
    client = world.client("staff_a")
    answers = [
        client.get(reverse("member-detail", args=[pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
        for pk in (foreign.pk, foreign.pk + 1000)
    ]
    assert [answer.status_code for answer in answers] == [404, 404]
    assert answers[0].json() == answers[1].json() == {"detail": "未找到。"}
