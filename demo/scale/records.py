"""The records the quota engine reads, for the previous year and the current year up to the generation day:
visit logs, study records, trainings and their attendees, meetings, reports and reviews, financial
disclosures, activity rooms and their township targets, contact points.

Volumes follow the tier (``demo.scale.tiers``); shapes follow the quota indicators (``assessments.quota``) so
that each has organizations that meet it and organizations that fall short.
"""

from datetime import date

from . import pools
from .meetings import Meetings
from .record_state import CHUNK_LINES
from .record_state import streamed
from .trainings import Trainings

# Visit logs: how many distinct households a two-committee person visits in a full year (the quota asks 50).
VISIT_PROFILES = pools.Draw({(50, 66): 78, (25, 49): 17, (0, 12): 5})
BASE_REPEAT = 1.08  # visits per distinct household when the tier does not fix the volume


class Records(Trainings, Meetings):
    """Every record stage of a tier; trainings and meetings are in their own modules."""

    # --- visit logs -------------------------------------------------------------------------------

    def visit_plan(self):
        """(org, post id, [(year start, year end, distinct households)]) for every two-committee person, and
        the number of visits per distinct household that brings the total to the tier's volume."""
        rnd = self.rnd
        plan, expected = [], 0.0
        for org in self.rural:
            for post_id, started, ended, _birth in org.persons:
                low, high = VISIT_PROFILES(rnd)
                target = self.between(low, high)
                spans = []
                for _year, first, last in self.years:
                    start, end = max(first, started), min(last, ended if ended is not None else last)
                    if end < start:
                        continue
                    share = (end - start + 1) / 365
                    spans.append((start, end, target * share))
                    expected += target * share
                plan.append((org, post_id, spans))
        volume = self.tier.visits
        if volume is None or expected == 0:
            return plan, 1.0, BASE_REPEAT
        ratio = volume / expected
        if ratio >= 1.02:
            return plan, 1.0, ratio
        return plan, ratio / 1.02, 1.02

    def visit_chunks(self):
        """Each person's visits for each year they served: ``distinct`` households of their village drawn
        without repetition, then repeat visits to some of them; a quarter raise a concern, half of those
        resolved. The hot loop of the whole generation: keep it lean."""
        plan, scale, repeat = self.visit_plan()
        self.notes["visits"] = f"{scale:.3f} of the base households, {repeat:.3f} visits per household"
        rnd, now, T = self.rnd, self.now, self.T
        isos, base = self.days._iso, self.days.first
        heads = self.names.households
        concerns, follow_ups = pools.CONCERNS, pools.FOLLOW_UPS
        next_id = self.ids["members_visitlog"]
        sample = self.rng.sample
        lines = []
        append = lines.append
        current = None
        for org, post_id, spans in plan:
            if org is not current:
                current = org
                size = min(org.households or 500, len(heads))
                groups = (org.natural_villages or 6) + 2
                label = "组" if org.field == "village" else "网格"
                cache = {}
                salt = int(rnd() * len(heads))
            prefix = f"\t1\t{now}\t{now}\t{post_id}\t{org.id}\t"
            for start, end, distinct in spans:
                count = min(size, round(distinct * scale))
                if count <= 0:
                    continue
                chosen = sample(range(size), count)
                extra = round(count * repeat) - count
                if extra > 0:
                    chosen += [chosen[int(rnd() * count)] for _ in range(extra)]
                texts = []
                for household in chosen:
                    text = cache.get(household)
                    if text is None:
                        head = heads[(household * 7919 + salt) % len(heads)]
                        group = f"{household % groups + 1}{label}"
                        text = cache[household] = f"{head}\t{group}\t{group}|{head}\t"
                    texts.append(text)
                span_days = isos[start - base : end - base + 1]
                span = len(span_days)
                for text in texts:
                    offset = int(rnd() * span)
                    if rnd() < 0.25:
                        concern = concerns[int(rnd() * len(concerns))]
                        follow = follow_ups[int(rnd() * len(follow_ups))] if rnd() < 0.8 else ""
                        resolved = start + offset + 1 + int(rnd() * 60)
                        resolved = isos[resolved - base] if resolved <= T and rnd() < 0.55 else "\\N"
                        append(
                            f"{next_id}{prefix}{text}{span_days[offset]}\t{concern}\t{follow}\t{resolved}\t\\N\n"
                        )
                    else:
                        append(f"{next_id}{prefix}{text}{span_days[offset]}\t\t\t\\N\t\\N\n")
                    next_id += 1
            if len(lines) >= CHUNK_LINES:
                yield "".join(lines)
                lines = []
                append = lines.append
        yield "".join(lines)
        self.ids["members_visitlog"] = next_id

    # --- study records ----------------------------------------------------------------------------

    def study_chunks(self):
        """Monthly study of the village secretaries and of the township instructors (the study quotas'
        subjects)."""
        months = [(y, m) for y, first, last in self.years for m in range(1, date.fromordinal(last).month + 1)]
        month_days = [(y, m, date(y, m, 1).toordinal()) for y, m in months]
        village = [
            (post_id, org.id, started, ended)
            for org in self.rural
            for post_id, started, ended, _ in org.secretaries
        ]
        township = [(post_id, org_id, started, None) for post_id, org_id, started in self.people.instructors]
        studies = ((village, (380, 650), 0.12), (township, (800, 1200), 0.3))
        yield from streamed(
            self.study_lines(post, notes, article, month_days)
            for people, notes, article in studies
            for post in people
        )

    def study_lines(self, post, notes, article, month_days):
        """One person's months of study: ``notes`` (the characters a month) and ``article`` (the chance of an
        article) are those of the diligent; the others study less."""
        now = self.now
        post_id, org_id, started, ended = post
        diligent = self.rnd() < 0.75
        present = 0.95 if diligent else 0.6
        low, high = notes if diligent else (notes[0] // 2, notes[0] + 50)
        share = article if diligent else article / 3
        for y, m, first in month_days:
            if first + 27 < started or (ended is not None and first > ended) or self.rnd() > present:
                continue
            sessions = 2 if self.rnd() < 0.2 else 1
            articles = 1 if self.rnd() < share else 0
            record = self.next_id("members_studyrecord")
            yield (
                f"{record}\t1\t{now}\t{now}\t{post_id}\t{org_id}\t{y}\t{m}\t{sessions}\t"
                f"{self.between(low, high)}\t{articles}\n"
            )

    # --- reports, reviews, disclosures ------------------------------------------------------------

    def review_chunks(self):
        """Two reports to the branch, two to the members and the two democratic reviews a year (what the
        quota asks), mid-year and in December; a few branches skip some."""
        yield from streamed(self.review_lines(org) for org in self.rural)

    def review_lines(self, org):
        rnd, now, iso = self.rnd, self.now, self.days.iso
        for year, _first, last in self.years:
            mid = (date(year, 6, 20).toordinal(), date(year, 7, 31).toordinal())
            end = (date(year, 12, 10).toordinal(), date(year, 12, 31).toordinal())
            slots = [
                ("committee_report", mid, 0), ("committee_report", end, 1),
                ("branch_report", mid, 0), ("branch_report", end, 1),
                ("member_review", end, 2), ("representative_review", end, 2),
            ]  # fmt: skip
            complete = rnd() < 0.85
            for kind, (low, high), topic in slots:
                if low > last or (not complete and rnd() < 0.4):
                    continue
                day = self.between(low, min(high, last))
                topics = pools.REVIEW_TOPICS[kind]
                if kind == "representative_review":
                    participants = self.between(20, 45)
                elif kind == "committee_report":
                    participants = self.between(5, 9)
                else:
                    participants = max(3, round(org.on_roll * (0.7 + 0.25 * rnd())))
                satisfied = "\\N"
                if kind.endswith("review"):
                    rate = 0.45 + 0.2 * rnd() if rnd() < 0.08 else 0.75 + 0.25 * rnd()
                    satisfied = min(participants, round(participants * rate))
                record = self.next_id("branches_reviewrecord")
                yield (
                    f"{record}\t1\t{now}\t{now}\t{org.id}\t{kind}\t{iso(day)}\t"
                    f"{topics[min(topic, len(topics) - 1)]}\t{participants}\t{satisfied}\t\n"
                )

    def disclosure_chunks(self):
        """Village finances made public every half year: in July, and in January for the second half."""
        yield from streamed(self.disclosure_lines(org) for org in self.rural)

    def disclosure_lines(self, org):
        rnd, now, iso = self.rnd, self.now, self.days.iso
        for year, _first, _last in self.years:
            halves = (
                (1, date(year, 7, 1), date(year, 7, 15)),
                (2, date(year + 1, 1, 5), date(year + 1, 1, 20)),
            )
            for period, low, high in halves:
                first_day, last_day = low.toordinal(), min(high.toordinal(), self.T)
                if last_day < first_day or rnd() > 0.9:
                    continue
                income = self.between(20, 800) * 1000
                spent = round(income * (0.6 + 0.5 * rnd()))
                record = self.next_id("branches_financialdisclosure")
                yield (
                    f"{record}\t1\t{now}\t{now}\t{org.id}\t{year}\t{period}\t"
                    f"{iso(self.between(first_day, last_day))}\t{income}.00\t{spent}.00\t\n"
                )

    # --- rooms and targets ------------------------------------------------------------------------

    def room_chunks(self):
        rnd, now = self.rnd, self.now
        year = self.people.year
        lines = []
        rate = {}
        for org in self.tree.branches:
            if not org.holds_members or rnd() > (0.95 if org.is_rural else 0.4):
                continue
            township = org.township or org.county
            if township.id not in rate:
                rate[township.id] = 0.45 + 0.5 * rnd()
            built = self.between(1985, year - 1)
            renovated = self.between(built + 1, year) if rnd() < 0.4 and built < year else "\\N"
            standardized = rnd() < rate[township.id]
            when = "\\N"
            if standardized:
                chance = rnd()
                if chance < 0.7:
                    when = self.day(date(2015, 1, 1).toordinal(), date(year - 2, 12, 31).toordinal())
                elif chance < 0.85:
                    when = self.day(*self.years[0][1:])
                else:
                    when = self.day(*self.years[1][1:])
            facilities = "\t".join("t" if rnd() < (0.9 if standardized else 0.5) else "f" for _ in range(6))
            name = pools.ROOM_NAMES[int(rnd() * len(pools.ROOM_NAMES))]
            room = self.next_id("branches_activityroom")
            lines.append(
                f"{room}\t1\t{now}\t{now}\t{org.id}\t{org.short}{name}\t{org.short}\t"
                f"{self.between(60, 300)}.0\t{built}\t{renovated}\t{'t' if standardized else 'f'}\t{when}\t"
                f"{facilities}\n"
            )
        yield "".join(lines)

    def target_chunks(self):
        """Each township's target of standardized rooms for the two years: a share of its villages."""
        lines = []
        rural = {}
        for org in self.rural:
            rural[org.township.id] = rural.get(org.township.id, 0) + 1
        for committee in self.tree.committees:
            current = max(1, round(rural.get(committee.id, 0) * (0.55 + 0.35 * self.rnd())))
            for year, target in (
                (self.people.year - 1, max(1, current - self.between(0, 2))),
                (self.people.year, current),
            ):
                target_id = self.next_id("branches_standardizedroomtarget")
                lines.append(f"{target_id}\t1\t{self.now}\t{self.now}\t{committee.id}\t{year}\t{target}\n")
        yield "".join(lines)

    # --- contact points ---------------------------------------------------------------------------

    def contact_chunks(self):
        """Each township leader's contact village for each year: one lecture, one check, one activity and the
        days spent there (the quota asks 90)."""
        rnd, now, iso = self.rnd, self.now, self.days.iso
        lines = []
        for _township, villages, leaders in self.people.contacts:
            for _year, first, last in self.years:
                chosen = self.rng.sample(villages, min(len(villages), len(leaders)))
                fraction = (last - first + 1) / 365
                for (leader_id, _name), village in zip(leaders, chosen, strict=False):
                    dates = [iso(self.between(first, last)) if rnd() < 0.9 else "\\N" for _ in range(3)]
                    days_spent = round(self.between(60, 140) * fraction)
                    point = self.next_id("members_contactpoint")
                    lines.append(
                        f"{point}\t1\t{now}\t{now}\t{leader_id}\t{village.id}\t{date.fromordinal(first).year}\t"
                        f"{dates[0]}\t{dates[1]}\t{dates[2]}\t{days_spent}\t\n"
                    )
        yield "".join(lines)
