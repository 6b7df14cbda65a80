"""Meetings of a tier: every branch's meetings by kind over the two years, around the targets for the
diligent branches and short for the others, scaled to the tier's volume."""

from datetime import date

from members.models import MeetingKind

from . import pools
from .record_state import RecordState
from .record_state import streamed
from .tree import Org

# Meetings: how fully a branch keeps its "three meetings and one lecture": the complete ones hold every
# meeting, the others a share of them (scaled to the tier's volume).
MEETING_PROFILES = pools.Draw({(1.0, 1.0): 30, (0.35, 0.8): 30, (0.05, 0.3): 40})
MONTHLY = (MeetingKind.COMMITTEE, MeetingKind.GROUP, MeetingKind.THEME_DAY)
QUARTERLY = (MeetingKind.ASSEMBLY, MeetingKind.LECTURE)
YEARLY = (MeetingKind.LIFE_MEETING, MeetingKind.APPRAISAL)


class Meetings(RecordState):
    def meeting_chunks(self):
        """Every branch's meetings by kind, around the targets for the diligent and short for the others;
        attendance is kept as the two counters (no attendee rows at scale)."""
        rnd = self.rnd
        branches = self.tree.branches
        for org in branches:
            low, high = MEETING_PROFILES(rnd)
            org.diligence = low + (high - low) * rnd()
        factor = self.meeting_factor(branches)
        self.notes["meetings"] = f"diligence × {factor:.2f}"
        expected_by_org = {org.id: org.on_roll for org in branches}
        for org in branches:
            if org.kind == "general_branch":
                expected_by_org[org.id] = 0
        for org in branches:
            if org.parent is not None and org.parent.kind == "general_branch":
                expected_by_org[org.parent.id] += org.on_roll
        slots = self.meeting_slots()
        yield from streamed(
            self.meeting_lines(org, self.meeting_share(org, factor), expected_by_org[org.id], slots)
            for org in branches
        )

    def meeting_lines(self, org, share, expected, slots):
        """A branch's meetings: each slot held with its ``share`` (a yearly one more often), before the
        members ``expected`` (a group meeting, a third of them)."""
        rnd, now, isos, base = self.rnd, self.now, self.days._iso, self.days.first
        shares = (share, min(1.0, share + 0.35))
        sizes = (expected, expected // 3 + 1)
        prefix = f"\t1\t{now}\t{now}\t{org.id}\t"
        for kind, start, span, yearly, group, topics, speaker in slots:
            if rnd() < shares[yearly]:
                size = sizes[group]
                day = isos[start + int(rnd() * span) - base]
                topic = topics[int(rnd() * len(topics))]
                present = round(size * (0.7 + 0.28 * rnd()))
                meeting = self.next_id("members_meeting")
                yield f"{meeting}{prefix}{kind}\t{day}\t{topic}\t{speaker}\t{size}\t{present}\t\n"

    def meeting_slots(self) -> list[tuple]:
        """(kind, first day, days, yearly, group, topics, speaker) for each meeting a branch may hold over the
        two years: one slot per month, quarter or year of its kind; a branch keeps each with its share
        (yearly ones more often)."""
        slots = []
        for year, first, last in self.years:
            bounds = []
            for month in range(1, date.fromordinal(last).month + 1):
                start = date(year, month, 1).toordinal()
                end = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)).toordinal() - 1
                bounds += [(kind, start, min(end, last), False) for kind in MONTHLY]
            for quarter in range(4):
                start = date(year, quarter * 3 + 1, 1).toordinal()
                if start > last:
                    break
                end = (
                    date(year + 1, 1, 1) if quarter == 3 else date(year, quarter * 3 + 4, 1)
                ).toordinal() - 1
                bounds += [(kind, start, min(end, last), False) for kind in QUARTERLY]
            early = min(last, date(year, 3, 31).toordinal())
            bounds += [(kind, first, early, True) for kind in YEARLY]
            for kind, start, end, yearly in bounds:
                speaker = "支部书记" if kind == MeetingKind.LECTURE else ""
                group = kind == MeetingKind.GROUP
                slots.append(
                    (kind, start, end - start + 1, yearly, group, pools.MEETING_TOPICS[kind], speaker)
                )
        return slots

    @staticmethod
    def meeting_share(org: Org, factor: float) -> float:
        return 1.0 if org.diligence >= 1.0 else min(0.95, org.diligence * factor)

    def meeting_factor(self, branches) -> float:
        """The factor on each branch's diligence that brings the expected number of meetings to the tier's."""
        target = self.tier.meetings * len(self.tree.counties) / self.tier.counties
        slots = sum(
            (date.fromordinal(last).month) * len(MONTHLY)
            + ((date.fromordinal(last).month + 2) // 3) * len(QUARTERLY)
            for _y, _f, last in self.years
        )

        complete = sum(1 for org in branches if org.diligence >= 1.0)
        partial = [org.diligence for org in branches if org.diligence < 1.0]
        yearly = len(self.years) * len(YEARLY)

        def expected(factor):
            total = complete * (slots + yearly)
            for diligence in partial:
                share = min(0.95, diligence * factor)
                total += slots * share + yearly * min(1.0, share + 0.35)
            return total

        low, high = 0.05, 4.0
        for _ in range(30):
            middle = (low + high) / 2
            if expected(middle) < target:
                low = middle
            else:
                high = middle
        return (low + high) / 2
