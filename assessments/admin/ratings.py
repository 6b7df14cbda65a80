from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from branches.admin.permissions import ReadOnlyAdminMixin
from branches.admin.writes import ServiceSavesMixin
from branches.scope.admin import ScopedModelAdmin

from ..models import DIMENSIONS
from ..models import RatingPolicy
from ..models import RatingStep
from ..models import StarRating
from ..selectors.rating_basis import proposal_basis
from ..services import ratings as services


class RatingStepInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RatingStep
    fields = ["stage", "actor", "at", *DIMENSIONS, "total", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        # Shown inside a rating the scoped admin already let the user open.
        return True


@admin.register(StarRating)
class StarRatingAdmin(ReadOnlyAdminMixin, ScopedModelAdmin, SimpleHistoryAdmin):
    """Read here with every step and the history; ratings are proposed and moved on through the workflow
    (the rating page, the API), never edited in place."""

    list_display = ["organization", "year", "stage", "total", "stars", "classification"]
    list_filter = ["year", "stage", "stars", "classification"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "organization__code"]
    # Named one by one so that the raw proposal JSON stays out: its words are shown instead.
    fields = [
        "organization",
        "year",
        "stage",
        *DIMENSIONS,
        "total",
        "stars",
        "classification",
        "proposal_basis",
        "proposed_at",
        "version",
    ]
    readonly_fields = fields
    inlines = [RatingStepInline]

    @admin.display(description=_("proposal and its basis"))
    def proposal_basis(self, obj):
        """The words of the rating page, not the raw JSON (templates/assessments/ratings/_basis.html)."""
        return render_to_string("assessments/ratings/_basis.html", {"basis": proposal_basis(obj)})


@admin.register(RatingPolicy)
class RatingPolicyAdmin(ServiceSavesMixin, ScopedModelAdmin, SimpleHistoryAdmin):
    create_service = staticmethod(services.rating_policy_create)
    update_service = staticmethod(services.rating_policy_update)
    list_display = [
        "county",
        "year",
        "five_stars_from",
        "four_stars_from",
        "three_stars_from",
        "three_star_target",
    ]
    list_filter = ["year"]
    list_select_related = ["county"]
