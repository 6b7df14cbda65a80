"""Browser pages of people and what they take part in (under /people/)."""

from .views import archive, dues, dues_lists, entry, events, lists, mobile, picker, terms, transfers, tree

app_name = "members"
urlpatterns = [
    *lists.urlpatterns,
    *entry.urlpatterns,
    *archive.urlpatterns,
    *events.urlpatterns,
    *tree.urlpatterns,
    *dues.urlpatterns,
    *dues_lists.urlpatterns,
    *mobile.urlpatterns,
    *transfers.urlpatterns,
    *terms.urlpatterns,
    *picker.urlpatterns,
]
