"""The demo's accounts: one login per role, with the passwords published for them, and the system user
recorded as the actor of every seeded row."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from branches.models import Organization
from branches.models import StaffRole
from branches.passwords import PUBLISHED_DEMO_PASSWORDS
from branches.scope.roles import Role
from branches.services import staff_role_grant

from .organizations import DemoTree
from .organizations import Field
from .organizations import demo_county

SYSTEM_USERNAME = "system"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    first_name: str
    role: str


# The published passwords are kept with the password rules, where the production check refusing them
# reads them without importing the demo.
DEMO_LOGINS = (
    DemoLogin("county", PUBLISHED_DEMO_PASSWORDS["county"], "刘建军", Role.COUNTY_ADMIN),
    DemoLogin("township", PUBLISHED_DEMO_PASSWORDS["township"], "张海燕", Role.TOWNSHIP_STAFF),
    DemoLogin("secretary", PUBLISHED_DEMO_PASSWORDS["secretary"], "李长福", Role.BRANCH_SECRETARY),
    DemoLogin("viewer", PUBLISHED_DEMO_PASSWORDS["viewer"], "赵文静", Role.VIEWER),
)


def system_user():
    """The actor recorded in history for seeded rows: a superuser nobody can log in as."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "系统", "is_superuser": True, "is_staff": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def login_organizations(tree: DemoTree) -> dict[str, Organization]:
    secretary_branch = next(
        branch
        for branch in tree.member_branches
        if branch.parent_id == tree.seed_township.pk and branch.field == Field.VILLAGE
    )
    return {
        Role.COUNTY_ADMIN: tree.county,
        Role.TOWNSHIP_STAFF: tree.seed_township,
        Role.BRANCH_SECRETARY: secretary_branch,
        Role.VIEWER: tree.county,
    }


def grant_demo_logins(*, actor, tree: DemoTree) -> list[StaffRole]:
    organizations = login_organizations(tree)
    roles = []
    for login in DEMO_LOGINS:
        user = _demo_user(login)
        organization = organizations[login.role]
        roles.append(staff_role_grant(actor=actor, user=user, organization=organization, role=login.role))
    return roles


def _demo_user(login: DemoLogin):
    """Not ``is_staff``: admin access comes from the role. A user of that name already there is reused."""
    users = get_user_model().objects
    user = users.filter(username=login.username).first()
    if user is None:
        user = users.create_user(login.username, password=login.password, first_name=login.first_name)
    return user


def demo_login_rows() -> list[tuple[str, str, str, str]]:
    """(username, password, role, organization) for each demo login that holds its role."""
    passwords = {login.username: login.password for login in DEMO_LOGINS}
    county = demo_county()
    if county is None:
        return []
    staff_roles = StaffRole.objects.filter(
        user__username__in=passwords, organization__path__startswith=county.path
    ).select_related("user", "organization")
    order = list(passwords)
    rows = [
        (role.user.username, passwords[role.user.username], role.get_role_display(), role.organization.name)
        for role in staff_roles
    ]
    return sorted(rows, key=lambda row: order.index(row[0]))
