"""Drill pages and charts in words and links: a result's facts with labels and units, each record row a link
to its page where the user has one, and every chart segment leading to the list behind it."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import translation

from assessments.indicators import DETAIL_FACTS
from assessments.indicators import INDICATOR_LABELS
from assessments.indicators import detail_rows
from assessments.models import QuotaResult
from members.models import MeetingKind
from tests.utils.factories_activities import MeetingFactory
from tests.utils.factories_dashboard import YEAR
from tests.utils.factories_dashboard import populate_township
from tests.utils.factories_dashboard import publish
from tests.utils.factories_entry import zh
from tests.utils.factories_records import ReviewRecordFactory

pytestmark = pytest.mark.django_db


def test_every_fact_a_run_keeps_reads_in_words_with_its_unit():
    with translation.override("zh-hans"):
        rows = dict(
            detail_rows({"kind": "theme_day", "points": 3, "share": 50, "vacant": True, "days_left": 9})
        )
        assert rows[zh(DETAIL_FACTS["kind"][0])] == "主题党日"
        assert rows[zh(DETAIL_FACTS["points"][0])] == "3"
        assert rows[zh(DETAIL_FACTS["share"][0])] == zh(DETAIL_FACTS["share"][1]) % {"value": 50}
        assert rows[zh(DETAIL_FACTS["vacant"][0])] == "是"
        assert "theme_day" not in rows.values() and "kind" not in rows and "points" not in rows


def test_a_list_of_indicators_reads_as_their_labels():
    with translation.override("zh-hans"):
        ((_label, text),) = detail_rows({"kinds": ["meet.lecture", "meet.theme_day"]})
    assert text == "党课、主题党日"


def test_an_unknown_fact_is_shown_as_it_is_rather_than_hidden():
    assert detail_rows({"something_new": 7}) == [("something_new", "7")]


def _drill(world, who, code, organization=None):
    url = reverse("assessments:dashboard-drill", args=[(organization or world.branch_a1).pk, code])
    return world.page_client(who).get(url, {"year": YEAR}).content.decode()


def test_the_drill_page_prints_labels_not_keys(world):
    publish(world.township_a, [(world.branch_a1, "meet.theme_day", 12, 2, False)])
    QuotaResult.objects.update(detail={"kind": "theme_day"})
    with translation.override("zh-hans"):
        label = str(DETAIL_FACTS["kind"][0])
    html = _drill(world, "staff_a", "meet.theme_day")
    facts = html[html.index('id="drill-facts"') :].split("</dl>", 1)[0]
    assert label in facts and "主题党日" in facts
    assert ">kind<" not in facts and "theme_day" not in facts


def test_each_record_row_links_to_its_page_for_someone_who_may_change_it(world):
    publish(world.township_a, [(world.branch_a1, "meet.group", 12, 1, False)])
    meeting = MeetingFactory(
        organization=world.branch_a1, kind=MeetingKind.GROUP, held_on=dt.date(YEAR, 3, 1)
    )
    edit = reverse("members:meeting-edit", args=[meeting.pk])
    for who in ("staff_a", "secretary_a1"):
        html = _drill(world, who, "meet.group")
        assert f'<a href="{edit}" class="pb-drill-link">' in html, who
        assert world.page_client(who).get(edit).status_code == 200
    # A viewer has no page to open a meeting on: the row stays text.
    assert edit not in _drill(world, "viewer_a", "meet.group")


def test_a_record_without_its_own_page_links_to_the_admin_for_reviewers_only(world):
    publish(world.township_a, [(world.branch_a1, "review.democratic", 1, 1, True)])
    review = ReviewRecordFactory(
        organization=world.branch_a1, kind="member_review", held_on=dt.date(YEAR, 5, 1)
    )
    admin_page = reverse("admin:branches_reviewrecord_change", args=[review.pk])
    assert admin_page in _drill(world, "staff_a", "review.democratic")
    assert world.page_client("staff_a").get(admin_page).status_code == 200
    assert admin_page not in _drill(world, "secretary_a1", "review.democratic")


def _charts(response) -> dict[str, dict]:
    html = response.content.decode()
    start = html.index('<script id="dashboard-charts" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return {chart["id"]: chart for chart in json.loads(body)}


def _dashboard(world, who, organization):
    url = reverse("assessments:dashboard", args=[organization.pk])
    return world.page_client(who).get(url, {"year": YEAR})


def test_township_chart_segments_lead_to_the_lists_behind_them(world):
    populate_township(world.township_a, [world.branch_a1, world.branch_a2])
    client = world.page_client("staff_a")
    charts = _charts(_dashboard(world, "staff_a", world.township_a))
    quota = charts["chart-quota"]
    green, _amber, red = quota["series"]
    assert "code=" in green["urls"][0] and "met=True" in green["urls"][0] and "met=False" in red["urls"][0]
    category = [item["url"] for item in charts["chart-category"]["data"]]
    assert category and all(f"within={world.township_a.pk}" in url for url in category)
    urls = [
        *green["urls"],
        *red["urls"],
        *category,
        *filter(None, charts["chart-stars"]["series"][0]["urls"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_quota_segment_lists_exactly_its_results(world):
    publish(
        world.township_a,
        [(world.branch_a1, "meet.group", 12, 2, False), (world.branch_a2, "meet.group", 1, 1, True)],
    )
    charts = _charts(_dashboard(world, "staff_a", world.township_a))
    index = charts["chart-quota"]["categories"].index(zh(INDICATOR_LABELS["meet.group"]))
    red_url = charts["chart-quota"]["series"][2]["urls"][index]
    response = world.page_client("staff_a").get(red_url)
    listed = response.context["page"].object_list
    assert [(r.organization_id, r.code) for r in listed] == [(world.branch_a1.pk, "meet.group")]
    # The list names the indicator in words and shows the filter it was opened with.
    html = response.content.decode()
    assert zh(INDICATOR_LABELS["meet.group"]) in html.split("<tbody", 1)[1]
    assert '<option value="meet.group" selected>' in html


def test_county_chart_bars_lead_to_each_townships_page(world):
    charts = _charts(_dashboard(world, "county_admin", world.county))
    members = charts["chart-members"]["series"][0]["urls"]
    assert reverse("assessments:dashboard", args=[world.township_a.pk]) in " ".join(members)
    client = world.page_client("county_admin")
    for chart_id in ("chart-members", "chart-quota", "chart-stars-share", "chart-rooms"):
        for series in charts[chart_id]["series"]:
            for url in series["urls"]:
                assert client.get(url).status_code == 200, (chart_id, url)
