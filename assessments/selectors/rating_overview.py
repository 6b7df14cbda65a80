"""The star-rating overview of a year (docs/ratings-and-evaluation.md): for a county, each township (street)
committee with the number of its branches at each stage and each star level; for a township, each of its
branches with its rating. Branches taking part only (not dissolved by the reference day).

Set-based: one query for the committees, one per count (branches, ratings) for every county at once, one for
the branches of every township at once, whatever the number of townships and branches.
"""

from dataclasses import dataclass
from dataclasses import field

from django.db.models import Count
from django.db.models import FilteredRelation
from django.db.models import Q

from branches.models import BRANCH_KINDS
from branches.models import COMMITTEE_KINDS
from branches.models import COMMITTEE_OR_COUNTY_KINDS
from branches.models import Organization
from branches.models.tree import OrganizationKind
from branches.scope.querysets import scope_paths
from branches.scope.querysets import subtree_q
from branches.scope.roles import Capability

from ..models import RatingStage
from .rating_basis import stars_text
from .ratings import taking_part

STAR_LEVELS = (5, 4, 3, 0)


@dataclass
class CountRow:
    """One township (or the branches directly under a county): its branches by stage and by star level."""

    pk: int
    name: str
    direct: bool = False  # the county's own branches, under no township
    branches: int = 0
    by_stage: dict = field(default_factory=lambda: dict.fromkeys(RatingStage.values, 0))
    by_stars: dict = field(default_factory=lambda: dict.fromkeys(STAR_LEVELS, 0))

    @property
    def rated(self) -> int:
        return sum(self.by_stage.values())

    @property
    def not_rated(self) -> int:
        return self.branches - self.rated

    @property
    def stage_counts(self) -> list[tuple[str, str, int]]:
        return [(stage.value, stage.label, self.by_stage[stage.value]) for stage in RatingStage]

    @property
    def star_counts(self) -> list[tuple[int, int]]:
        return [(level, self.by_stars[level]) for level in STAR_LEVELS]

    def add(self, other: "CountRow") -> None:
        self.branches += other.branches
        for stage, count in other.by_stage.items():
            self.by_stage[stage] += count
        for stars, count in other.by_stars.items():
            self.by_stars[stars] += count


@dataclass
class Section:
    """A county with its townships, or a township with its branches."""

    organization: Organization
    rows: list = field(default_factory=list)  # CountRow per township, or one dict per branch
    totals: CountRow | None = None

    @property
    def is_county(self) -> bool:
        return self.organization.kind == OrganizationKind.COUNTY_COMMITTEE


def overview_roots(*, user) -> list[Organization]:
    """The counties and committees at the top of ``user``'s reading scope (every county for a superuser)."""
    queryset = Organization.objects.active().filter(kind__in=COMMITTEE_OR_COUNTY_KINDS)
    paths = scope_paths(user, Capability.VIEW)
    if paths is None:
        queryset = queryset.filter(kind=OrganizationKind.COUNTY_COMMITTEE, parent__isnull=True)
    else:
        queryset = queryset.filter(path__in=paths)
    return list(queryset.order_by("path"))


def _branches(paths: list[str], year: int):
    return Organization.objects.filter(subtree_q("path", paths), kind__in=BRANCH_KINDS).filter(
        taking_part(year)
    )


def _ancestors(path: str | None) -> set[int]:
    return {int(pk) for pk in (path or "").strip("/").split("/") if pk}


def _county_sections(counties: list[Organization], year: int) -> list[Section]:
    paths = [county.path for county in counties]
    sections = {county.pk: Section(organization=county) for county in counties}
    rows: dict[int, CountRow] = {}
    committees = Organization.objects.filter(subtree_q("path", paths), kind__in=COMMITTEE_KINDS)
    for committee in committees.only("pk", "name", "path").order_by("path"):
        rows[committee.pk] = CountRow(pk=committee.pk, name=committee.name)
        county = next(c for c in counties if committee.path.startswith(c.path))
        sections[county.pk].rows.append(rows[committee.pk])
    direct = {county.pk: CountRow(pk=county.pk, name=county.name, direct=True) for county in counties}

    def row_for(parent_path: str | None) -> CountRow | None:
        ancestors = _ancestors(parent_path)
        pk = next(iter(ancestors & rows.keys() or ancestors & direct.keys()), None)
        return rows.get(pk) or direct.get(pk)

    branches = _branches(paths, year)
    for group in branches.values("parent__path").annotate(n=Count("pk")).order_by():
        if row := row_for(group["parent__path"]):
            row.branches += group["n"]
    ratings = (
        branches.filter(star_ratings__year=year)
        .values("parent__path", "star_ratings__stage", "star_ratings__stars")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for group in ratings:
        if row := row_for(group["parent__path"]):
            row.by_stage[group["star_ratings__stage"]] += group["n"]
            stars = group["star_ratings__stars"]
            row.by_stars[stars if stars in STAR_LEVELS else 0] += group["n"]
    for county in counties:
        if direct[county.pk].branches:
            sections[county.pk].rows.append(direct[county.pk])
    return [_with_totals(sections[county.pk]) for county in counties]


def _with_totals(section: Section) -> Section:
    section.totals = CountRow(pk=section.organization.pk, name=section.organization.name)
    for row in section.rows:
        section.totals.add(row)
    return section


def _township_sections(committees: list[Organization], year: int) -> list[Section]:
    sections = [Section(organization=committee) for committee in committees]
    branches = (
        _branches([committee.path for committee in committees], year)
        .annotate(rating=FilteredRelation("star_ratings", condition=Q(star_ratings__year=year)))
        .values("pk", "name", "path", "rating__pk", "rating__stage", "rating__stars", "rating__total")
        .order_by("path")
    )
    for branch in branches:
        section = next(s for s in sections if branch["path"].startswith(s.organization.path))
        stage, stars = branch["rating__stage"], branch["rating__stars"]
        branch["stage_label"] = RatingStage(stage).label if stage else None
        branch["stars_text"] = stars_text(stars) if stage else None
        section.rows.append(branch)
    for section in sections:
        totals = section.totals = CountRow(pk=section.organization.pk, name=section.organization.name)
        for branch in section.rows:
            totals.branches += 1
            if branch["rating__pk"] is not None:
                totals.by_stage[branch["rating__stage"]] += 1
                stars = branch["rating__stars"]
                totals.by_stars[stars if stars in STAR_LEVELS else 0] += 1
    return sections


def rating_overview(*, roots: list[Organization], year: int) -> list[Section]:
    """A section per root: a county's townships, or a committee's branches, in tree order."""
    counties = [root for root in roots if root.kind == OrganizationKind.COUNTY_COMMITTEE]
    committees = [root for root in roots if root.kind != OrganizationKind.COUNTY_COMMITTEE]
    sections = []
    if counties:
        sections += _county_sections(counties, year)
    if committees:
        sections += _township_sections(committees, year)
    return sorted(sections, key=lambda section: section.organization.path)
