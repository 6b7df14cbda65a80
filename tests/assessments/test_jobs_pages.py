"""The quota-run job pages: the list in scope, starting a run from the form, and the polled progress."""

from django.urls import reverse
from django.utils import timezone

from assessments.models import QuotaRun
from assessments.models import RunState


def test_staff_start_a_run_for_their_township_and_land_on_its_progress(world):
    year = timezone.localdate().year
    client = world.page_client("staff_a")
    response = client.post(
        reverse("assessments:quota-run-list"), {"organization": world.township_a.pk, "year": year}
    )
    run = QuotaRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:quota-run-detail", args=[run.pk])
    assert (run.organization, run.year, run.trigger, run.requested_by) == (
        world.township_a, year, "ui", world.users["staff_a"],
    )  # fmt: skip
    assert run.state == RunState.SUCCEEDED  # the tests run Celery eagerly
    detail = client.get(response["Location"]).content.decode()
    assert 'data-state="succeeded"' in detail and 'data-width="100"' in detail
    assert 'hx-trigger="every' not in detail  # finished: the page stops polling


def test_a_running_run_polls_its_progress_partial_every_second(world):
    run = QuotaRun.objects.create(
        organization=world.township_a, year=2024, state=RunState.RUNNING, progress=40
    )
    client = world.page_client("staff_a")
    detail = client.get(reverse("assessments:quota-run-detail", args=[run.pk])).content.decode()
    progress_url = reverse("assessments:quota-run-progress", args=[run.pk])
    assert f'hx-get="{progress_url}"' in detail and 'hx-trigger="load delay:1s"' in detail
    assert 'data-width="40"' in detail
    QuotaRun.objects.filter(pk=run.pk).update(state=RunState.FAILED, progress=40, error="boom")
    partial = client.get(progress_url)
    assert partial.status_code == 200
    html = partial.content.decode()
    assert 'data-state="failed"' in html and "boom" in html and "hx-trigger" not in html
    assert "<html" not in html


def test_the_form_offers_only_organizations_in_scope_and_refuses_others(world):
    client = world.page_client("staff_a")
    page = client.get(reverse("assessments:quota-run-list"))
    choices = [org.pk for org in page.context["form"].fields["organization"].queryset]
    assert choices == [world.township_a.pk]
    response = client.post(
        reverse("assessments:quota-run-list"), {"organization": world.township_b.pk, "year": 2024}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["organization"]
    assert not QuotaRun.objects.exists()


def test_a_future_year_is_refused_with_a_message(world):
    client = world.page_client("staff_a")
    year = timezone.localdate().year + 1
    response = client.post(
        reverse("assessments:quota-run-list"), {"organization": world.township_a.pk, "year": year}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    assert not QuotaRun.objects.exists()


def test_viewers_see_runs_but_no_form_and_secretaries_are_refused_the_list(world):
    run = QuotaRun.objects.create(
        organization=world.township_a, year=2024, state=RunState.SUCCEEDED, progress=100
    )
    data = {"organization": world.township_a.pk, "year": 2024}
    viewer = world.page_client("viewer_a")
    assert viewer.get(reverse("assessments:quota-run-list")).context["form"] is None
    assert viewer.post(reverse("assessments:quota-run-list"), data).status_code == 404
    # A secretary starts the run of their own branch from the branch page; the list is about committees.
    secretary = world.page_client("secretary_a1")
    assert secretary.get(reverse("assessments:quota-run-list")).status_code == 403
    assert secretary.post(reverse("assessments:quota-run-list"), data).status_code == 403
    viewer_page = world.page_client("viewer_a").get(reverse("assessments:quota-run-list"))
    assert [r.pk for r in viewer_page.context["page"].object_list] == [run.pk]


def test_runs_outside_scope_are_not_listed_and_answer_404(world):
    foreign = QuotaRun.objects.create(organization=world.township_b, year=2024)
    client = world.page_client("staff_a")
    listed = client.get(reverse("assessments:quota-run-list")).context["page"].object_list
    assert foreign not in listed
    assert client.get(reverse("assessments:quota-run-detail", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("assessments:quota-run-progress", args=[foreign.pk])).status_code == 404
