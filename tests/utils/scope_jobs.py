"""The scope suite of a requester's job (export and import jobs): each organization's job is asked for by
someone who works there, and only that person finds it."""

import uuid

from branches.scope.roles import Role
from tests.utils.factories import StaffRoleFactory, UserFactory
from tests.utils.scope import ScopeSuite


class RequesterJobScopeSuite(ScopeSuite):
    writer = "staff_a"
    supports_create = False

    def make_job(self, world, organization, requester):
        raise NotImplementedError

    def make_object(self, world, organization):
        requesters = {world.branch_a1.pk: "staff_a", world.branch_b1.pk: "staff_b"}
        who = requesters.get(organization.pk)
        if who is None:
            who = UserFactory()
            StaffRoleFactory(user=who, organization=organization, role=Role.TOWNSHIP_STAFF)
        return self.make_job(world, organization, world.users[who] if isinstance(who, str) else who)

    def listed_ids(self, world, who):
        # Job ids are UUIDs: the list answers them as text.
        listed = super().listed_ids(world, who)
        return listed | {uuid.UUID(value) for value in listed}
