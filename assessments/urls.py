"""Browser pages of dashboards, quotas, ratings, jobs and reports."""

from .views import branch, dashboard, inbox, jobs, lists, ratings, rectification_page, rectifications, reports

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
