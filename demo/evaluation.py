"""The demo county's joint evaluation (三级联述联评联考): last year's cycle complete — a statement from every
secretary (a few late), raters in the three groups who graded everyone, scores computed, published — and this
year's cycle open with some statements and grades in.

Rows are inserted in bulk with their history rows (``insert_with_history``); the cycle's transitions and the
scores go through the services. The demo "township" login is a township-official rater of its township in
both cycles, so the rater's view has data.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from assessments.models import EvaluationGrade
from assessments.models import EvaluationLevel
from assessments.models import EvaluationRater
from assessments.models import RaterGroup
from assessments.models import SecretaryGrade
from assessments.models import Statement
from assessments.selectors.evaluation import evaluation_subjects
from assessments.selectors.evaluation import secretary_names
from assessments.services.evaluation import evaluation_cycle_close
from assessments.services.evaluation import evaluation_cycle_create
from assessments.services.evaluation import evaluation_cycle_publish
from assessments.services.evaluation_scores import evaluation_scores_compute
from branches.models import Organization

from .bulk import insert_with_history

G = EvaluationGrade
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("建国", "秀英", "志强", "桂兰", "海涛", "丽娟", "明辉", "春梅", "国庆", "玉兰", "德胜", "小红")
# Raters appointed over each township (they grade its committee's secretary and its villages') and over the
# county (they grade the county's and the townships' secretaries only).
PER_TOWNSHIP = {
    RaterGroup.TOWNSHIP_OFFICIAL: 2,
    RaterGroup.MEMBER_REPRESENTATIVE: 3,
    RaterGroup.MASS_REPRESENTATIVE: 3,
}
PER_COUNTY = {
    RaterGroup.TOWNSHIP_OFFICIAL: 2,
    RaterGroup.MEMBER_REPRESENTATIVE: 2,
    RaterGroup.MASS_REPRESENTATIVE: 2,
}
STATEMENT = (
    "{name}{year}年度党建工作述职报告\n"
    "一、主要工作：坚持“三会一课”制度，全年召开支部党员大会{meetings}次；落实党员联系户制度，走访群众"
    "{visits}户，协调解决群众急难愁盼问题{issues}件；发展党员{admitted}名。\n"
    "二、存在问题：{problem}\n"
    "三、下一步打算：{plan}"
)
PROBLEMS = (
    "党员队伍老龄化，年轻党员外出务工多，组织生活参加率不高。",
    "村集体经济增收渠道单一，带富能力有待提升。",
    "“三会一课”记录不够规范，部分会议主题不够鲜明。",
    "后备干部培养力度不够，35岁以下人才储备不足。",
)
PLANS = (
    "加强支部班子建设，规范组织生活，年内发展1名35岁以下党员。",
    "发展特色种植和村级合作社，壮大村集体经济。",
    "深化党员联系户制度，做实“一讲一查一活动”。",
)


@dataclass
class DemoEvaluation:
    statements: int = 0
    raters: int = 0
    grades: int = 0
    scores: int = 0


def create_demo_evaluation(*, actor, tree, today: dt.date, seed: int = 2026) -> DemoEvaluation:
    rng = random.Random(seed + 7)
    summary = DemoEvaluation()
    county = tree.county
    township_login = get_user_model().objects.filter(username="township").first()
    seed_township = getattr(tree, "seed_township", None)
    raters_pool = _rater_users(county, rng)
    for year, complete in ((today.year - 1, True), (today.year, False)):
        cycle = evaluation_cycle_create(actor=actor, county=county, year=year)
        subjects = evaluation_subjects(county, on=cycle.opens_on)
        quality = {subject.organization_id: rng.gauss(0.72, 0.14) for subject in subjects}
        summary.statements += _statements(actor, cycle, subjects, today, rng, complete=complete)
        raters = _raters(actor, cycle, county, subjects, raters_pool, township_login, seed_township)
        summary.raters += len(raters)
        summary.grades += _grades(actor, cycle, subjects, raters, quality, rng, complete=complete)
        if complete:
            evaluation_cycle_close(actor=actor, cycle=cycle)
            summary.scores += len(evaluation_scores_compute(actor=actor, cycle=cycle))
            cycle.refresh_from_db()
            evaluation_cycle_publish(actor=actor, cycle=cycle)
    return summary


def _rater_users(county: Organization, rng) -> list:
    """Accounts for the representatives (no password: they are demo rows, not logins)."""
    users = get_user_model()
    townships = Organization.objects.filter(parent=county).count()
    needed = townships * sum(PER_TOWNSHIP.values()) + sum(PER_COUNTY.values())
    prefix = f"rater-{county.code.lower()}-"
    existing = list(users.objects.filter(username__startswith=prefix).order_by("username"))
    unusable = make_password(None)
    fresh = [
        users(
            username=f"{prefix}{number:03d}",
            first_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            password=unusable,
        )
        for number in range(len(existing), needed)
    ]
    users.objects.bulk_create(fresh)
    return list(users.objects.filter(username__startswith=prefix).order_by("username"))[:needed]


def _statements(actor, cycle, subjects, today, rng, *, complete: bool) -> int:
    if today < cycle.opens_on:
        return 0  # this year's window has not opened yet
    names = secretary_names(cycle.county.path, on=min(today, cycle.closes_on))
    rows = []
    for subject in subjects:
        if not complete and rng.random() > 0.4:
            continue
        if complete:
            late = rng.random() < 0.08
            day = (
                cycle.statements_due_on + dt.timedelta(days=rng.randint(1, 10))
                if late
                else cycle.opens_on + dt.timedelta(days=rng.randint(5, 40))
            )
        else:
            late, day = False, max(cycle.opens_on, min(today, cycle.statements_due_on))
        moment = dt.datetime.combine(day, dt.time(rng.randint(8, 20), rng.randint(0, 59)))
        text = STATEMENT.format(
            name=subject.name,
            year=cycle.year,
            meetings=rng.randint(4, 6),
            visits=rng.randint(50, 180),
            issues=rng.randint(3, 25),
            admitted=rng.randint(0, 2),
            problem=rng.choice(PROBLEMS),
            plan=rng.choice(PLANS),
        )
        rows.append(
            {
                "cycle_id": cycle.pk,
                "organization_id": subject.organization_id,
                "level": subject.level,
                "secretary_name": names.get(subject.organization_id, "")[:50],
                "text": text,
                "submitted_at": timezone.make_aware(moment),
                "submitted_by_id": actor.pk,
                "late": late,
            }
        )
    return len(insert_with_history(Statement, rows, actor=actor))


def _raters(actor, cycle, county, subjects, pool, township_login, seed_township) -> list[dict]:
    """Appointments as dicts (id, group, organization id and path, user id); inserted with history."""
    targets = [(county, PER_COUNTY)] + [
        (township, PER_TOWNSHIP)
        for township in Organization.objects.filter(
            pk__in={s.organization_id for s in subjects if s.level == EvaluationLevel.TOWNSHIP}
        ).order_by("code")
    ]
    users = iter(pool)
    rows, paths = [], []
    for organization, groups in targets:
        for group, count in groups.items():
            for index in range(count):
                user = next(users)
                if (
                    index == 0
                    and group == RaterGroup.TOWNSHIP_OFFICIAL
                    and township_login is not None
                    and seed_township is not None
                    and organization.pk == seed_township.pk
                ):
                    user = township_login
                rows.append(
                    {
                        "cycle_id": cycle.pk,
                        "user_id": user.pk,
                        "group": group,
                        "organization_id": organization.pk,
                    }
                )
                paths.append(organization.path)
    ids = insert_with_history(EvaluationRater, rows, actor=actor)
    return [
        {**row, "id": pk, "path": path, "county_level": row["organization_id"] == county.pk}
        for row, pk, path in zip(rows, ids, paths, strict=True)
    ]


def _grade(quality: float, rng) -> str:
    value = quality + rng.gauss(0, 0.12)
    if value >= 0.8:
        return G.GOOD
    if value >= 0.6:
        return G.FAIRLY_GOOD
    if value >= 0.4:
        return G.AVERAGE
    return G.POOR


def _grades(actor, cycle, subjects, raters, quality, rng, *, complete: bool) -> int:
    rows = []
    for rater in raters:
        for subject in subjects:
            if not subject.path.startswith(rater["path"]):
                continue
            if rater["county_level"] and subject.level == EvaluationLevel.VILLAGE:
                continue  # county raters grade the county's and the townships' secretaries
            if not complete and rng.random() > 0.35:
                continue
            rows.append(
                {
                    "rater_id": rater["id"],
                    "organization_id": subject.organization_id,
                    "grade": _grade(quality[subject.organization_id], rng),
                }
            )
    return len(insert_with_history(SecretaryGrade, rows, actor=actor))
