"""The organization tree page (组织架构): the user's subtrees as nested, collapsible lists, with a search by
name or code; each organization links to its dashboard, its members and its records."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from branches.scope.navigation import SIGNED_IN
from branches.scope.navigation import requires

from ..selectors.tree import MAX_SEARCH_LENGTH
from ..selectors.tree import organization_tree


@login_required
@requires(SIGNED_IN)
@require_GET
def organization_tree_page(request):
    search = request.GET.get("q", "").strip()[:MAX_SEARCH_LENGTH]
    roots = organization_tree(user=request.user, search=search)
    return render(
        request,
        "members/tree/page.html",
        {"roots": roots, "search": search, "max_search": MAX_SEARCH_LENGTH},
    )


urlpatterns = [path("organizations/", organization_tree_page, name="organization-tree")]
