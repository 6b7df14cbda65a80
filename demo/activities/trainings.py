"""Trainings at county, township and village level, with the members and cadres who attended; a township
or two held only one in the previous year."""

from datetime import date
from decimal import Decimal

from branches.models import COMMITTEE_KINDS
from members.models import CadrePost
from members.models import TrainingAudience
from members.models import TrainingLevel

from ..records import day_between
from .rolls import TWO_COMMITTEES
from .rolls import Batch
from .rolls import CountyRolls
from .rolls import Post

Audience = TrainingAudience

SECRETARY_TRAINING = {"county": 52, "township": 28, "both": 12, "none": 8}  # per secretary and year
WEAK_TOWNSHIPS = (1, 2)  # townships with one training in the previous year
VILLAGE_TRAININGS = {0: 4, 1: 8, 2: 55, 3: 33}  # trainings a village branch holds in a year

TRAINING_TOPICS = {
    (TrainingLevel.COUNTY, Audience.SECRETARIES): "全县村（社区）党组织书记示范培训班",
    (TrainingLevel.COUNTY, Audience.TWO_COMMITTEES): "全县村“两委”干部能力提升培训班",
    (TrainingLevel.COUNTY, Audience.RESERVE): "全县村级后备干部集中培训班",
    (TrainingLevel.TOWNSHIP, Audience.SECRETARIES): "{place}村党组织书记轮训班",
    (TrainingLevel.TOWNSHIP, Audience.MEMBERS): "{place}农村党员冬春集中培训",
    (TrainingLevel.TOWNSHIP, Audience.TWO_COMMITTEES): "{place}村“两委”干部业务培训",
    (TrainingLevel.VILLAGE, Audience.MEMBERS): "{place}党员集中学习培训",
    (TrainingLevel.VILLAGE, Audience.VILLAGERS): "{place}实用技术培训：{skill}",
    (TrainingLevel.VILLAGE, Audience.TWO_COMMITTEES): "{place}“两委”班子学习会",
}
SKILLS = ("马铃薯高产栽培", "肉羊科学养殖", "错季蔬菜种植", "燕麦种植技术", "电商销售", "奶牛疫病防治")


class Trainings(CountyRolls):
    def trainings(self) -> Batch:
        rng, batch = self.rng("trainings"), Batch()
        weak = {
            t.pk for t in rng.sample(self.townships, min(len(self.townships), rng.randint(*WEAK_TOWNSHIPS)))
        }
        for year in self.years:
            modes = self.secretary_modes(rng)
            self.county_trainings(rng, batch, year, modes)
            for township in self.townships:
                only_one = year == self.years[0] and township.pk in weak
                self.township_trainings(rng, batch, year, township, modes, only_one)
            for branch in self.rural:
                self.village_trainings(rng, batch, year, branch)
        return batch

    def secretary_modes(self, rng) -> dict[int, str]:
        """Branch pk -> where its secretary is trained this year; each township trains at least one."""
        options = list(SECRETARY_TRAINING)
        modes = {b.pk: rng.choices(options, weights=list(SECRETARY_TRAINING.values()))[0] for b in self.rural}
        for township in self.townships:
            under = [b for b in self.rural if b.parent_id == township.pk]
            if under and not any(modes[b.pk] in ("township", "both") for b in under):
                modes[rng.choice(under).pk] = "township"
        return modes

    def add_training(
        self, rng, batch, organizer, audience, held, days, *, cadres=(), members=(), villagers=0
    ) -> None:
        """One training, unless it falls after today; its level follows the organizer's kind."""
        if held > self.today:
            return
        if organizer.kind in COMMITTEE_KINDS:
            level = TrainingLevel.TOWNSHIP
        else:
            level = TrainingLevel.COUNTY if organizer.parent_id is None else TrainingLevel.VILLAGE
        inside = {b.pk for b in self.branches if b.path.startswith(organizer.path)}
        member_pks = {m for m in members if m in self.members and self.members[m].joined_on <= held}
        for post in cadres:  # a cadre who is a member is also counted among the members trained
            member = self.members.get(post.member_id)
            if member and member.joined_on <= held:
                member_pks.add(member.pk)
        member_pks = sorted(pk for pk in member_pks if self.members[pk].branch_id in inside)
        topic = TRAINING_TOPICS[(level, audience)].format(
            place=organizer.short_name, skill=rng.choice(SKILLS)
        )
        batch.add(
            {
                "organizer_id": organizer.pk,
                "level": level,
                "audience": audience,
                "held_on": held,
                "days": Decimal(days),
                "hours": max(3, round(float(days) * 8)) if days >= 1 else 4,
                "topic": topic,
                "villager_count": villagers,
            },
            member_attendees=member_pks,
            cadre_attendees=sorted(post.pk for post in cadres),
        )

    def rural_posts(self, branches, posts, day) -> list[Post]:
        return [post for branch in branches for post in self.serving(branch.pk, posts, day)]

    def county_trainings(self, rng, batch, year, modes) -> None:
        county = self.tree.county
        held = day_between(rng, date(year, 4, 10), date(year, 6, 10))
        trained = [b for b in self.rural if modes[b.pk] in ("county", "both")]
        secretaries = self.rural_posts(trained, (CadrePost.SECRETARY,), held)
        self.add_training(
            rng, batch, county, Audience.SECRETARIES, held, rng.randint(3, 5), cadres=secretaries
        )
        held = day_between(rng, date(year, 7, 1), date(year, 8, 31))
        reserves = [r for r in self.reserves if r.in_roster(held) and rng.random() < 0.6]
        members = [r.member_id for r in reserves if r.member_id]
        others = sum(r.member_id is None for r in reserves)
        self.add_training(rng, batch, county, Audience.RESERVE, held, 2, members=members, villagers=others)
        held = day_between(rng, date(year, 9, 1), date(year, 10, 31))
        cadres = [p for p in self.rural_posts(self.rural, TWO_COMMITTEES, held) if rng.random() < 0.25]
        self.add_training(rng, batch, county, Audience.TWO_COMMITTEES, held, rng.randint(2, 3), cadres=cadres)

    def township_trainings(self, rng, batch, year, township, modes, only_one) -> None:
        under = [b for b in self.rural if b.parent_id == township.pk]
        held = day_between(rng, date(year, 3, 10), date(year, 5, 20))
        trained = [b for b in under if modes[b.pk] in ("township", "both")]
        secretaries = self.rural_posts(trained, (CadrePost.SECRETARY,), held)
        self.add_training(
            rng, batch, township, Audience.SECRETARIES, held, rng.choice((1, 2)), cadres=secretaries
        )
        if only_one:
            return
        held = day_between(rng, date(year, 1, 5), date(year, 2, 28))  # the winter and spring training
        share = rng.uniform(0.2, 0.5)
        members = [m.pk for b in under for m in self.roll[b.pk].present(held)[0] if rng.random() < share]
        self.add_training(rng, batch, township, Audience.MEMBERS, held, rng.choice((2, 3)), members=members)
        held = day_between(rng, date(year, 6, 1), date(year, 8, 31))
        share = rng.uniform(0.3, 0.6)
        cadres = [p for p in self.rural_posts(under, TWO_COMMITTEES, held) if rng.random() < share]
        self.add_training(
            rng, batch, township, Audience.TWO_COMMITTEES, held, rng.choice((1, 2)), cadres=cadres
        )

    def village_trainings(self, rng, batch, year, branch) -> None:
        count = rng.choices(list(VILLAGE_TRAININGS), weights=list(VILLAGE_TRAININGS.values()))[0]
        rotation = rng.uniform(0.3, 0.95)  # the share of members this village trains
        half = Decimal("0.5")
        for audience in (Audience.MEMBERS, Audience.VILLAGERS, Audience.TWO_COMMITTEES)[:count]:
            if audience == Audience.MEMBERS:
                held = day_between(rng, date(year, 3, 1), date(year, 6, 30))
                local = self.roll[branch.pk].present(held)[0]
                members = [m.pk for m in rng.sample(local, round(rotation * len(local)))]
                self.add_training(rng, batch, branch, audience, held, 1, members=members)
            elif audience == Audience.VILLAGERS:
                held = day_between(rng, date(year, 1, 10), date(year, 4, 20))
                local = self.roll[branch.pk].present(held)[0]
                members = [m.pk for m in rng.sample(local, min(len(local), rng.randint(2, 8)))]
                villagers = rng.randint(20, 90)
                self.add_training(
                    rng, batch, branch, audience, held, half, members=members, villagers=villagers
                )
            else:
                held = day_between(rng, date(year, 7, 1), date(year, 9, 30))
                cadres = self.serving(branch.pk, TWO_COMMITTEES, held)
                self.add_training(rng, batch, branch, audience, held, half, cadres=cadres)
