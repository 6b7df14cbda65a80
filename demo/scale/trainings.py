"""Trainings of a tier and their attendees: county and township centralized trainings (secretaries, the two
committees, the reserve, members), village trainings sized to the tier's volume, members taking turns."""

import bisect
from datetime import date

from members.models import TrainingAudience
from members.models import TrainingLevel

from . import pools
from .record_state import Chunks
from .record_state import RecordState
from .tree import Org

SECRETARY_TRAININGS = pools.Draw({0: 12, 1: 55, 2: 33})  # centralized trainings a secretary attends in a year
MEMBER_ATTENDEES_PER_BRANCH = 40  # training attendance rows per branch over the two years (M2M kept sane)
Audience = TrainingAudience


class Trainings(RecordState):
    def trainings(self):
        """Training lines and the member and cadre attendee lines, as three chunk lists."""
        trainings, members, cadres = Chunks(), Chunks(), Chunks()
        holders = [org for org in self.tree.branches if org.holds_members]
        committees_by_county: dict[int, list[Org]] = {}
        for committee in self.tree.committees:
            committees_by_county.setdefault(committee.county.id, []).append(committee)
        rural_by_township: dict[int, list[Org]] = {}
        branches_by_parent: dict[int, list[Org]] = {}
        for org in self.tree.branches:
            key = (org.township or org.county).id
            branches_by_parent.setdefault(key, []).append(org)
            if org.is_rural:
                rural_by_township.setdefault(key, []).append(org)
        centralized = 0
        plan = []  # (county, [(year, first, last, county trainings, {township id: trainings})])
        for county in self.tree.counties:
            years = []
            for year, first, last in self.years:
                county_trainings = self.county_trainings(county, first, last)
                townships = {
                    c.id: self.township_trainings(c, first, last) for c in committees_by_county[county.id]
                }
                centralized += len(county_trainings) + sum(len(t) for t in townships.values())
                years.append((year, first, last, county_trainings, townships))
            plan.append((county, years))
        fractions = sum((last - first + 1) / 365 for _y, first, last in self.years)
        village_budget = max(
            0, self.tier.trainings * len(self.tree.counties) // self.tier.counties - centralized
        )
        rate = (village_budget / (len(holders) * fractions) - 0.04) / 0.92 if holders else 0
        member_share = min(0.6, MEMBER_ATTENDEES_PER_BRANCH / max(1.0, rate * fractions * 8.5))
        self.notes["trainings"] = (
            f"{rate:.1f} village trainings per branch-year, {member_share:.2f} with members"
        )
        for county, years in plan:
            for _year, first, last, county_trainings, townships in years:
                county_sessions = []
                for organizer, level, audience, day, days in county_trainings:
                    training_id = self.training(trainings, organizer, level, audience, day, days)
                    if audience == Audience.SECRETARIES:
                        county_sessions.append((day, training_id))
                township_sessions = {}
                for committee_id, items in townships.items():
                    sessions = township_sessions[committee_id] = []
                    for organizer, level, audience, day, days in items:
                        training_id = self.training(trainings, organizer, level, audience, day, days)
                        if audience == Audience.SECRETARIES:
                            sessions.append((day, training_id))
                        elif audience == Audience.TWO_COMMITTEES:
                            villages = rural_by_township.get(committee_id, [])
                            self.two_committee_attendees(cadres, training_id, day, villages)
                groups = [(county.id, [])] + list(township_sessions.items())
                for parent_id, own in groups:
                    branches = branches_by_parent.get(parent_id, [])
                    self.secretary_attendees(cadres, first, last, sorted(county_sessions + own), branches)
        for org in holders:
            for _year, first, last in self.years:
                self.village_trainings(trainings, members, org, first, last, rate, member_share)
        return trainings, members, cadres

    def county_trainings(self, county: Org, first: int, last: int) -> list[tuple]:
        """Secretaries twice (spring and autumn, 3-5 days: the centralized training), the two committees, the
        reserve and members once or twice; now and then a county that held only one."""
        rnd = self.rnd
        year = date.fromordinal(first).year
        items = [
            (Audience.SECRETARIES, (date(year, 3, 10), date(year, 5, 20)), (3, 5)),
            (Audience.SECRETARIES, (date(year, 9, 5), date(year, 10, 30)), (3, 5)),
            (Audience.TWO_COMMITTEES, (date(year, 4, 1), date(year, 11, 30)), (2, 3)),
            (Audience.RESERVE, (date(year, 6, 1), date(year, 8, 31)), (2, 5)),
            (Audience.MEMBERS, (date(year, 1, 5), date(year, 12, 20)), (1, 3)),
        ]
        if rnd() < 0.5:
            items.append((Audience.MEMBERS, (date(year, 1, 5), date(year, 12, 20)), (1, 2)))
        if rnd() < 0.05:
            items = items[:1]
        return self.dated(county, TrainingLevel.COUNTY, items, last)

    def township_trainings(self, committee: Org, first: int, last: int) -> list[tuple]:
        rnd = self.rnd
        year = date.fromordinal(first).year
        whole = (date(year, 1, 5), date(year, 12, 20))
        items = []
        if rnd() < 0.5:
            items.append((Audience.SECRETARIES, (date(year, 2, 20), date(year, 11, 30)), (2, 3)))
        if rnd() < 0.85:
            items.append((Audience.TWO_COMMITTEES, whole, (1, 2)))
        items += [(Audience.MEMBERS, whole, (1, 2)) for _ in range(self.between(1, 2))]
        items += [(Audience.VILLAGERS, whole, (1, 1)) for _ in range(self.between(1, 2))]
        if rnd() < 0.4:
            items.append((Audience.RESERVE, whole, (1, 3)))
        if rnd() < 0.08:
            items = items[: self.between(0, 1)]
        return self.dated(committee, TrainingLevel.TOWNSHIP, items, last)

    def dated(self, organizer, level, items, last) -> list[tuple]:
        dated = []
        for audience, (low, high), (fewest, most) in items:
            first_day, last_day = low.toordinal(), min(high.toordinal(), last)
            if last_day >= first_day:
                dated.append(
                    (
                        organizer,
                        level,
                        audience,
                        self.between(first_day, last_day),
                        self.between(fewest, most),
                    )
                )
        return dated

    def training(self, chunks: Chunks, organizer: Org, level, audience, day: int, days, villagers=0) -> int:
        training_id = self.next_id("members_training")
        topics = pools.TRAINING_TOPICS[audience]
        topic = topics[int(self.rnd() * len(topics))]
        if isinstance(days, int):
            days_text, hours = f"{days}.0", days * 8
        else:
            days_text, hours = days
        chunks.add(
            f"{training_id}\t1\t{self.now}\t{self.now}\t{organizer.id}\t{level}\t{audience}\t{self.days.iso(day)}\t"
            f"{days_text}\t{hours}\t{organizer.short}{topic}\t{villagers}\n"
        )
        return training_id

    def secretary_attendees(self, cadres: Chunks, first: int, last: int, sessions: list, branches: list[Org]):
        """Each secretary serving that year goes to none, one or two of the centralized trainings for
        secretaries held by the county or by their township while they served."""
        for org in branches:
            for post_id, started, ended, _member in org.secretaries:
                start, end = max(first, started), min(last, ended if ended is not None else last)
                low = bisect.bisect_left(sessions, (start, 0))
                high = bisect.bisect_right(sessions, (end, 1 << 62))
                available = sessions[low:high]
                wanted = SECRETARY_TRAININGS(self.rnd)
                for _day, training_id in self.rng.sample(available, min(wanted, len(available))):
                    cadres.add(
                        f"{self.next_id('members_training_cadre_attendees')}\t{training_id}\t{post_id}\n"
                    )

    def two_committee_attendees(
        self, cadres: Chunks, training_id: int, day: int, villages: list[Org]
    ) -> None:
        for org in villages:
            serving = [p for p in org.persons if p[1] <= day and (p[2] is None or p[2] >= day)]
            for post_id, *_rest in self.rng.sample(serving, min(len(serving), self.between(1, 2))):
                cadres.add(f"{self.next_id('members_training_cadre_attendees')}\t{training_id}\t{post_id}\n")

    def village_trainings(
        self, trainings, members, org: Org, first: int, last: int, rate: float, share: float
    ):
        rnd = self.rnd
        fraction = (last - first + 1) / 365
        if rnd() < 0.08:
            count = int(rnd() * 2 * min(1.0, fraction * 1.5))
        else:
            count = round((0.5 + rnd()) * rate * fraction)
        for _ in range(count):
            day = self.between(first, last)
            # Members take turns (rotation training): each session calls the next few on the roll that day.
            on_roll = org.roll_size(day)
            if rnd() < share and on_roll:
                training_id = self.training(
                    trainings, org, TrainingLevel.VILLAGE, Audience.MEMBERS, day, ("0.5", 4)
                )
                start = self.rotation.get(org.id)
                if start is None:
                    start = int(rnd() * on_roll)
                count = min(on_roll, self.between(5, 12))
                for number in range(start, start + count):
                    members.add(
                        f"{self.next_id('members_training_member_attendees')}\t{training_id}\t"
                        f"{org.first_member + number % on_roll}\n"
                    )
                self.rotation[org.id] = (start + count) % on_roll
            else:
                audience = (
                    Audience.VILLAGERS
                    if rnd() < 0.8
                    else (Audience.TWO_COMMITTEES, Audience.RESERVE)[rnd() < 0.5]
                )
                villagers = self.between(15, 80) if audience == Audience.VILLAGERS else 0
                self.training(trainings, org, TrainingLevel.VILLAGE, audience, day, ("1.0", 6), villagers)
