"""The product's main pages, each with the role that opens it, and how one is measured: the table the page
benchmark (tests/perf/test_page_times.py) times and the query-count test (tests/partybuild/
test_page_queries.py) holds constant in the number of branches.

A page names the test that already holds its query count constant (``counted_in``); the query-count test
takes the others. List and entry pages are found by URL name (``…-list``, ``…-create``), so a new one is
timed without being added here.
"""

import statistics
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import get_resolver
from django.urls import reverse
from django.utils import timezone

from branches.models import BRANCH_KINDS
from branches.models import COMMITTEE_KINDS
from branches.models import Organization
from branches.models import OrganizationField
from branches.models import StaffRole
from branches.scope.roles import Role
from members.models import Cadre
from members.models import CadrePost

from .factories_lists import LIST_NAMES

COUNTY, TOWNSHIP, SECRETARY = "county", "township", "secretary"
ROLES = {COUNTY: Role.COUNTY_ADMIN, TOWNSHIP: Role.TOWNSHIP_STAFF, SECRETARY: Role.BRANCH_SECRETARY}
APPS = ("branches", "members", "assessments")
LISTS_COUNTED = "tests/members/test_lists_pages.py::test_page_queries_do_not_depend_on_the_number_of_rows"
DASHBOARDS_COUNTED = "tests/assessments/test_dashboard_pages.py::test_page_query_count_does_not_depend_…"


@dataclass(frozen=True)
class Places:
    """Where the pages are opened: a county, its largest township, and a village of it with a secretary."""

    year: int
    county: Organization
    township: Organization
    branch: Organization
    report_year: int | None = None


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    url_name: str
    target: str = ""  # the place the URL takes (county, township, branch), if any
    code: str = ""  # an indicator code, for the drill pages
    params: tuple = ()  # ("year",), ("tab", "history")…
    counted_in: str = ""

    def url(self, places: Places) -> str:
        args = [getattr(places, self.target).pk] if self.target else []
        if self.code:
            args.append(self.code)
        query = {}
        for name, *value in self.params:
            query[name] = value[0] if value else getattr(places, name)
        if self.url_name.endswith("report-joint-evaluation"):
            query = {"organization": places.county.pk, "year": places.report_year or places.year}
        url = reverse(self.url_name, args=args)
        return f"{url}?{urlencode(query)}" if query else url


YEAR = (("year",),)


def _dashboard(where: str, role: str) -> Page:
    return Page(f"dashboard · {where}", role, "assessments:dashboard", where, "", YEAR, DASHBOARDS_COUNTED)


def _drill(where: str, code: str) -> Page:
    return Page(f"drill · {where} · {code}", TOWNSHIP, "assessments:dashboard-drill", where, code, YEAR)


FIXED = [
    Page("home · county", COUNTY, "home"),
    Page("home · township", TOWNSHIP, "home"),
    Page("home · secretary", SECRETARY, "home"),
    Page(
        "dashboard · county", COUNTY, "assessments:dashboard", "county", "", (("year",),), DASHBOARDS_COUNTED
    ),
    Page(
        "dashboard · township",
        TOWNSHIP,
        "assessments:dashboard",
        "township",
        "",
        (("year",),),
        DASHBOARDS_COUNTED,
    ),
    Page("dashboard dues card · county", COUNTY, "assessments:dashboard-dues", "county", "", YEAR),
    Page("dashboard dues card · township", TOWNSHIP, "assessments:dashboard-dues", "township", "", YEAR),
    _drill("branch", "visit.households"),
    _drill("branch", "meet.group"),
    _drill("township", "dev.young_share"),
    _drill("township", "train.per_level"),
    _drill("township", "room.standardized"),
    _drill("township", "rollup.meet.assembly"),
    Page("branch page", SECRETARY, "assessments:branch-page", "branch", "", YEAR),
    Page(
        "organization tree",
        COUNTY,
        "members:organization-tree",
        counted_in="tests/members/test_organization_tree_page.py::test_the_query_count_does_not_grow_with_the_…",
    ),
    Page(
        "joint evaluation report",
        COUNTY,
        "assessments:report-joint-evaluation",
        counted_in="tests/assessments/test_report_page.py (the same queries for a small and a larger county)",
    ),
    Page("inbox · secretary", SECRETARY, "assessments:inbox"),
    Page("inbox · township", TOWNSHIP, "assessments:inbox"),
    Page("inbox · county", COUNTY, "assessments:inbox"),
    Page("security audit · events", COUNTY, "branches:audit"),
    Page(
        "terms and elections",
        TOWNSHIP,
        "members:organization-terms",
        "branch",
        counted_in="tests/members/test_terms_pages.py (the same queries for few and many elections)",
    ),
    Page("election entry", SECRETARY, "members:election-new", "branch"),
    Page("security audit · history", COUNTY, "branches:audit", params=(("tab", "history"),)),
]
# Already held constant in the number of branches by tests/members/test_lists_pages.py.
LISTS_WITH_COUNTS = frozenset(LIST_NAMES)


def _url_names(suffix: str) -> list[str]:
    """The pages' URL names of the apps ending with ``suffix``, from the URL configuration."""
    names = []
    for app in APPS:
        resolver = get_resolver().namespace_dict[app][1]
        names += [
            f"{app}:{name}"
            for name in resolver.reverse_dict
            if isinstance(name, str) and name.endswith(suffix)
        ]
    return sorted(set(names))


def _list_counted(name: str) -> str:
    return LISTS_COUNTED if name in LISTS_WITH_COUNTS else ""


def main_pages() -> list[Page]:
    """Every main page: the fixed ones, each list page (county administrator) and each entry page, for a
    secretary and for township staff (whose forms offer the township's branches)."""
    lists = [
        Page(
            f"list · {name.split(':')[1]}",
            COUNTY,
            name,
            counted_in=_list_counted(name),
        )
        for name in _url_names("-list")
    ]
    forms = [
        Page(f"entry · {name.split(':')[1]} · {role}", role, name)
        for name in _url_names("-create")
        for role in (SECRETARY, TOWNSHIP)
    ]
    return FIXED + lists + forms


# --- places and people ------------------------------------------------------------------------------------


def largest_township(county: Organization) -> Organization:
    return (
        Organization.objects.filter(kind__in=COMMITTEE_KINDS, parent=county)
        .annotate(n=Count("children"))
        .order_by("-n", "pk")
        .first()
    )


def village_with_secretary(township: Organization) -> Organization:
    """A village (or community) of ``township`` whose secretary post is held today: the visit form then has
    its default."""
    posts = Cadre.objects.serving_on(timezone.localdate()).filter(
        post=CadrePost.SECRETARY,
        organization__parent=township,
        organization__kind__in=BRANCH_KINDS,
        organization__field__in=[OrganizationField.VILLAGE, OrganizationField.COMMUNITY],
    )
    return posts.select_related("organization").order_by("organization__path").first().organization


def clients_for(places: Places, users) -> dict[str, Client]:
    """A logged-in client per role; ``users`` maps a role to its user (who holds it, or is given it here)."""
    clients = {}
    for role, user in users.items():
        organization = {COUNTY: places.county, TOWNSHIP: places.township, SECRETARY: places.branch}[role]
        StaffRole.objects.get_or_create(user=user, organization=organization, role=ROLES[role])
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


# --- measuring --------------------------------------------------------------------------------------------


def measure(client: Client, url: str, params: dict | None = None, rounds: int = 15) -> dict:
    """A page's queries and its server time through Django's test client — URL resolving, middleware, the
    view, the template — warm: the median and the best of ``rounds`` requests (none: queries only)."""
    for _ in range(2):  # warm: templates compiled, translations loaded, plans cached
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)
    executed = []

    def count(execute, sql, params, many, context):
        if sql != "BEGIN":  # SQLite opens a transaction with a statement, PostgreSQL's driver without one
            executed.append(sql)
        return execute(sql, params, many, context)

    # Counted by an execute wrapper rather than the debug query log, which came back empty here after the
    # engine's run (its log is a bounded deque; the wrapper sees every statement whatever the log does).
    with connection.execute_wrapper(count):
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    times, cpu = [], []
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {
        "queries": len(executed),
        "sql": executed,
        "median_ms": statistics.median(times) if times else None,
        "best_ms": min(times) if times else None,
        # This process's CPU alone (Python: ORM, view, template), which other load on the machine inflates
        # far less than the wall-clock time; the database's share is in the wall-clock time only.
        "cpu_ms": statistics.median(cpu) if cpu else None,
        "bytes": len(response.content),
    }
