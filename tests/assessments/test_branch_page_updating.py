"""The branch page while a run covering the branch is queued or running — one a saved record started over the
branch or its township (docs/quotas.md, "Fresh figures"): it says the numbers are being updated, polls the
run and reloads with the new figures; never stale without saying so."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import QuotaResult
from assessments.models import QuotaRun
from assessments.models import RunState
from assessments.services.quotas import RECORDS_TRIGGER
from assessments.views.branch import UPDATED
from tests.utils.factories_entry import zh
from tests.utils.factories_quotas import published_run

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def year():
    return timezone.localdate().year


def page(client, organization):
    return client.get(reverse("assessments:branch-page", args=[organization.pk]))


def poll_url(organization, run):
    return reverse("assessments:branch-run", args=[organization.pk, run.pk])


def published_visit_figure(branch, year):
    run = published_run(branch, year)
    QuotaResult.objects.create(
        run=run, organization=branch, year=year, code="visit.households", target=1, actual=0, met=False
    )


@pytest.mark.parametrize("state", [RunState.QUEUED, RunState.RUNNING])
def test_a_township_run_under_way_shows_updating_and_polls_it(secretary, world, year, state):
    published_visit_figure(world.branch_a1, year)
    run = QuotaRun.objects.create(
        organization=world.township_a, year=year, state=state, trigger=RECORDS_TRIGGER
    )

    html = page(secretary, world.branch_a1).content.decode()

    assert 'id="updating"' in html and 'role="status"' in html
    assert f'hx-get="{poll_url(world.branch_a1, run)}"' in html and 'hx-trigger="load delay:1s"' in html
    assert 'id="quota-list" aria-busy="true"' in html


def test_no_run_under_way_no_updating(secretary, world, year):
    published_visit_figure(world.branch_a1, year)
    QuotaRun.objects.create(organization=world.township_a, year=year, state=RunState.SUCCEEDED)
    QuotaRun.objects.create(organization=world.township_b, year=year)  # another township's: not this branch's
    QuotaRun.objects.create(organization=world.township_a, year=year - 1)  # another year's

    html = page(secretary, world.branch_a1).content.decode()

    assert 'id="updating"' not in html and "load delay:1s" not in html and "aria-busy" not in html


def test_a_run_over_every_tree_covers_the_branch(secretary, world, year):
    QuotaRun.objects.create(organization=None, year=year)
    assert 'id="updating"' in page(secretary, world.branch_a1).content.decode()


def test_when_the_run_is_done_the_page_reloads_saying_the_numbers_include_the_records(secretary, world, year):
    run = QuotaRun.objects.create(organization=world.township_a, year=year, trigger=RECORDS_TRIGGER)
    assert "HX-Refresh" not in secretary.get(poll_url(world.branch_a1, run), **HTMX)

    QuotaRun.objects.filter(pk=run.pk).update(state=RunState.SUCCEEDED, progress=100)
    response = secretary.get(poll_url(world.branch_a1, run), **HTMX)

    assert response["HX-Refresh"] == "true" and 'id="updating"' not in response.content.decode()
    assert zh(UPDATED) in page(secretary, world.branch_a1).content.decode()


def test_a_failed_update_says_so_beside_the_old_figures(secretary, world, year):
    published_visit_figure(world.branch_a1, year)
    QuotaRun.objects.create(
        organization=world.township_a, year=year, state=RunState.FAILED, error="OperationalError: gone"
    )
    html = page(secretary, world.branch_a1).content.decode()
    assert "OperationalError: gone" in html and 'id="quota-list"' in html


def test_only_a_run_covering_the_branch_is_polled_through_it(secretary, world, year):
    other_township = QuotaRun.objects.create(organization=world.township_b, year=year)
    other_branch = QuotaRun.objects.create(organization=world.branch_a2, year=year)
    covering = QuotaRun.objects.create(organization=world.township_a, year=year)

    assert secretary.get(poll_url(world.branch_a1, other_township)).status_code == 404
    assert secretary.get(poll_url(world.branch_a1, other_branch)).status_code == 404
    assert secretary.get(poll_url(world.branch_a2, covering)).status_code == 404  # not the secretary's branch
    assert secretary.get(poll_url(world.branch_a1, covering)).status_code == 200
