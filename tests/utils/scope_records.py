"""The scope suites of records kept on an organization (a room, a review, a cadre post…): ``factory`` makes
one for an organization, and a PATCH of its ``organization`` moves it; of records kept on a cadre (a visit, a
study record), which a PATCH of their ``cadre`` moves; and of records kept on a member (an appraisal, a dues
base, a transfer letter), created for a new member of the organization."""

from .factories import MemberFactory
from .factories_cadres import CadreFactory
from .scope import ScopeSuite


class OrganizationRecordScopeSuite(ScopeSuite):
    factory = None  # called with ``organization=``; a suite whose objects need more overrides make_object
    create_fields: dict = {}  # what a create payload holds besides the organization

    def make_object(self, world, organization):
        return self.factory(organization=organization)

    def create_payload(self, world, organization):
        return {"organization": organization.pk, **self.create_fields}

    def move_payload(self, world, organization):
        return {"organization": organization.pk}


class CadreRecordScopeSuite(ScopeSuite):
    factory = None  # called with ``cadre=`` a cadre of the organization
    create_fields: dict = {}  # what a create payload holds besides the cadre

    def make_object(self, world, organization):
        return self.factory(cadre=CadreFactory(organization=organization))

    def create_payload(self, world, organization):
        return {"cadre": CadreFactory(organization=organization).pk, **self.create_fields}

    def move_payload(self, world, organization):
        return {"cadre": CadreFactory(organization=organization).pk}


class MemberRecordScopeSuite(ScopeSuite):
    create_fields: dict = {}  # what a create payload holds besides the member

    def create_payload(self, world, organization):
        return {"member": MemberFactory(branch=organization).pk, **self.create_fields}
