"""Monthly study records of the village and community secretaries and of the township instructors."""

from datetime import date
from datetime import timedelta

from branches.models import RURAL_FIELDS
from members.models import CadrePost

from .rolls import CountyRolls
from .rolls import Post

STUDY_LAX_SHARE = 0.22  # of secretary-years: below the study targets


class Study(CountyRolls):
    def study_records(self) -> list[dict]:
        """Monthly, one record a person and month: the secretaries of villages and communities (targets
        12 sessions, 5,000 characters of notes, an article a year) and the township organ's cadres, the
        instructors (10,000 characters, two articles), recorded under the post they held that month (an
        instructor has a post at each branch they guide). About one in five falls well below."""
        rng, rows = self.rng("study"), []
        months = [
            (year, month)
            for year in self.years
            for month in range(1, 13)
            if (year, month) < (self.today.year, self.today.month)
            or ((year, month) == (self.today.year, self.today.month) and self.today.day >= 20)
        ]
        people: dict[tuple, list[Post]] = {}
        for branch in self.branches:
            for post in self.posts.get(branch.pk, ()):
                if post.post == CadrePost.SECRETARY and branch.field in RURAL_FIELDS:
                    people.setdefault(("secretary", post.pk), []).append(post)
                elif post.post == CadrePost.INSTRUCTOR:
                    people.setdefault(("instructor", post.member_id), []).append(post)
        for year in self.years:
            found = []  # (the person's months: (year, month, the first of their posts held then), role)
            for (role, _key), posts in people.items():
                held = []
                for y, m in months:
                    serving = [p for p in posts if y == year and p.span(date(y, m, 1), _month_end(y, m))]
                    if serving:
                        held.append((y, m, serving[0]))
                if held:
                    found.append((held, role == "instructor"))
            lax = set(rng.sample(range(len(found)), round(STUDY_LAX_SHARE * len(found))))
            for number, (held, township) in enumerate(found):
                rows += self.person_study(rng, held, township=township, lax=number in lax)
        return rows

    def person_study(
        self, rng, held: list[tuple[int, int, Post]], *, township: bool, lax: bool
    ) -> list[dict]:
        written = 0 if lax and rng.random() < 0.6 else rng.randint(2, 3) if township else rng.randint(1, 2)
        articles = {(y, m) for y, m, _post in rng.sample(held, min(len(held), written))}
        notes = ((300, 700), (860, 1200)) if township else ((150, 380), (420, 720))
        rows = []
        for year, month, post in held:
            if lax and rng.random() < 0.3:
                continue  # nothing recorded that month
            rows.append(
                {
                    "cadre_id": post.pk,
                    "organization_id": post.organization_id,
                    "year": year,
                    "month": month,
                    "sessions": rng.choice((0, 1, 1)) if lax else rng.choice((1, 1, 1, 2)),
                    "note_characters": rng.randint(*notes[not lax]),
                    "articles": int((year, month) in articles),
                }
            )
        return rows


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
