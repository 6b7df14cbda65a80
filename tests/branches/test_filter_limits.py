"""The limits of a list's query (docs/security.md, "Limits"): free text of at most FILTER_MAX_TEXT
characters, a bounded number of values per parameter and of query bytes, refused with a message (400 on the
API, a filter error on the page) instead of the web server's bare 414."""

from urllib.parse import urlencode

import django_filters
import pytest
from django.urls import get_resolver
from django.urls import reverse

from branches.picker import TEXT_SUFFIX
from branches.picker import OrganizationPicker
from branches.scope.filtering import MAX_QUERY_BYTES
from branches.scope.filtering import MAX_VALUES
from branches.scope.lists import ScopedListView

pytestmark = pytest.mark.django_db

GUNICORN_DEFAULT_REQUEST_LINE = 4094


def test_api_search_of_the_limit_is_accepted_and_one_more_character_refused(world, settings):
    client = world.client("staff_a")
    limit = settings.FILTER_MAX_TEXT
    assert client.get(reverse("visitlog-list"), {"search": "户" * limit}).status_code == 200
    response = client.get(reverse("visitlog-list"), {"search": "户" * (limit + 1)})
    assert response.status_code == 400
    assert str(limit) in str(response.json())


def test_api_refuses_too_many_values_of_one_filter(world):
    params = [("status", "active")] * (MAX_VALUES + 1)
    response = world.client("county_admin").get(reverse("member-list") + "?" + urlencode(params))
    assert response.status_code == 400


def test_api_refuses_a_query_over_the_byte_budget_with_a_message(world, settings):
    params = [(f"x{n}", "户" * 40) for n in range(12)]
    response = world.client("staff_a").get(reverse("visitlog-list") + "?" + urlencode(params))
    assert response.status_code == 400


def test_api_export_refuses_a_long_search_before_counting(world, settings):
    response = world.client("staff_a").get(
        reverse("visitlog-export"), {"search": "户" * (settings.FILTER_MAX_TEXT + 1)}
    )
    assert response.status_code == 400


def test_the_list_page_shows_a_long_search_as_a_filter_error(world, client, settings):
    client.force_login(world.users["staff_a"])
    response = client.get(reverse("members:visit-list"), {"search": "户" * (settings.FILTER_MAX_TEXT + 1)})
    assert response.status_code == 200
    assert f"{settings.FILTER_MAX_TEXT}" in response.content.decode()
    assert response.context["filter_errors"]


def _list_views(cls=ScopedListView):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _list_views(subclass)


def _fullest_query(view) -> list:
    """Every option of every multiple choice, the longest single choice, 20 Chinese characters of text (and
    of an organization picker's name)."""
    params = []
    for name, field in view.filterset_class.base_filters.items():
        choices = field.extra.get("choices")
        choices = choices() if callable(choices) else choices
        if isinstance(field, django_filters.MultipleChoiceFilter):
            params += [(name, value) for value, _label in choices]
        elif isinstance(field, django_filters.ChoiceFilter) and choices is not None:
            params.append((name, max((str(value) for value, _ in choices), key=len)))
        else:
            params.append((name, "中" * 20))
        if isinstance(field.extra.get("widget"), OrganizationPicker):  # the picker's text box travels too
            params.append((name + TEXT_SUFFIX, "中" * 20))
    return [*params, ("search", "中" * 20), ("ordering", "-visited_on"), ("page", "999")]


def test_every_list_pages_fullest_filter_form_fits_the_query_budget():
    get_resolver().url_patterns  # noqa: B018 - imports every app's list views
    views = [view for view in _list_views() if view.filterset_class]
    assert views
    for view in views:
        query = urlencode(_fullest_query(view))
        assert len(query) <= MAX_QUERY_BYTES < GUNICORN_DEFAULT_REQUEST_LINE, view.__name__
