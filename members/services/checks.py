"""What the activity services share: their messages and the small steps of their checks.

Each refusal names who stands in the way; the services in ``activities`` (meetings, trainings) and
``cadre_records`` (study records, contact points) raise them.
"""

from functools import partial

from django.utils.translation import gettext_lazy as _

from branches.models.bases import keyed_error

NAME_SEPARATOR = "、"

MESSAGES = {
    "organization_required": _(
        "Choose the organization: it can be left out only by the secretary of a single party branch."
    ),
    "meeting_place": _("Meetings of the three meetings and one lecture are held by a party branch."),
    "not_on_roll": _(
        "Not on the roll of %(organization)s or a branch under it on %(day)s, so cannot be recorded as "
        "attending: %(names)s."
    ),
    "training_off_roll": _(
        "Not on the roll of %(organization)s, which organizes this training, or a branch under it on "
        "%(day)s, so cannot be recorded as attending: %(names)s."
    ),
    "outside_organizer": _(
        "Not within %(organization)s, which organizes this training, so cannot be recorded as attending: "
        "%(names)s."
    ),
    "not_serving": _("Did not hold the post on the training days (%(start)s to %(end)s): %(names)s."),
    "study_duplicate": _(
        "%(cadre)s already has a study record for %(year)s-%(month)02d; edit that record instead."
    ),
    "study_outside_term": _("%(cadre)s did not hold the post in %(year)s-%(month)02d (term %(term)s)."),
    "term_open": _("from %(started)s"),
    "term_closed": _("%(started)s to %(ended)s"),
    "contact_place": _("A contact point is a village or community party branch."),
    "contact_no_committee": _("%(organization)s has no township or street party committee above it."),
    "contact_leader": _(
        "%(leader)s is not a member on the roll of a branch under %(committee)s, the committee above the "
        "contact village, on %(days)s; a contact point's leader comes from that township."
    ),
    "contact_duplicate": _("%(leader)s already has %(organization)s as a contact point for %(year)s."),
    "meeting_duplicate": _(
        "%(organization)s already has this %(kind)s on %(day)s with the topic “%(topic)s”: "
        "record no. %(id)s, "
        "%(url)s. Edit that one; a second meeting on the same day needs a different topic."
    ),
    "training_duplicate": _(
        "%(organizer)s already has a training on %(day)s with the topic “%(topic)s”: record no. %(id)s, "
        "%(url)s. Edit that one; a second training on the same day needs a different topic."
    ),
    "member_not_visible": _("There is no such party member among the records you can see."),
}


_error = partial(keyed_error, MESSAGES)


def _pks(people) -> list[int]:
    """Primary keys of people given as objects or ids, once each, in the order given."""
    return list(dict.fromkeys(getattr(person, "pk", person) for person in people or ()))


def _names(rows) -> str:
    return NAME_SEPARATOR.join(str(row) for row in rows)


def _recorded(record, field: str) -> list[int]:
    return list(getattr(record, field).values_list("pk", flat=True))


def _existing(record, *fields: str):
    """Another record of the same model with ``record``'s values of ``fields`` (never ``record`` itself), or
    None. The one duplicate check of every record type (docs/records.md, "Entered twice")."""
    same = type(record).objects.filter(**{name: getattr(record, name) for name in fields})
    if record.pk:
        same = same.exclude(pk=record.pk)
    return same.order_by("pk").first()


def _taken(record, *fields: str) -> bool:
    """Whether another record of the same model already has ``record``'s values of ``fields``."""
    return _existing(record, *fields) is not None
