"""The generic scope suite for read-only endpoints that take ``?organization=<id>&year=<y>`` (dashboards,
reports): they are not router viewsets, so ScopeSuite does not fit, but the same promises hold — anonymous is
refused, an organization outside the caller's scope answers 404 exactly like a missing one, a malformed
parameter answers 400 with a message, and the caller's own subtree answers 200."""

from django.urls import reverse

from .fixtures import World


class OrganizationParamScopeSuite:
    url_name: str = ""
    reader: str = "staff_a"
    extra_params: dict = {}

    # --- what a subclass may override ---
    def target(self, world: World):
        """An organization inside ``reader``'s scope that the endpoint accepts."""
        return world.township_a

    def foreign_target(self, world: World):
        return world.township_b

    def prepare(self, world: World):
        """Data the endpoint needs before it can answer (e.g. a cycle for a report)."""

    def year(self, world: World) -> int:
        return 2025

    # --- helpers ---
    def get(self, world, who, **params):
        query = {"year": self.year(world), **self.extra_params, **params}
        return world.client(who).get(reverse(self.url_name), query)

    # --- the suite ---
    def test_anonymous_is_refused(self, world):
        self.prepare(world)
        response = self.get(world, None, organization=self.target(world).pk)
        assert response.status_code in {401, 403}

    def test_own_subtree_answers(self, world):
        self.prepare(world)
        response = self.get(world, self.reader, organization=self.target(world).pk)
        assert response.status_code == 200, response.content

    def test_foreign_organization_answers_404_like_a_missing_one(self, world):
        self.prepare(world)
        foreign = self.get(world, self.reader, organization=self.foreign_target(world).pk)
        missing = self.get(world, self.reader, organization=10**9)
        assert foreign.status_code == 404
        assert missing.status_code == 404

    def test_user_without_role_gets_404(self, world):
        self.prepare(world)
        response = self.get(world, "nobody", organization=self.target(world).pk)
        assert response.status_code == 404

    def test_malformed_parameters_answer_400(self, world):
        self.prepare(world)
        assert self.get(world, self.reader, organization="abc").status_code == 400
        bad_year = self.get(world, self.reader, organization=self.target(world).pk, year="20x5")
        assert bad_year.status_code == 400
