"""Browser pages of the organization tree and its records (under /org/)."""

from .views import audit, entry, exports, lists, picker

app_name = "branches"
urlpatterns = [
    *lists.urlpatterns,
    *entry.urlpatterns,
    *audit.urlpatterns,
    *exports.urlpatterns,
    *picker.urlpatterns,
]
