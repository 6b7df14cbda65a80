"""Generic scope tests (NetBox-style): every API endpoint's test subclasses ``ScopeSuite`` in a few lines.

A subclass names the router ``basename`` and says how to make an object belonging to an organization, what a
create payload for an organization looks like and, if the object can be moved, the PATCH that moves it.
``writer`` is the world user who may write this kind of record in their own subtree.
"""

import importlib
import pkgutil

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import tests

from .fixtures import World

REFUSED = {400, 403, 404}


def subclasses_in_test_modules(base: type) -> list[type]:
    """Every subclass of the suite ``base`` in the test modules (browser tests aside), imported first."""
    for module in pkgutil.walk_packages(tests.__path__, prefix="tests."):
        if module.name.rsplit(".", 1)[-1].startswith("test_") and ".e2e." not in module.name:
            importlib.import_module(module.name)
    return list(_subclasses(base))


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


class ScopeSuite:
    basename: str = ""
    writer: str = "staff_a"
    supports_create: bool = True
    supports_delete: bool = False
    created_status: int = 201
    # A viewer gets 403; where the viewer cannot even see the target organization, 400 "does not exist".
    viewer_refusals: frozenset = frozenset({403})

    # --- what a subclass provides ---
    def make_object(self, world: World, organization):
        raise NotImplementedError

    def create_payload(self, world: World, organization) -> dict:
        raise NotImplementedError

    def move_payload(self, world: World, organization) -> dict | None:
        """PATCH body moving an object to ``organization``; None when objects cannot move."""
        return None

    # --- helpers ---
    def list_url(self):
        return reverse(f"{self.basename}-list")

    def detail_url(self, obj):
        return reverse(f"{self.basename}-detail", args=[obj.pk])

    def listed_ids(self, world, who):
        response = world.client(who).get(self.list_url(), {"page_size": 500})
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    @staticmethod
    def snapshot(obj):
        return type(obj)._default_manager.filter(pk=obj.pk).values().get()

    def assert_create_refused(self, world, who: str, organization, refusals) -> None:
        """``who`` posting a create payload for ``organization`` is answered one of ``refusals``, and no row
        of the model is added."""
        if not self.supports_create:
            pytest.skip("this endpoint has no create")
        model = type(self.make_object(world, world.own_branch(self.writer)))
        count = model._default_manager.count()
        payload = self.create_payload(world, organization)
        response = world.client(who).post(self.list_url(), payload, format="json")
        assert response.status_code in refusals, response.content
        assert model._default_manager.count() == count

    # --- the suite ---
    def test_anonymous_is_refused(self, world):
        assert world.client(None).get(self.list_url()).status_code in {401, 403}

    def test_user_without_role_sees_nothing(self, world):
        self.make_object(world, world.own_branch(self.writer))
        assert self.listed_ids(world, "nobody") == set()

    def test_list_shows_only_rows_in_scope(self, world):
        own = self.make_object(world, world.own_branch(self.writer))
        foreign = self.make_object(world, world.foreign_branch(self.writer))
        listed = self.listed_ids(world, self.writer)
        assert own.pk in listed
        assert foreign.pk not in listed

    def test_retrieve_foreign_object_answers_404_like_a_missing_one(self, world):
        foreign = self.make_object(world, world.foreign_branch(self.writer))
        client = world.client(self.writer)
        assert client.get(self.detail_url(foreign)).status_code == 404
        missing = reverse(f"{self.basename}-detail", args=[10**9])
        assert client.get(missing).status_code == 404

    def test_update_of_foreign_object_answers_404_and_changes_nothing(self, world):
        foreign = self.make_object(world, world.foreign_branch(self.writer))
        before = self.snapshot(foreign)
        response = world.client(self.writer).patch(self.detail_url(foreign), {}, format="json")
        assert response.status_code in {404, 405}
        assert self.snapshot(foreign) == before

    def test_create_in_own_scope_succeeds(self, world):
        if not self.supports_create:
            pytest.skip("this endpoint has no create")
        payload = self.create_payload(world, world.own_branch(self.writer))
        response = world.client(self.writer).post(self.list_url(), payload, format="json")
        assert response.status_code == self.created_status, response.content
        assert response.json()["id"] in self.listed_ids(world, self.writer)

    def test_create_into_foreign_organization_is_refused_and_rolled_back(self, world):
        self.assert_create_refused(world, self.writer, world.foreign_branch(self.writer), REFUSED)

    def test_viewer_cannot_create(self, world):
        self.assert_create_refused(world, "viewer_a", world.own_branch(self.writer), self.viewer_refusals)

    def test_moving_an_object_out_of_scope_is_refused_and_rolled_back(self, world):
        own = self.make_object(world, world.own_branch(self.writer))
        payload = self.move_payload(world, world.foreign_branch(self.writer))
        if payload is None:
            pytest.skip("objects of this endpoint cannot be moved")
        before = self.snapshot(own)
        response = world.client(self.writer).patch(self.detail_url(own), payload, format="json")
        assert response.status_code in REFUSED, response.content
        assert self.snapshot(own) == before

    def test_delete_of_foreign_object_answers_404(self, world):
        if not self.supports_delete:
            pytest.skip("this endpoint has no delete")
        foreign = self.make_object(world, world.foreign_branch(self.writer))
        assert world.client(self.writer).delete(self.detail_url(foreign)).status_code == 404
        assert type(foreign)._default_manager.filter(pk=foreign.pk).exists()

    def test_list_query_count_does_not_grow_with_rows(self, world):
        client = world.client(self.writer)
        self.make_object(world, world.own_branch(self.writer))
        client.get(self.list_url())  # warm per-process caches (content types, etc.)
        with CaptureQueriesContext(connection) as few:
            assert client.get(self.list_url()).status_code == 200
        for _ in range(6):
            self.make_object(world, world.own_branch(self.writer))
        with CaptureQueriesContext(connection) as many:
            assert client.get(self.list_url()).status_code == 200
        assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
