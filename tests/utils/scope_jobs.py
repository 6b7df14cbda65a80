"""The scope suite of a requester's job (export and import jobs): each organization's job is asked for by
someone who works there, and only that person finds it."""

import uuid

from branches.scope.roles import Role
from tests.utils.factories import StaffRoleFactory
from tests.utils.factories import UserFactory
from tests.utils.scope import ScopeSuite


def requested_job(model, organization, requester, **fields):
    """A job of ``model`` (``ExportJob``, ``ImportJob``) asked for by ``requester`` in ``organization``."""
    return model.objects.create(organization=organization, requested_by=requester, **fields)


def staff_a_job(world, model, **fields):
    """A job of ``model`` that staff_a asked for in branch A1."""
    return requested_job(model, world.branch_a1, world.users["staff_a"], **fields)


class RequesterJobScopeSuite(ScopeSuite):
    """``job_model`` and its ``job_fields`` (what the job does) name the job; set them in the subclass."""

    writer = "staff_a"
    supports_create = False
    job_model = None
    job_fields: dict = {}

    def make_job(self, world, organization, requester):
        return requested_job(self.job_model, organization, requester, **self.job_fields)

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
