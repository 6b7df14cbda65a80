"""ChoiceLabelField: the label of a choices field, as get_FOO_display gives it, in the request's language."""

from django.utils import translation
from rest_framework import serializers

from members.models import Cadre
from members.models import CadrePost
from members.models import Education
from members.models import Member
from partybuild.serializer_fields import ChoiceLabelField


class MemberLabels(serializers.Serializer):
    education_display = ChoiceLabelField("education")


class CadreLabels(serializers.Serializer):
    member_education = ChoiceLabelField("member.education")
    post_display = ChoiceLabelField("post")


def test_the_label_is_the_one_get_display_gives_in_each_language():
    member = Member(education=Education.JUNIOR_HIGH)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            shown = MemberLabels(member).data["education_display"]
            assert shown == member.get_education_display()
    with translation.override("zh-hans"):
        assert MemberLabels(member).data["education_display"] != Education.JUNIOR_HIGH.value


def test_a_value_outside_the_choices_is_shown_as_it_is_like_get_display():
    member = Member(education="not-a-choice")
    assert MemberLabels(member).data["education_display"] == "not-a-choice" == member.get_education_display()


def test_a_dotted_path_follows_the_relation_and_a_missing_one_gives_none():
    cadre = Cadre(post=CadrePost.SECRETARY, member=Member(education=list(Education)[-1]))
    data = CadreLabels(cadre).data
    assert data["member_education"] == cadre.member.get_education_display()
    assert data["post_display"] == cadre.get_post_display()
    assert CadreLabels(Cadre(post=CadrePost.SECRETARY)).data["member_education"] is None
