"""The scope suite of a county's yearly policy (quota targets, star rating rules): one per county and year,
written by the county admin; a township viewer cannot even name the county (400 "does not exist")."""

from .factories_quotas import root_county
from .scope import ScopeSuite


class CountyPolicyScopeSuite(ScopeSuite):
    model = None  # the policy model: a ``county`` and a ``year``
    writer = "county_admin"
    viewer_refusals = frozenset({400})

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.years = iter(range(2001, 2100))  # each object of the suite a year of its own

    def make_object(self, world, organization):
        return self.model.objects.create(county=root_county(organization), year=next(self.years))

    def create_payload(self, world, organization):
        return {"county": root_county(organization).pk, "year": 2099}
