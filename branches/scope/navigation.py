"""Who may open which page, and the site menu drawn from it (templates/base.html).

Every gated page carries a ``Requirement``: a capability of ``roles.py`` and, for pages about committees
and counties, the kinds of organization the role must be held on. The page refuses with 403 when its
requirement is not met (``requires`` for function views, ``RequirementMixin`` for class views), and the
menu shows a link exactly when the requirement of the page the link resolves to is met: one source, so a
link is never shown that its page would refuse, nor hidden from someone the page admits.

The context processor ``navigation`` (in TEMPLATES' context_processors) gives the templates ``nav_menu``,
built lazily: no query unless a template draws the menu, and then one query for the user's roles.
"""

from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch
from django.urls import resolve
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from .roles import CAPABILITY_ROLES
from .roles import Capability


def _held_roles(user) -> list[tuple[str, str]]:
    """(role, organization kind) of every role the user holds on an organization that is not dissolved;
    cached on the user like ``querysets.scope_paths``."""
    cache = user.__dict__.get("_held_roles")
    if cache is None:
        from ..models import StaffRole  # noqa: PLC0415 - the models import this package for their querysets

        cache = list(
            StaffRole.objects.filter(user=user, organization__dissolved_on__isnull=True).values_list(
                "role", "organization__kind"
            )
        )
        user.__dict__["_held_roles"] = cache
    return cache


@dataclass(frozen=True)
class Requirement:
    """``capability`` held somewhere (on an organization of one of ``kinds``, when given)."""

    capability: str
    kinds: frozenset | None = None

    def allows(self, user) -> bool:
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if user.is_superuser:
            return True
        roles = CAPABILITY_ROLES[self.capability]
        return any(
            role in roles and (self.kinds is None or kind in self.kinds) for role, kind in _held_roles(user)
        )


SIGNED_IN = Requirement(Capability.VIEW)
# The admin, the REST API's root and its documentation: reviewers (county and township staff), not the
# branch secretaries, who enter records through the pages (docs/scope-and-roles.md, The menu).
ADMINISTRATION = Requirement(Capability.REVIEW)


def requires(requirement: Requirement):
    """Decorate a (logged-in) function view: 403 unless ``requirement`` is met; the menu reads it back."""

    def decorator(view):
        @wraps(view)
        def gated(request, *args, **kwargs):
            if not requirement.allows(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        gated.requirement = requirement
        return gated

    return decorator


class RequirementMixin:
    """For class views after LoginRequiredMixin: 403 unless the class's ``requirement`` is met."""

    requirement = SIGNED_IN

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.requirement.allows(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def requirement_of(view) -> Requirement | None:
    """The requirement a resolved view carries: set by ``requires``, on a view class (Django's
    ``view_class``, DRF's ``cls``) or copied by ``functools.wraps`` (the admin's views)."""
    for holder in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        requirement = getattr(holder, "requirement", None)
        if isinstance(requirement, Requirement):
            return requirement
    return None


@dataclass(frozen=True)
class MenuItem:
    url_name: str
    label: str
    id: str


@dataclass(frozen=True)
class MenuGroup:
    label: str
    id: str
    items: tuple[MenuItem, ...]


MENU = (
    MenuGroup(
        _("Organizations"),
        "nav-organizations",
        (MenuItem("members:organization-tree", _("Organization tree"), "nav-organization-tree"),),
    ),
    MenuGroup(
        _("Records"),
        "nav-records",
        (
            MenuItem("members:member-list", _("Party members"), "nav-members"),
            MenuItem("members:transferletter-list", _("Transfer letters"), "nav-transfer-letters"),
            MenuItem("members:applicant-list", _("Development pipeline"), "nav-applicants"),
            MenuItem("members:visit-list", _("Household visits"), "nav-visits"),
            MenuItem("members:meeting-list", _("Meetings"), "nav-meetings"),
            MenuItem("members:training-list", _("Trainings"), "nav-trainings"),
            MenuItem("members:cadre-list", _("Cadres"), "nav-cadres"),
            MenuItem("members:reservecadre-list", _("Reserve cadres"), "nav-reserve"),
            MenuItem("members:term-list", _("Terms ending soon"), "nav-terms"),
            MenuItem("members:studyrecord-list", _("Study records"), "nav-study"),
            MenuItem("branches:activityroom-list", _("Activity rooms"), "nav-rooms"),
        ),
    ),
    MenuGroup(
        _("Quotas and ratings"),
        "nav-assessments",
        (
            MenuItem("assessments:quotaresult-list", _("Quota results"), "nav-quota-results"),
            MenuItem("assessments:alert-list", _("Alerts"), "nav-alerts"),
            MenuItem("assessments:starrating-list", _("Star ratings"), "nav-star-ratings"),
            MenuItem("assessments:starrating-overview", _("Star rating overview"), "nav-star-overview"),
            MenuItem("assessments:rectification-list", _("Rectifications"), "nav-rectifications"),
            MenuItem(
                "assessments:rectification-candidates",
                _("Weak-branch candidates"),
                "nav-rectification-candidates",
            ),
            MenuItem("assessments:quota-run-list", _("Quota runs"), "nav-quota-runs"),
            MenuItem("assessments:report-joint-evaluation", _("Joint evaluation report"), "nav-report"),
        ),
    ),
    MenuGroup(
        _("Administration"),
        "nav-administration",
        (
            MenuItem("branches:audit", _("Security audit"), "nav-audit"),
            MenuItem("admin:index", _("Records and administration"), "nav-admin"),
            MenuItem("api-root", _("REST API"), "nav-api"),
            MenuItem("swagger-ui", _("API documentation"), "nav-api-docs"),
        ),
    ),
)


def menu_links():
    """Every item of ``MENU`` whose URL exists, with its URL and its page's requirement (None: any user who
    is logged in). Computed once per process: the URL configuration does not change while it runs."""
    global _LINKS  # noqa: PLW0603 - a cache of the URL configuration, filled on first use
    if _LINKS is None:
        links = []
        for group in MENU:
            items = []
            for item in group.items:
                try:
                    url = reverse(item.url_name)
                except NoReverseMatch:
                    continue
                items.append((item, url, requirement_of(resolve(url).func)))
            links.append((group, items))
        _LINKS = links
    return _LINKS


_LINKS = None


def menu_for(user) -> list[dict]:
    """The groups of the menu with the links ``user`` may open; empty groups left out."""
    menu = []
    for group, items in menu_links():
        shown = [
            {"label": item.label, "url": url, "id": item.id}
            for item, url, requirement in items
            if (requirement or SIGNED_IN).allows(user)
        ]
        if shown:
            menu.append({"label": group.label, "id": group.id, "items": shown})
    return menu


def navigation(request):
    user = getattr(request, "user", None)
    return {"nav_menu": SimpleLazyObject(lambda: menu_for(user))}
