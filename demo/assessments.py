"""The demo county's judgements: quota runs for last year and this year, star ratings at every workflow
stage, last year's democratic appraisal of members and two open rectifications — so the dashboards and
reports have data right after ``make demo``."""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from assessments.models import DIMENSIONS
from assessments.models import AppraisalGrade
from assessments.models import RunState
from assessments.models import StarRating
from assessments.selectors.rectifications import rectification_candidates
from assessments.services.appraisal_batches import appraisal_record_many
from assessments.services.quotas import quota_run_start
from assessments.services.ratings import rating_confirm
from assessments.services.ratings import rating_propose
from assessments.services.ratings import rating_review
from assessments.services.ratings import rating_self_assess
from assessments.services.rectifications import rectification_open
from branches.models import BRANCH_KINDS
from branches.models import Organization
from members.models import Cadre
from members.models import Member
from members.models import MemberCategory
from members.models import MemberStatus
from members.models.cadres import CadrePost

from .evaluation import create_demo_evaluation

REVIEW_REASONS = ("走访记录与台账不符，酌情扣分", "“三会一课”记录不完整", "群众满意度测评偏低")
PLANS = (
    "配齐配强支部班子，选派第一书记驻村指导；规范“三会一课”，每月召开支委会；"
    "年内发展1名35岁以下党员，建立后备干部队伍。",
    "由乡镇党委副书记包联，党建指导员每周驻村；开展集中整顿，公开财务和村务，重新开展群众满意度测评。",
)


@dataclass
class DemoAssessments:
    quota_results: int = 0
    alerts: int = 0
    ratings: int = 0
    appraisals: int = 0
    rectifications: int = 0


def create_demo_assessments(*, actor, tree, today, seed=2026) -> DemoAssessments:
    rng = random.Random(seed)
    summary = DemoAssessments()
    last_year = today.year - 1
    for year in (last_year, today.year):
        run = quota_run_start(actor=actor, organization=tree.county, year=year, trigger="demo")
        run.refresh_from_db()
        if run.state != RunState.SUCCEEDED:
            raise RuntimeError(f"the demo quota run for {year} failed: {run.error}")
        summary.quota_results += run.counts["results"]
        summary.alerts += run.counts["alerts"]
        rating_propose(actor=actor, organization=tree.county, year=year)
    summary.ratings = _walk_ratings(actor, tree.county, last_year, rng)
    summary.appraisals = _appraise(actor, tree.county, last_year, rng)
    summary.rectifications = _open_rectifications(actor, tree.county, last_year, today)
    create_demo_evaluation(actor=actor, tree=tree, today=today, seed=seed)
    return summary


def _walk_ratings(actor, county: Organization, year: int, rng) -> int:
    """Last year's ratings spread over the four stages; reviewers sometimes change a score, with a reason."""
    ratings = list(
        StarRating.objects.filter(organization__path__startswith=county.path, year=year).order_by("pk")
    )
    steps = (rating_self_assess, rating_review, rating_confirm)
    for index, rating in enumerate(ratings):
        for step in steps[: index % 4]:
            scores, reason = None, ""
            if step is not rating_self_assess and rng.random() < 0.3:
                dimension = rng.choice(DIMENSIONS)
                current = getattr(rating, dimension)
                scores = (
                    {dimension: max(Decimal(0), current - 2)} if current >= 2 else {dimension: current + 2}
                )
                reason = rng.choice(REVIEW_REASONS)
            rating = step(actor=actor, rating=rating, scores=scores, reason=reason)
    return len(ratings)


def _grades(count: int, rng) -> list[str]:
    """About a fifth excellent (always within the third), most qualified, a few basically or not qualified."""
    excellent = min(count // 3, round(count * 0.2))
    grades = [AppraisalGrade.EXCELLENT] * excellent
    for _ in range(count - excellent):
        roll = rng.random()
        grades.append(
            AppraisalGrade.QUALIFIED
            if roll < 0.94
            else AppraisalGrade.BASIC
            if roll < 0.99
            else AppraisalGrade.UNQUALIFIED
        )
    rng.shuffle(grades)
    return grades


def _appraise(actor, county: Organization, year: int, rng) -> int:
    day = dt.date(year, 12, 20)
    # Those on the roll on the day of the appraisal (docs/records.md, "On the roll on a day").
    members = (
        Member.objects.filter(branch__path__startswith=county.path, status=MemberStatus.NORMAL)
        .exclude(joined_on__gt=day)
        .order_by("branch_id", "pk")
    )
    by_branch: dict[int, list[Member]] = {}
    for member in members:
        by_branch.setdefault(member.branch_id, []).append(member)
    branches = Organization.objects.in_bulk(list(by_branch))
    total = 0
    for branch_id, people in by_branch.items():
        graded = [m for m in people if m.category == MemberCategory.FULL]
        grades = iter(_grades(len(graded), rng))
        entries = [
            {"member": m, "grade": next(grades) if m.category == MemberCategory.FULL else ""} for m in people
        ]
        appraisal_record_many(
            actor=actor,
            branch=branches[branch_id],
            year=year,
            appraised_on=day,
            entries=entries,
        )
        total += len(entries)
    return total


def _open_rectifications(actor, county: Organization, year: int, today) -> int:
    """The two weakest village branches with an instructor get a rectification, still open."""
    opened = 0
    for candidate in rectification_candidates(organization=county, year=year):
        branch = candidate.organization
        if branch.kind not in BRANCH_KINDS or branch.field not in ("village", "community"):
            continue
        instructor = (
            Cadre.objects.serving_on(today).filter(organization=branch, post=CadrePost.INSTRUCTOR).first()
        )
        if instructor is None:
            continue
        rectification_open(
            actor=actor,
            organization=branch,
            year=year,
            plan=PLANS[opened],
            responsible_leader="乡镇党委副书记",
            instructor=instructor,
            deadline=today + dt.timedelta(days=120),
            reasons=[reason["code"] for reason in candidate.reasons],
        )
        opened += 1
        if opened == 2:
            break
    return opened
