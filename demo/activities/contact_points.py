"""Township leaders' contact points: one contact village each a year, with the days spent there."""

from branches.models import Organization
from branches.models import OrganizationField
from members.models import ContactPoint

from ..records import day_between
from .rolls import CountyRolls
from .rolls import RollMember

Field = OrganizationField

CONTACT_LEADERS = (5, 8)  # township leaders with a contact village
CONTACT_SHORT_SHARE = 0.22  # of leaders each year: under 90 days in the village


class ContactPoints(CountyRolls):
    def contact_points(self) -> list[ContactPoint]:
        """Township leaders (members of the township's organ branch), one contact village each a year."""
        rng, points = self.rng("contact-points"), []
        # A leader is on the roll on every day the contacts may fall on (docs/records.md, "On the roll on a
        # day"): a member since the first of the years.
        first_day = self.year_span(self.years[0])[0]
        for township in self.townships:
            villages = [b for b in self.rural if b.parent_id == township.pk]
            organ = [
                m
                for b in self.branches
                if b.path.startswith(township.path) and _is_organ(b, township)
                for m in self.roll[b.pk].local
                if m.full and 28 <= m.age <= 58 and m.joined_on <= first_day
            ]
            if not villages or not organ:
                continue
            leaders = rng.sample(organ, min(len(organ), rng.randint(*CONTACT_LEADERS)))
            order = rng.sample(villages, len(villages))
            assigned = {leader.pk: order[number % len(order)] for number, leader in enumerate(leaders)}
            for year in self.years:
                for leader in leaders:
                    if year == self.today.year and rng.random() < 0.2:
                        assigned[leader.pk] = rng.choice(villages)
                    points.append(self.contact_point(rng, leader, assigned[leader.pk], year))
        return points

    def contact_point(self, rng, leader: RollMember, village, year: int) -> ContactPoint:
        first, last = self.year_span(year)
        elapsed = (last - first).days + 1

        def one_day():
            return None if rng.random() < 0.1 else day_between(rng, first, last)

        days = rng.randint(50, 89) if rng.random() < CONTACT_SHORT_SHARE else rng.randint(92, 150)
        return ContactPoint(
            leader_id=leader.pk,
            organization=village,
            year=year,
            lecture_on=one_day(),
            check_on=one_day(),
            activity_on=one_day(),
            days_spent=min(elapsed, round(days * elapsed / 365)),
            note="",
        )


def _is_organ(branch: Organization, township: Organization) -> bool:
    """The township's organ branch (乡镇机关), or a section of its organ general branch."""
    return branch.field == Field.INSTITUTION and branch.short_name.startswith(f"{township.short_name}机关")
