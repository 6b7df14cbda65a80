"""The organization tree page's read: the user's subtrees with each organization's members on the roll."""

from dataclasses import dataclass
from dataclasses import field

from django.db.models import Count
from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Q

from branches.models import Organization
from branches.selectors import organization_list

from ..models import Member

MAX_SEARCH_LENGTH = 100


@dataclass
class TreeNode:
    organization: Organization
    members: int = 0
    matched: bool = False
    children: list["TreeNode"] = field(default_factory=list)


def _with_match_below(queryset, search: str):
    """The organizations whose subtree (themselves included) holds a name or code containing ``search``:
    the matches and the way down to them, in one query."""
    matches = queryset.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return queryset.filter(Exists(matches.filter(path__under=OuterRef("path"))))  # branches/models/paths.py


def organization_tree(*, user, search: str = "") -> list[TreeNode]:
    """The roots of the user's readable subtrees, each node with its children and its subtree's members on
    the roll; with ``search``, only the matching organizations and the way down to them. Two queries
    whatever the number of organizations: the organizations, then the members counted per branch."""
    search = search.strip()[:MAX_SEARCH_LENGTH]
    queryset = organization_list(user=user).only(
        "id", "name", "code", "kind", "field", "path", "parent_id", "dissolved_on"
    )
    if search:
        queryset = _with_match_below(queryset, search)
    organizations = list(queryset.order_by("path"))
    if not organizations:
        return []
    counts = (
        Member.objects.restrict(user)
        .on_roll()
        .values("branch__path")
        .annotate(n=Count("pk"))
        .values_list("branch__path", "n")
    )
    needle = search.casefold()
    nodes = {
        o.pk: TreeNode(
            o, matched=bool(needle) and (needle in o.name.casefold() or needle in o.code.casefold())
        )
        for o in organizations
    }
    roots = []
    for organization in organizations:  # in path order: every parent comes before its children
        node = nodes[organization.pk]
        parent = nodes.get(organization.parent_id)
        (parent.children if parent is not None else roots).append(node)
    # A subtree's members: each branch's count added to every shown organization on its path.
    for path, count in counts:
        for part in path.strip("/").split("/"):
            node = nodes.get(int(part))
            if node is not None:
                node.members += count
    return roots
