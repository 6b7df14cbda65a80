"""The quota indicators people read about, typed once: each code of docs/quotas.md with the label the branch
page, the dashboards and the rating proposal show, and the five-good dimension its result counts towards
(docs/ratings-and-evaluation.md). The proposal's code-to-dimension map and the quota engine's meeting kinds
are derived from this list."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.models import MeetingKind

from .models import DIMENSIONS


@dataclass(frozen=True)
class Indicator:
    code: str
    label: Promise
    dimension: str | None = None  # a branch's five-good dimension; None: counts towards none


# Within a dimension, in the order the proposal lists them.
INDICATORS = (
    Indicator("train.secretary", _("The branch secretary attended centralized training"), "leadership"),
    Indicator("study.village.sessions", _("Study sessions of the secretary"), "leadership"),
    Indicator("study.village.notes", _("Study notes of the secretary"), "leadership"),
    Indicator("study.village.articles", _("Articles written by the secretary"), "leadership"),
    Indicator("reserve.team_young", _("A two-committee member aged 35 or under"), "leadership"),
    Indicator("dev.branch_min", _("New members admitted this year"), "members"),
    Indicator("dev.two_years_none", _("An admission within the last two years"), "members"),
    Indicator("dev.under_25", _("A new member under 25"), "members"),
    Indicator("train.rotation", _("Members trained over the cycle"), "members"),
    Indicator("reserve.young", _("Reserve cadres aged 35 or under"), "members"),
    # One a meeting kind (members.models.MeetingKind), target policy.meet_<kind>.
    Indicator("meet.assembly", _("Branch member assemblies"), "mechanism"),
    Indicator("meet.committee", _("Branch committee meetings"), "mechanism"),
    Indicator("meet.group", _("Party group meetings"), "mechanism"),
    Indicator("meet.lecture", _("Party lectures"), "mechanism"),
    Indicator("meet.theme_day", _("Theme party days"), "mechanism"),
    Indicator("meet.life_meeting", _("Organizational life meetings"), "mechanism"),
    Indicator("meet.appraisal", _("Democratic appraisal of members"), "mechanism"),
    Indicator("review.committee_reports", _("Village committee reports to the branch"), "mechanism"),
    Indicator("review.branch_reports", _("Branch reports to its members"), "mechanism"),
    Indicator("review.disclosures", _("Financial disclosures"), "mechanism"),
    Indicator("visit.households", _("Household visits of the village cadres"), "performance"),
    Indicator("train.per_level", _("Trainings held by the branch"), "performance"),
    Indicator("contact.visit", _("Contact village visited by its township leader"), "performance"),
    Indicator("review.democratic", _("Democratic reviews of the village committee cadres"), "feedback"),
    # Every branch's, counted towards no dimension (docs/quotas.md, "Dues paid on time", "Training hours").
    Indicator("dues.on_time", _("Party dues paid on time")),
    Indicator("train.hours", _("Members with their yearly class hours of training")),
    # Committees' and counties' own.
    Indicator("dev.young_share", _("Share of new members under 35")),
    Indicator("dev.educated_share", _("Share of new members with senior high school or more")),
    Indicator("room.standardized", _("Standardized activity room")),
)

INDICATOR_LABELS = {indicator.code: indicator.label for indicator in INDICATORS}
# Dimension → the indicators (codes) its proposed score is computed from, dimensions in the model's order.
DIMENSION_INDICATORS: dict[str, tuple[str, ...]] = {
    dimension: tuple(indicator.code for indicator in INDICATORS if indicator.dimension == dimension)
    for dimension in DIMENSIONS
}
MEETING_PREFIX = "meet."
MEETING_KINDS = tuple(
    indicator.code.removeprefix(MEETING_PREFIX)
    for indicator in INDICATORS
    if indicator.code.startswith(MEETING_PREFIX)
)


# Committee indicators: not part of a branch's rating, named for the lists and dashboards (docs/quotas.md).
COMMITTEE_LABELS = {
    "study.township.notes": _("Study notes of the township's instructors"),
    "study.township.articles": _("Articles written by the township's instructors"),
}
ROLLUP_PREFIX = "rollup."


def indicator_label(code: str) -> str:
    """The label of ``code``; a roll-up is named after the branch indicator it counts (docs/quotas.md, "Codes
    for committees and counties"); a code the vocabulary does not know is shown as it is."""
    if code.startswith(ROLLUP_PREFIX):
        counted = code.removeprefix(ROLLUP_PREFIX)
        if counted in INDICATOR_LABELS or counted in COMMITTEE_LABELS:
            return str(_("Branches meeting “%(indicator)s”") % {"indicator": indicator_label(counted)})
    label = INDICATOR_LABELS.get(code) or COMMITTEE_LABELS.get(code)
    return str(label) if label is not None else code


def indicator_choices() -> list[tuple[str, str]]:
    """Every code a result can carry with its label, for choosing one: the branch indicators, the committee
    ones and the roll-ups of the branch indicators."""
    codes = [*INDICATOR_LABELS, *COMMITTEE_LABELS]
    codes += [ROLLUP_PREFIX + code for code in INDICATOR_LABELS]
    return [(code, indicator_label(code)) for code in codes]


# --- the facts a result or an alert keeps in ``detail`` (assessments/quota/*_stages.py) --------------------

PERSONS = _("%(value)s persons")
TIMES = _("%(value)s times")
ITEMS = None  # a count without a unit word
DAYS = _("%(value)s days")
YEARS = _("%(value)s years")
HOUSEHOLDS = _("%(value)s households")
PERCENT = _("%(value)s%%")
MONTHS = _("%(value)s member-months")
YES_NO = "yes_no"
MEETING_KIND = "meeting_kind"
INDICATOR_LIST = "indicator_list"

DETAIL_FACTS: dict[str, tuple[Promise, Promise | str | None]] = {
    "admissions": (_("Admissions"), PERSONS),
    "years": (_("Years looked back"), YEARS),
    "advisory": (_("For reference only"), YES_NO),
    "trainings": (_("Trainings held"), TIMES),
    "vacant": (_("Post vacant"), YES_NO),
    "roll": (_("Members on the roll"), PERSONS),
    "trained": (_("Members trained"), PERSONS),
    "persons": (_("Persons counted"), PERSONS),
    "below": (_("Persons short of the target"), PERSONS),
    "kind": (_("Meeting kind"), MEETING_KIND),
    "kinds": (_("Indicators behind"), INDICATOR_LIST),
    "records": (_("Records"), ITEMS),
    "disclosures": (_("Disclosures"), TIMES),
    "rooms": (_("Standardized rooms"), ITEMS),
    "young": (_("Reserve cadres aged 35 or under"), PERSONS),
    "points": (_("Contact points"), ITEMS),
    "share": (_("Share"), PERCENT),
    "target": (_("Target"), ITEMS),
    "actual": (_("Actual"), ITEMS),
    "expected": (_("Expected by now"), ITEMS),
    "remaining": (_("Still to do"), ITEMS),
    "days_left": (_("Days left in the year"), DAYS),
    "households": (_("Households visited"), HOUSEHOLDS),
    "due": (_("Monthly dues owed"), MONTHS),
    "on_time": (_("Paid by the month's end"), MONTHS),
    "reached": (_("Members with their class hours"), PERSONS),
}


def _fact_text(unit, value) -> str:
    if unit == YES_NO:
        return gettext("yes") if value else gettext("no")
    if unit == MEETING_KIND:
        return str(dict(MeetingKind.choices).get(value, value))
    if unit == INDICATOR_LIST:
        return "、".join(indicator_label(code) for code in value or ())
    if isinstance(unit, Promise):
        return str(unit) % {"value": value}
    return str(value)


def detail_rows(detail: dict | None) -> list[tuple[str, str]]:
    """``detail`` as (label, value with its unit) pairs, in the order of ``DETAIL_FACTS``; a key it does not
    know is shown as it is, so nothing a run kept is hidden."""
    detail = detail or {}
    known = [(key, DETAIL_FACTS[key]) for key in DETAIL_FACTS if key in detail]
    rows = [(str(label), _fact_text(unit, detail[key])) for key, (label, unit) in known]
    return rows + [(key, str(value)) for key, value in detail.items() if key not in DETAIL_FACTS]
