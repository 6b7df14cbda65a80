"""Browser pages of this part; empty until they land."""

urlpatterns = []
