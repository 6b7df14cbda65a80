"""The scope suite of records kept on an organization (a room, a review, a cadre post…): ``factory`` makes one
for an organization, and a PATCH of its ``organization`` moves it."""

from .scope import ScopeSuite


class OrganizationRecordScopeSuite(ScopeSuite):
    factory = None  # called with ``organization=``; a suite whose objects need more overrides make_object

    def make_object(self, world, organization):
        return self.factory(organization=organization)

    def move_payload(self, world, organization):
        return {"organization": organization.pk}
