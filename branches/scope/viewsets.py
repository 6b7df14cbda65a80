"""The base every API viewset builds on: scoped reads, writes through services, optimistic locking.

Reads go through the model's ``restrict(user, "view")`` so an object outside the user's subtree is a 404,
the same as a missing one. Writes call the app's service functions, which re-check scope inside their
transaction. The version a client read comes back either as ``If-Match: "<version>"`` (412 when stale) or as
``version`` in the body (409 when stale).
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, viewsets

from partybuild.exceptions import ErrorResponsesAutoSchema
from partybuild.versioning import call_on_record


def _if_match_version(request) -> int | None:
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    try:
        return int(value)
    except ValueError as error:
        raise exceptions.ValidationError({"If-Match": [_('Send the version you read, e.g. "3".')]}) from error


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key whose choices are the objects the requesting user can see: a foreign id reads as
    "does not exist", the same answer as a missing one."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return queryset.restrict(request.user if request else None, "view")


class VersionedSerializerMixin(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("The version you read; a stale one makes the update fail with 409."),
    )


class ScopedQuerysetMixin:
    """Every read goes through the model's restrict(): out of scope is the same 404 as missing.

    A viewset names its app's selector as ``list_selector`` (``<entity>_list(*, user)``: the rows the user may
    read, with what the list shows selected), the one the browser list page and the exports read too; the
    class ``queryset`` then only names the model for the router."""

    schema = ErrorResponsesAutoSchema()
    list_selector = None

    def get_queryset(self):
        if type(self).list_selector is not None:
            return type(self).list_selector(user=self.request.user)
        return super().get_queryset().restrict(self.request.user, "view")

    def paginated(self, rows, serializer_class, **serializer_options):
        """A list action's answer, paged like the list itself (``?page=``, ``?page_size=``)."""
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(serializer_class(page, many=True, **serializer_options).data)


class ScopedReadOnlyModelViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """For records the system derives (results, alerts): listed and read, never written through the API."""


class ScopedModelViewSet(ScopedQuerysetMixin, viewsets.ModelViewSet):
    """Subclasses name the services: ``create_service(actor=, **data)``,
    ``update_service(actor=, <record>=, expected_version=, precondition=, **changes)`` and
    ``delete_service(actor=, <record>=)``, each taking the record by its own keyword
    (``visit_update(actor=, visit=, ...)``)."""

    create_service = None
    update_service = None
    delete_service = None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if (
            self.action in {"retrieve", "update", "partial_update"}
            and isinstance(data, dict)
            and "version" in data
        ):
            response["ETag"] = f'"{data["version"]}"'
        return response

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        with transaction.atomic():
            serializer.instance = type(self).create_service(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        body_version = data.pop("version", None)
        header_version = _if_match_version(self.request)
        with transaction.atomic():
            serializer.instance = call_on_record(
                type(self).update_service,
                serializer.instance,
                actor=self.request.user,
                expected_version=header_version if header_version is not None else body_version,
                precondition=header_version is not None,
                **data,
            )

    def perform_destroy(self, instance):
        if type(self).delete_service is None:
            raise exceptions.MethodNotAllowed(self.request.method)
        with transaction.atomic():
            call_on_record(type(self).delete_service, instance, actor=self.request.user)
