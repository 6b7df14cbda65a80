"""Browser pages of people and what they take part in (under /people/)."""

from .views import archive
from .views import dues
from .views import dues_lists
from .views import entry
from .views import events
from .views import lists
from .views import mobile
from .views import picker
from .views import terms
from .views import transfers
from .views import tree

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
