"""The dashboards' charts (ECharts options, templates/assessments/dashboard): the township's and the county's,
each bar and slice linking to the list of the records behind it."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

STATUS_COLOURS = {"green": "#198754", "amber": "#ffc107", "red": "#dc3545", "none": "#adb5bd"}


def _list_url(name: str, **params) -> str:
    """A list page filtered to the segment of a chart (the chart's click leads there)."""
    return f"{reverse(name)}?{urlencode(params)}"


def _pie(chart_id, title, values: dict, labels: dict, urls=None) -> dict:
    """``urls(key)``: where a click on the segment of ``key`` leads (None: nowhere)."""
    return {
        "id": chart_id,
        "type": "pie",
        "title": title,
        "data": [
            {"name": labels.get(key, key), "value": value, "url": urls(key) if urls else None}
            for key, value in values.items()
            if value
        ],
    }


def _bar(chart_id, title, categories, series, *, stacked=False, horizontal=False, mark=None) -> dict:
    """Each series may carry ``urls``, one per category: where a click on that bar leads."""
    return {
        "id": chart_id,
        "type": "bar",
        "title": title,
        "categories": categories,
        "series": series,
        "stacked": stacked,
        "horizontal": horizontal,
        "mark": mark,
    }


def _status_series(labels, rows, urls=None) -> list[dict]:
    """``urls(row, met)``: the quota results behind one bar segment (green: met; amber, red: not met)."""
    return [
        {
            "name": labels["statuses"][status],
            "color": STATUS_COLOURS[status],
            "data": [row[status] for row in rows],
            "urls": [urls(row, status == "green") for row in rows] if urls else None,
        }
        for status in ("green", "amber", "red")
    ]


def _member_charts(summary, labels, organization) -> list[dict]:
    ages = summary["members_by_age"]
    education = summary["members_by_education"]
    stars = summary["stars"]
    star_keys = ["5", "4", "3", "0", "unrated"]
    within, year = organization.pk, summary.get("year")

    def members(field):
        return lambda key: _list_url("members:member-list", within=within, **{field: key})

    def rated(key):
        if key not in ("5", "4", "3") or year is None:
            return None
        return _list_url("assessments:starrating-list", within=within, year=year, stars=key)

    return [
        _pie("chart-fields", _("Branches by field"), summary["branches_by_field"], labels["fields"]),
        _pie(
            "chart-category",
            _("Members by category"),
            summary["members_by_category"],
            labels["categories"],
            members("category"),
        ),
        _pie(
            "chart-gender",
            _("Members by gender"),
            summary["members_by_gender"],
            labels["genders"],
            members("gender"),
        ),
        _bar(
            "chart-age",
            _("Members by age"),
            [labels["ages"][k] for k in ages],
            [{"name": _("Members"), "data": list(ages.values())}],
        ),  # fmt: skip
        _bar(
            "chart-education",
            _("Members by education"),
            [labels["education"][k] for k in education],
            [
                {
                    "name": _("Members"),
                    "data": list(education.values()),
                    "urls": [members("education")(k) for k in education],
                }
            ],
            horizontal=True,
        ),  # fmt: skip
        _bar(
            "chart-stars",
            _("Star ratings"),
            [labels["stars"][k] for k in star_keys],
            [
                {
                    "name": _("Branches"),
                    "data": [stars[k] for k in star_keys],
                    "urls": [rated(k) for k in star_keys],
                }
            ],
        ),  # fmt: skip
    ]


def township_charts(data, organization, year) -> list[dict]:
    labels, codes = data["labels"], data["quota_table"]["codes"]

    def results(column, met):
        return _list_url(
            "assessments:quotaresult-list", within=organization.pk, year=year, code=column["code"], met=met
        )

    return [
        *_member_charts({**data["summary"], "year": year}, labels, organization),
        _bar(
            "chart-quota",
            _("Quota progress by indicator"),
            [c["label"] for c in codes],
            _status_series(labels, codes, results),
            stacked=True,
            horizontal=True,
        ),  # fmt: skip
    ]


def county_charts(data, organization, year) -> list[dict]:
    labels, townships = data["labels"], data["townships"]
    names = [row["organization"]["name"] for row in townships]
    ids = [row["organization"]["id"] for row in townships]
    summary = data["summary"]
    dashboards = [f"{reverse('assessments:dashboard', args=[pk])}?year={int(year)}" for pk in ids]
    ratings = [_list_url("assessments:starrating-list", within=pk, year=year) for pk in ids]
    rooms = [_list_url("branches:activityroom-list", within=pk, is_standardized="true") for pk in ids]

    def results(row, met):
        return _list_url("assessments:quotaresult-list", within=row["id"], year=year, met=met)

    quota_rows = [{**row["quota"], "id": row["organization"]["id"]} for row in townships]
    return [
        _bar(
            "chart-members",
            _("Members and new members by township"),
            names,
            [
                {"name": _("Members"), "data": [row["members"] for row in townships], "urls": dashboards},
                {
                    "name": _("New members this year"),
                    "data": [row["new_members"] for row in townships],
                    "urls": dashboards,
                },
            ],
        ),  # fmt: skip
        _bar(
            "chart-quota",
            _("Quota results by township"),
            names,
            _status_series(labels, quota_rows, results),
            stacked=True,
        ),  # fmt: skip
        _bar(
            "chart-stars-share",
            _("Share of branches at three stars or more (%)"),
            names,
            [{"name": _("Share (%)"), "data": [row["stars_share"] for row in townships], "urls": ratings}],
            mark={"name": _("County target"), "value": summary["stars_target"]},
        ),  # fmt: skip
        _bar(
            "chart-reserve",
            _("Villages with a reserve cadre aged 35 or under (%)"),
            names,
            [
                {
                    "name": _("Share (%)"),
                    "data": [row["reserve"]["share"] for row in townships],
                    "urls": dashboards,
                }
            ],
        ),  # fmt: skip
        _bar(
            "chart-rooms",
            _("Standardized activity rooms against target"),
            names,
            [
                {
                    "name": _("Standardized"),
                    "data": [row["rooms"]["standardized"] for row in townships],
                    "urls": rooms,
                },
                {"name": _("Target"), "data": [row["rooms"]["target"] for row in townships], "urls": rooms},
            ],
        ),  # fmt: skip
        *_member_charts({**summary, "year": year}, labels, organization),
    ]
