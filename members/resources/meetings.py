"""Import/export file formats of meetings and trainings.

Attendee lists are not part of the files (they are picked on the meeting or training itself): an imported
meeting has no attendees yet, and its members expected (the roll on the day it was held) are counted for the
whole chunk in one query, once the chunk is written.
Headers and choice labels are fixed Chinese, like every other import file."""

from decimal import Decimal

from django.db.models import Count
from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from branches.resources import KeyedResource
from branches.resources import file_meta
from branches.resources import organization_columns
from branches.tabular.resource_base import CHUNK_SIZE
from branches.tabular.widgets import ChoiceWidget
from branches.tabular.widgets import DateWidget
from branches.tabular.widgets import IntegerWidget
from branches.tabular.widgets import NumberWidget
from branches.tabular.widgets import TextWidget
from branches.tabular.widgets import loaded_relation

from ..models import Meeting
from ..models import Training
from ..models.activities import TRAINING_DETAIL_FIELDS
from ..selectors.roster import roll_count
from ..services import activities as services

MEETING_KIND = {
    "assembly": "支部党员大会",
    "committee": "支部委员会",
    "group": "党小组会",
    "lecture": "党课",
    "theme_day": "主题党日",
    "life_meeting": "组织生活会",
    "appraisal": "民主评议党员",
}
MEETING_KIND_ALIASES = {
    "党员大会": "assembly",
    "支部大会": "assembly",
    "支委会": "committee",
    "支部委员会会议": "committee",
    "小组会": "group",
    "党小组会议": "group",
    "主题党日活动": "theme_day",
    "组织生活": "life_meeting",
    "民主评议": "appraisal",
}
TRAINING_LEVEL = {"county": "县级", "township": "乡镇级", "village": "村级"}
TRAINING_AUDIENCE = {
    "secretaries": "党组织书记",
    "two_committees": "村两委成员",
    "members": "党员",
    "villagers": "群众",
    "reserve": "后备干部",
}
TRAINING_AUDIENCE_ALIASES = {
    "支部书记": "secretaries",
    "村党组织书记": "secretaries",
    "书记": "secretaries",
    "两委成员": "two_committees",
    "两委干部": "two_committees",
    "村两委干部": "two_committees",
    "农村党员": "members",
    "村民": "villagers",
    "后备干部人选": "reserve",
}


class TenthsWidget(NumberWidget):
    """A number with at most one decimal, such as 0.5 or 3."""

    code = "decimal"
    message = _("Enter a number with at most one decimal, such as 0.5 or 3.")
    hint_text = _("A number with at most one decimal, such as 0.5 or 3.")

    def allows(self, number: Decimal) -> bool:
        return number >= 0 and number == number.quantize(Decimal("0.1"))

    def render(self, value, obj=None, **kwargs):
        if value is not None and kwargs.get("force_native_type"):
            return float(value)
        return super().render(value, obj, **kwargs)


class MeetingResource(KeyedResource):
    organization, organization_name = organization_columns("组织编码", "组织名称")
    kind = Field("kind", "会议类型", ChoiceWidget(MEETING_KIND, MEETING_KIND_ALIASES))
    held_on = Field("held_on", "召开日期", DateWidget())
    topic = Field("topic", "主题", TextWidget())
    speaker = Field("speaker", "主讲人或主持人", TextWidget())
    minutes = Field("minutes", "会议记录", TextWidget())
    members_expected = Field("members_expected", "应到人数", IntegerWidget(), readonly=True)
    attendee_count = Field("attendee_count", "实到人数", IntegerWidget(), readonly=True)
    attendance_rate = Field("attendance_rate", "出席率", TenthsWidget(), readonly=True)

    header_aliases = {
        "支部编码": "组织编码",
        "所在组织编码": "组织编码",
        "会议日期": "召开日期",
        "日期": "召开日期",
    }
    template_title = "三会一课"
    # The same meeting entered twice (docs/records.md, "Entered twice"), in the file or already registered.
    key_column = "主题"
    natural_key = services.MEETING_KEY
    edit_url_name = "members:meeting-edit"
    key_lookups = ("organization_id", "held_on")
    record_check = staticmethod(services.meeting_check)

    Meta = file_meta(
        Meeting,
        "organization",
        "organization_name",
        "kind",
        "held_on",
        "topic",
        "speaker",
        "minutes",
        "members_expected",
        "attendee_count",
        "attendance_rate",
    )

    def write(self, instances, actor) -> None:
        """Each meeting expects the roll of its branch on its own day (docs/records.md, "On the roll on a
        day"): counted by the database for the written chunk at once, then kept, history included."""
        for meeting in instances:
            meeting.members_expected = meeting.attendee_count = 0
        Meeting.objects.bulk_create(instances, batch_size=CHUNK_SIZE)
        expected = dict(
            Meeting.objects.filter(pk__in=[meeting.pk for meeting in instances])
            .annotate(expected=roll_count(OuterRef("organization__path"), OuterRef("held_on")))
            .values_list("pk", "expected")
        )
        for meeting in instances:
            meeting.members_expected = expected[meeting.pk]
        Meeting.objects.bulk_update(instances, ["members_expected"], batch_size=CHUNK_SIZE)
        Meeting.history.bulk_history_create(instances, batch_size=CHUNK_SIZE, default_user=actor)

    def prepare_export_queryset(self, queryset):
        return queryset.prefetch_related(None).select_related("organization")


class TrainingResource(KeyedResource):
    organizer, organizer_name = organization_columns("主办组织编码", "主办组织", attribute="organizer")
    level = Field("level", "培训层级", ChoiceWidget(TRAINING_LEVEL), readonly=True)
    audience = Field("audience", "培训对象", ChoiceWidget(TRAINING_AUDIENCE, TRAINING_AUDIENCE_ALIASES))
    held_on = Field("held_on", "开班日期", DateWidget())
    days = Field("days", "培训天数", TenthsWidget())
    hours = Field("hours", "学时", IntegerWidget())
    topic = Field("topic", "培训主题", TextWidget())
    villager_count = Field("villager_count", "参训群众人数", IntegerWidget())
    member_attendee_count = Field("member_attendee_count", "参训党员人数", IntegerWidget(), readonly=True)
    cadre_attendee_count = Field("cadre_attendee_count", "参训干部人数", IntegerWidget(), readonly=True)

    header_aliases = {
        "组织编码": "主办组织编码",
        "主办单位编码": "主办组织编码",
        "培训日期": "开班日期",
        "天数": "培训天数",
    }
    template_title = "培训"
    key_column = "培训主题"
    natural_key = services.TRAINING_KEY
    edit_url_name = "members:training-edit"
    key_lookups = ("organizer_id", "held_on")
    record_check = staticmethod(services.training_check)

    Meta = file_meta(
        Training,
        "organizer",
        "organizer_name",
        *TRAINING_DETAIL_FIELDS,
        "member_attendee_count",
        "cadre_attendee_count",
    )

    def prepare_instance(self, training) -> None:
        organizer = loaded_relation(training, "organizer")
        if organizer is not None:
            training.level = services.training_level(organizer)

    def prepare_export_queryset(self, queryset):
        return (
            queryset.prefetch_related(None)
            .select_related("organizer")
            .annotate(
                member_attendee_count=Count("member_attendees", distinct=True),
                cadre_attendee_count=Count("cadre_attendees", distinct=True),
            )
        )
