from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from branches.admin.choices import ScopedChoicesMixin
from branches.admin.filters import YesNoFilter
from branches.admin.forms import RuleCheckedForm
from branches.admin.writes import ServiceWritesMixin
from branches.scope.admin import ScopedModelAdmin

from ..models import Cadre
from ..models import VisitLog
from ..models.activities import VISIT_FIELDS
from ..selectors.visits import is_open
from ..services import visits as services


class VisitLogForm(RuleCheckedForm):
    """Shows the service's rules (the cadre's place and term) beside the fields instead of failing on save."""

    class Meta:
        model = VisitLog
        fields = VISIT_FIELDS

    def check(self, visit):
        services.derive(visit)
        services.visit_check(visit)


class OpenConcernFilter(YesNoFilter):
    title = _("concern not resolved yet")
    parameter_name = "open"

    def condition(self):
        return is_open()


@admin.register(VisitLog)
class VisitLogAdmin(ServiceWritesMixin, ScopedChoicesMixin, ScopedModelAdmin, SimpleHistoryAdmin):
    """Household visit logs; the branch and the household key follow from the cadre and the household."""

    form = VisitLogForm
    create_service = staticmethod(services.visit_record)
    update_service = staticmethod(services.visit_update)
    delete_service = staticmethod(services.visit_delete)
    list_display = [
        "household_name",
        "village_group",
        "cadre_display",
        "organization",
        "visited_on",
        "resolved_on",
    ]
    list_filter = [OpenConcernFilter, "cadre__post"]
    date_hierarchy = "visited_on"
    search_fields = ["household_name", "cadre__name", "organization__name"]
    list_select_related = ["cadre", "organization"]
    scoped_choices = {Cadre: ("view", "organization")}
    readonly_fields = ["organization", "household_key", "recorded_by", "version"]
    ordering = ["organization__path", "-visited_on", "-pk"]

    @admin.display(description=_("cadre"), ordering="cadre__name")
    def cadre_display(self, visit):
        return f"{visit.cadre.name} · {visit.cadre.get_post_display()}"
