"""The facts of one demo development record: the person who applies, and the dates of each step up to
designation as a candidate and up to the branch assembly, worked back from a target day so that they pass
the rules of ``members.pipeline_rules`` (a year as an activist, the public notice, the votes, the
township's three months to approve). ``demo.pipeline`` builds the records at each stage on these.
"""

import random
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta

from branches.models import Organization
from branches.models import OrganizationField
from members import pipeline_rules as rules
from members.models import Gender
from members.models import Member
from members.models import Occupation
from members.models.roster import PERSON_FIELDS

from .members import Roster
from .members import age_on
from .members import years_before
from .population import COUNTY_REGION
from .population import EDUCATION
from .population import ETHNICITIES
from .population import OCCUPATIONS
from .population import by_age
from .population import for_field
from .population import weighted

Field = OrganizationField

# Age when applying: about a third under 25 and most under 35, as the quotas on young new members ask
# (QuotaPolicy.dev_young_share, dev_under_25).
APPLICANT_AGE_BANDS = ((38, 18, 24), (42, 25, 34), (20, 35, 48))
NEW_MALE_SHARE = {Field.VILLAGE: 0.62, Field.COMMUNITY: 0.45}
TRAINING_DAYS = (3, 3, 3, 4, 5, 7)  # centralized training; eight class hours a day
STUDENT_SHARE = 0.3  # of applicants aged 18 to 22


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, max(low, high)))


def weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


@dataclass
class BranchRoll:
    """A branch's full members in good standing, the only people who can mentor, sponsor or vote."""

    full: list[Member] = field(default_factory=list)

    def confirmed_by(self, day: date, exclude: Member | None = None) -> list[Member]:
        return [m for m in self.full if m.confirmed_on <= day and m is not exclude]


class DevelopmentFacts:
    """Who applies and when each step happened, for the records of one county, drawn from ``rng``."""

    def __init__(self, *, rng: random.Random, roster: Roster, today: date):
        self.rng = rng
        self.roster = roster
        self.today = today

    def days(self, low: int, high: int) -> timedelta:
        return _days(self.rng, low, high)

    # --- people -----------------------------------------------------------------------------------

    def new_person(self, branch: Organization, applied_on: date) -> dict:
        """A villager or resident who applied on ``applied_on``, aged 18 or more that day."""
        rng, roster = self.rng, self.roster
        _weight, youngest, oldest = rng.choices(
            APPLICANT_AGE_BANDS, weights=[b[0] for b in APPLICANT_AGE_BANDS]
        )[0]
        born = years_before(applied_on, rng.randint(youngest, oldest)) - self.days(0, 364)
        while rules.adult_from(born) > applied_on:  # 29 February
            born -= timedelta(days=1)
        male_share = NEW_MALE_SHARE.get(branch.field, 0.55)
        gender = Gender.MALE if rng.random() < male_share else Gender.FEMALE
        age = age_on(born, self.today)
        if age_on(born, applied_on) <= 22 and rng.random() < STUDENT_SHARE:
            occupation = Occupation.STUDENT
        else:
            occupation = weighted(rng, by_age(for_field(OCCUPATIONS, branch), age))
        return {
            "name": roster.name(gender, born.year),
            "gender": gender,
            "ethnicity": weighted(rng, ETHNICITIES),
            "id_number": roster.ids.issue(COUNTY_REGION, born, gender),
            "birth_date": born,
            "education": weighted(rng, by_age(for_field(EDUCATION, branch), age)),
            "occupation": occupation,
            "phone": roster.phone(age),
            "address": roster.address(branch),
        }

    @staticmethod
    def person_of(member: Member) -> dict:
        return {name: getattr(member, name) for name in PERSON_FIELDS}

    def pick(self, people: list[Member], low: int, high: int) -> list[Member]:
        return self.rng.sample(people, min(len(people), self.rng.randint(low, high)))

    # --- dates ------------------------------------------------------------------------------------

    def notice_before(self, candidate_on: date) -> date:
        """A public notice that is over by ``candidate_on``, started one to three weeks earlier."""
        start = weekday_on_or_before(candidate_on - self.days(7, 21))
        while rules.notice_over_from(start) > candidate_on:
            start -= timedelta(days=1)
        return start

    def training(self) -> dict:
        days = self.rng.choice(TRAINING_DAYS)
        return {"training_days": days, "training_hours": days * 8}

    def candidate_facts(self, candidate_on: date, roll: BranchRoll, adult_on: date | None, exclude=None):
        """Dates up to designation as a candidate, worked back from ``candidate_on``; None if impossible."""
        latest_activist = years_before(candidate_on, 1)
        while rules.candidate_from_activist(latest_activist) > candidate_on:
            latest_activist -= timedelta(days=1)
        activist_on = latest_activist - self.days(0, 150)
        applied_on = activist_on - self.days(20, 300)
        if adult_on is not None and applied_on < adult_on:
            applied_on = adult_on
            activist_on = max(activist_on, applied_on + timedelta(days=20))
            if activist_on > latest_activist:
                return None
        mentors = self.pick(roll.confirmed_by(activist_on, exclude), 1, 2)
        if not mentors:
            return None
        notice = self.notice_before(candidate_on)
        facts = {
            "applied_on": applied_on,
            "activist_on": activist_on,
            "political_review_on": max(activist_on, notice - self.days(1, 30)),
            "training_completed_on": max(activist_on + timedelta(days=30), notice - self.days(1, 60)),
            **self.training(),
            "notice_started_on": notice,
            "candidate_on": candidate_on,
        }
        return facts, mentors

    def admission_facts(self, assembly_on: date, roll: BranchRoll, adult_on: date | None, exclude=None):
        """Dates up to the branch assembly that voted ``assembly_on``, with sponsors and the vote."""
        pre_reviewed_on = assembly_on - self.days(2, 20)
        candidate_on = pre_reviewed_on - self.days(5, 40)
        found = self.candidate_facts(candidate_on, roll, adult_on, exclude)
        sponsors = roll.confirmed_by(candidate_on, exclude)
        if found is None or len(sponsors) < rules.SPONSORS_REQUIRED:
            return None
        facts, mentors = found
        entitled = len(roll.confirmed_by(assembly_on, exclude))
        facts.update(
            pre_reviewed_on=pre_reviewed_on,
            assembly_on=assembly_on,
            votes_entitled=entitled,
            votes_yes=self.rng.randint(max(entitled // 2 + 1, entitled - 3), entitled),
        )
        return facts, mentors, self.rng.sample(sponsors, rules.SPONSORS_REQUIRED)

    def approval_on(self, assembly_on: date) -> date:
        last = min(rules.approval_deadline(assembly_on), self.today)
        return assembly_on + self.days(min(5, (last - assembly_on).days), (last - assembly_on).days)
