"""The admin site (installed by partybuild/apps.py): the reviewers' pages, cut to their subtree."""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .navigation import ADMINISTRATION


class PartybuildAdminSite(admin.AdminSite):
    site_header = _("Party-building management")
    site_title = _("Party-building management")
    index_title = _("Administration")
    requirement = ADMINISTRATION

    def has_permission(self, request):
        """County and township staff may enter (``ADMINISTRATION``); what they see is then cut to their
        subtree. Branch secretaries enter their records through the pages."""
        return self.requirement.allows(request.user)

    def admin_view(self, view, cacheable=False):
        """A signed-in user the admin does not admit gets the site's 403, like any other refused page,
        rather than the admin's login form again."""
        admitted = super().admin_view(view, cacheable)

        @wraps(view)
        def inner(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return admitted(request, *args, **kwargs)

        return inner

    def index(self, request, extra_context=None):
        return super().index(request, extra_context)

    # The menu reads the index's requirement (functools.wraps copies it onto the admin's wrapped view).
    index.requirement = ADMINISTRATION
