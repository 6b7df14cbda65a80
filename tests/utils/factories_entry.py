"""A secretary's branch ready for data entry in the browser: members on the roll, the serving secretary post
(held by one of them) and a village committee member; plus helpers the entry-page tests share."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils import translation

from members.models import Cadre
from members.models import CadrePost
from members.models import MeetingKind
from members.models import Member
from members.models import TrainingAudience

from .factories import MemberFactory
from .factories_cadres import CadreFactory


@dataclass
class EntryBranch:
    members: list[Member]
    secretary: Cadre
    committee: Cadre


def entry_branch(branch, *, roll: int = 3) -> EntryBranch:
    members = MemberFactory.create_batch(roll, branch=branch)
    secretary = CadreFactory(organization=branch, post=CadrePost.SECRETARY, member=members[0])
    committee = CadreFactory(organization=branch, post=CadrePost.VILLAGE_COMMITTEE)
    return EntryBranch(members=members, secretary=secretary, committee=committee)


def meeting_form(**data) -> dict:
    """The meeting entry form filled in for a theme party day held today; ``data`` overrides or adds."""
    return {
        "kind": MeetingKind.THEME_DAY,
        "held_on": timezone.localdate().isoformat(),
        "topic": "学习党章",
        "speaker": "",
        "minutes": "",
        **data,
    }


def visit_form(cadre, **data) -> dict:
    """The household visit entry form (the admin's is the same) filled in for ``cadre``'s visit today to 李四
    of the second group, nothing raised; ``data`` overrides or adds."""
    return {
        "cadre": cadre.pk,
        "household_name": "李四",
        "village_group": "二组",
        "visited_on": timezone.localdate().isoformat(),
        "concerns": "",
        "follow_up": "",
        "resolved_on": "",
        **data,
    }


def training_form(organizer, **data) -> dict:
    """The training entry form (the admin's is the same) filled in for a one-day training of members held
    today by ``organizer``; ``data`` overrides or adds."""
    return {
        "organizer": organizer.pk,
        "audience": TrainingAudience.MEMBERS,
        "held_on": timezone.localdate().isoformat(),
        "days": "1",
        "hours": "",
        "topic": "冬训",
        "villager_count": "0",
        **data,
    }


# The member form's optional fields as a browser posts them when left empty.
MEMBER_FORM_BLANKS = dict.fromkeys(
    (
        "phone",
        "address",
        "mobile_destination",
        "mobile_contact_person",
        "mobile_last_contact_on",
        "post_duty",
    ),
    "",
)
# What the member admin's add and change pages post beside the form's fields: the "mobile" box unticked and
# the inline of membership events empty.
MEMBER_ADMIN_EXTRAS = {
    "is_mobile": "",
    **{f"events-{key}": "0" for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")},
}


def cadre_form(organization, **data) -> dict:
    """The cadre post entry form (the admin's is the same) filled in for a village committee member of
    ``organization`` who is not a party member; ``data`` overrides or adds."""
    return {
        "organization": organization.pk,
        "post": CadrePost.VILLAGE_COMMITTEE,
        "member": "",
        "name": "村委甲",
        "gender": "male",
        "birth_date": "1980-01-02",
        "education": "senior_high",
        "phone": "",
        "started_on": "2024-01-15",
        "ended_on": "",
        "sending_unit": "",
        "note": "",
        **data,
    }


def reserve_form(organization, **data) -> dict:
    """The reserve cadre entry form (the admin's is the same) filled in for a graduate of ``organization``
    outside the party, entered on 1 March 2025; ``data`` overrides or adds."""
    return {
        "organization": organization.pk,
        "member": "",
        "name": "后备甲",
        "gender": "female",
        "birth_date": "1998-02-03",
        "education": "bachelor",
        "phone": "",
        "political_status": "masses",
        "source": "graduate",
        "entered_on": "2025-03-01",
        "mentor": "",
        "trainings_attended": "0",
        **data,
    }


def zh(text) -> str:
    """``text`` (a msgid or a lazy string) as the Chinese interface shows it."""
    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def field_errors(response, name: str) -> list[str]:
    form = response.context["form"]
    return [str(error) for error in form.errors.get(name, [])]


def logged_in(client, user):
    client.force_login(user)
    return client


def changed_by(user) -> str:
    """How a conflict message names the user who changed the record (as partybuild.versioning does)."""
    return user.get_full_name() or user.get_username()


def assert_conflict(response, user, url: str) -> None:
    """A stale write answered with the conflict: who changed the record, and a link that reloads it."""
    assert response.status_code == 200
    assert changed_by(user) in response.context["conflict"]
    html = response.content.decode()
    assert 'id="conflict-reload"' in html and f'href="{url}"' in html


def assert_off_roll_refusal(response, field: str, msgid: str, organization, person) -> None:
    """The form refuses ``person`` beside ``field`` with ``msgid`` in Chinese, naming ``organization``, today
    and the person."""
    (message,) = field_errors(response, field)
    names = {"organization": organization, "day": timezone.localdate(), "names": person.name}
    assert message == zh(msgid) % names
