"""Browser pages of dashboards, quotas, ratings, jobs and reports."""

from .views import branch
from .views import dashboard
from .views import inbox
from .views import jobs
from .views import lists
from .views import ratings
from .views import rectification_page
from .views import rectifications
from .views import reports

app_name = "assessments"
urlpatterns = [
    *dashboard.urlpatterns,
    *branch.urlpatterns,
    *jobs.urlpatterns,
    *reports.urlpatterns,
    *ratings.urlpatterns,
    *lists.urlpatterns,
    *rectifications.urlpatterns,
    *rectification_page.urlpatterns,
    *inbox.urlpatterns,
]
