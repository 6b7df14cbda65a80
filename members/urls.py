"""Browser pages of people and what they take part in (under /people/)."""

from .views import dues, dues_lists, entry, lists, tree

app_name = "members"
urlpatterns = [
    *lists.urlpatterns,
    *entry.urlpatterns,
    *tree.urlpatterns,
    *dues.urlpatterns,
    *dues_lists.urlpatterns,
]
