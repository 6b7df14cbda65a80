"""A list page whose search form is posted, for search terms that must never travel in a URL (an ID number:
docs/security.md, "Personal data"). A posted search holding such a term is answered from the request body,
the address staying the list's own; any other search is redirected to the address as a GET, where it can be
bookmarked, paged, sorted and exported as before. The FilterSet decides which terms those are
(``body_only(search)``) and accepts them only from a request body."""

from django.http import QueryDict
from django.shortcuts import redirect

from .columns import bootstrap_form

CSRF_FIELD = "csrfmiddlewaretoken"


def _address(params: QueryDict) -> str:
    kept = QueryDict(mutable=True)
    for name in params:
        values = [value for value in params.getlist(name) if value != ""]
        if values and name != CSRF_FIELD:
            kept.setlist(name, values)
    return f"?{kept.urlencode()}" if kept else ""


class PostedSearchMixin:
    """Before ``ScopedListView``; its ``filterset_class`` has ``body_only(search) -> bool``."""

    filter_method = "post"
    posted = None

    def post(self, request, *args, **kwargs):
        if self.mode != "list":
            return super().post(request, *args, **kwargs)
        if not self.filterset_class.body_only(request.POST.get("search", "")):
            return redirect(f"{request.path}{_address(request.POST)}")
        self.posted = request.POST.copy()
        self.posted.pop(CSRF_FIELD, None)
        return self.list_page()

    def get_filterset(self, queryset):
        if self.posted is None:
            return super().get_filterset(queryset)
        filterset = self.filterset_class(self.posted, queryset=queryset, request=self.request)
        bootstrap_form(filterset.form)
        return filterset

    def list_context(self, filterset, queryset, ordering) -> dict:
        context = super().list_context(filterset, queryset, ordering)
        if self.posted is not None:
            # Links are built from the address, which holds none of the posted search; no export of it.
            context.update(search=self.posted.get("search", ""), export_url=None)
        return context
