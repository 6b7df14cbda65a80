"""Browser pages of the organization tree and its records (under /org/)."""

from .views import audit
from .views import entry
from .views import exports
from .views import lists
from .views import picker

app_name = "branches"
urlpatterns = [
    *lists.urlpatterns,
    *entry.urlpatterns,
    *audit.urlpatterns,
    *exports.urlpatterns,
    *picker.urlpatterns,
]
