"""The base of the county's yearly policies through the API (quota targets, star bands)."""

from branches.scope.viewsets import ScopedModelViewSet


class CountyPolicyViewSet(ScopedModelViewSet):
    """One policy per county and year, listed by county and latest year first; edited, never deleted.
    Subclasses name the queryset, selector, serializer, filter and the create and update services."""

    ordering_fields = ["year"]
    ordering = ["county__path", "-year"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
