"""Browser pages of people and what they take part in (under /people/)."""

from .views import entry, lists

app_name = "members"
urlpatterns = [*lists.urlpatterns, *entry.urlpatterns]
