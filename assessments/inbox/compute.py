"""Hand the sources' items to the users they concern (docs/inbox.md, "Who sees what").

An item reaches a user who holds one of its roles on its organization or on an organization above it (the
user's subtree, branches/scope/querysets.py), the organization not dissolved. One query for the roles, then
each source's fixed number: the same count for one user, a county or a province."""

import datetime as dt
from collections import defaultdict

from django.core.cache import cache

from branches.models import StaffRole

from .items import Item
from .sources import SOURCES

BADGE_SECONDS = 300


def _grants(users=None) -> list[tuple[int, str, str]]:
    """(user id, role, organization path) of every role held by an active user (of ``users`` when given)."""
    grants = StaffRole.objects.filter(organization__dissolved_on__isnull=True, user__is_active=True)
    if users is not None:
        grants = grants.filter(user__in=users)
    return list(grants.values_list("user_id", "role", "organization__path"))


def _ancestors(path: str):
    """``/1/7/42/`` → ``/1/``, ``/1/7/``, ``/1/7/42/``."""
    parts = path.strip("/").split("/")
    for end in range(1, len(parts) + 1):
        yield "/" + "/".join(parts[:end]) + "/"


def inboxes(*, today: dt.date, users=None) -> dict[int, list[Item]]:
    """Every user's items (only ``users`` when given), each list by due date (undated last) and source."""
    grants = _grants(users)
    roots = None if users is None else sorted({path for _user, _role, path in grants})
    holders = defaultdict(list)
    for user_id, role, path in grants:
        holders[path].append((user_id, role))
    found: dict[int, dict[str, Item]] = defaultdict(dict)
    if roots == []:
        return {}
    for source in SOURCES:
        for item in source.collect(roots=roots, today=today):
            for path in _ancestors(item.organization_path):
                for user_id, role in holders.get(path, ()):
                    if role in item.roles:
                        found[user_id][item.key] = item
    order = {source.key: index for index, source in enumerate(SOURCES)}
    return {
        user_id: sorted(items.values(), key=lambda item: _sort_key(item, order))
        for user_id, items in found.items()
    }


def _sort_key(item: Item, order: dict) -> tuple:
    return (item.due_on or dt.date.max, order[item.source], item.organization_path, item.key)


def inbox_for(user, *, today: dt.date) -> list[Item]:
    """One user's items; the menu's badge is refreshed with their number."""
    items = inboxes(today=today, users=[user]).get(user.pk, [])
    cache.set(_badge_key(user), len(items), BADGE_SECONDS)
    return items


def badge_count(user, *, today: dt.date) -> int:
    """The number of the user's items for the menu: cached for ``BADGE_SECONDS`` (and refreshed whenever the
    inbox itself is opened), so a page computes it at most once in that time."""
    count = cache.get(_badge_key(user))
    if count is None:
        count = len(inbox_for(user, today=today))
    return count


def _badge_key(user) -> str:
    return f"inbox-count:{user.pk}"
