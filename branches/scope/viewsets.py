"""The base every API viewset builds on: scoped reads, writes through services, optimistic locking.

Reads go through the model's ``restrict(user, "view")`` so an object outside the user's subtree is a 404,
the same as a missing one. Writes call the app's service functions, which re-check scope inside their
transaction. The version a client read comes back either as ``If-Match: "<version>"`` (412 when stale) or as
``version`` in the body (409 when stale).
"""

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions
from rest_framework import serializers
from rest_framework import status
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from partybuild.http import client_ip
from partybuild.versioning import call_on_record
from partybuild.versioning import lock_for_edit

from ..personal import mask
from ..personal import personal_kind
from ..services.idempotency import create_once
from ..services.idempotency import requested_key
from ..services.idempotency import sent_before
from ..services.personal import personal_data_unmask


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

    def to_internal_value(self, data):
        # The database would read 1.5 as record 1, and True as record 1.
        if isinstance(data, bool) or (isinstance(data, float) and not data.is_integer()):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class VersionedSerializerMixin(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("The version you read; a stale one makes the update fail with 409."),
    )


def _model_of(serializer):
    return getattr(getattr(serializer, "Meta", None), "model", None)


def mask_representation(serializer, data):
    """Mask every registered personal field (branches/personal) a serializer's answer carries, however it
    reaches it (``phone``, ``source="member.id_number"``, a nested serializer)."""
    if isinstance(serializer, serializers.ListSerializer):
        return [mask_representation(serializer.child, item) for item in data]
    if not isinstance(data, dict) or not isinstance(serializer, serializers.Serializer):
        return data
    model = _model_of(serializer)
    for name, field in serializer.fields.items():
        if name not in data or data[name] is None:
            continue
        if isinstance(field, serializers.BaseSerializer):
            data[name] = mask_representation(field, data[name])
            continue
        kind = personal_kind(model, field.source)
        if kind is not None:
            data[name] = mask(kind, data[name])
    return data


def mask_response_data(data):
    """Mask what serializers put into an answer, wherever it sits (a page's ``results`` too): DRF's
    ``serializer.data`` remembers its serializer, so nothing a viewset answers with escapes this."""
    serializer = getattr(data, "serializer", None)
    if serializer is not None:
        return mask_representation(serializer, data)
    if isinstance(data, dict):
        for key, value in data.items():
            data[key] = mask_response_data(value)
    elif isinstance(data, list):
        data[:] = [mask_response_data(item) for item in data]
    return data


def keep_masked_values(instance, changes: dict) -> dict:
    """A client writing back the masked value it read leaves the stored value alone."""
    kept = {}
    for name, value in changes.items():
        kind = personal_kind(type(instance), name)
        current = getattr(instance, name, None) if kind else None
        if not (current and value == mask(kind, current)):
            kept[name] = value
    return kept


UNMASKED = inline_serializer(
    "Unmasked",
    {"id": serializers.IntegerField(), "fields": serializers.DictField(child=serializers.CharField())},
)


class UnmaskActionMixin:
    """``POST …/{id}/unmask/``: the full personal fields of one record, for users holding ``unmask`` on its
    organization, recorded as a security event (docs/security.md)."""

    @extend_schema(request=None, responses=UNMASKED)
    @action(detail=True, methods=["post"])
    def unmask(self, request, pk=None):
        record = self.get_object()
        with transaction.atomic():
            answer = personal_data_unmask(actor=request.user, record=record, ip_address=client_ip(request))
        return Response(answer)


class ScopedQuerysetMixin:
    """Every read goes through the model's restrict(): out of scope is the same 404 as missing.

    A viewset names its app's selector as ``list_selector`` (``<entity>_list(*, user)``: the rows the user may
    read, with what the list shows selected), the one the browser list page and the exports read too; the
    class ``queryset`` then only names the model for the router."""

    list_selector = None
    # The serializer of an action that reads or answers something else than ``serializer_class`` (a workflow
    # step's body, a query's parameters, a report's rows), by the action's name.
    action_serializers = {}

    def get_serializer_class(self):
        return self.action_serializers.get(self.action) or super().get_serializer_class()

    def finalize_response(self, request, response, *args, **kwargs):
        # Personal fields answer masked for everyone, on every endpoint and action (docs/security.md); full
        # values only through the logged unmask action, whose answer is no serializer's.
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(response, "data", None) is not None:
            response.data = mask_response_data(response.data)
        return response

    def get_queryset(self):
        if type(self).list_selector is not None:
            return type(self).list_selector(user=self.request.user)
        return super().get_queryset().restrict(self.request.user, "view")

    def get_object(self):
        # get_object_or_404's message is English and names the model: answer DRF's "not found" in the user's
        # language instead, the same for a missing record and one out of scope.
        try:
            return super().get_object()
        except Http404:
            raise exceptions.NotFound() from None

    def validated(self, serializer_class, data) -> dict:
        """``data`` (a request's body or query) as ``serializer_class`` validates it in this view's context,
        which its scoped fields read the user from; 400 with the field errors otherwise."""
        serializer = serializer_class(data=data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

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

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The methods answered follow from the services: without an update service no PUT or PATCH, without
        # a delete service no DELETE (a subclass may still name its own). Not in the docstring, which the
        # schema gives every viewset that has none of its own.
        if "http_method_names" not in vars(cls):
            unserved = set()
            if cls.update_service is None:
                unserved |= {"put", "patch"}
            if cls.delete_service is None:
                unserved.add("delete")
            cls.http_method_names = [m for m in viewsets.ModelViewSet.http_method_names if m not in unserved]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.check_precondition(request)

    def check_precondition(self, request) -> None:
        """An ``If-Match`` on a delete or an action on one record (a status change, a resolution, a
        cancellation): a stale version answers 412 before anything changes, the record locked until the
        request's transaction ends. Updates check theirs in the service, with the changes."""
        if request.method in SAFE_METHODS or not self.detail or self.action in {"update", "partial_update"}:
            return
        version = _if_match_version(request)
        if version is not None and hasattr(self.queryset.model, "version"):
            with transaction.atomic():
                lock_for_edit(self.get_object(), version, precondition=True)

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

    def create(self, request, *args, **kwargs):
        """With an ``Idempotency-Key`` header (docs/offline.md), a repeat answers 200 with the record the
        first request created, before its body is looked at again."""
        self.idempotency_key = requested_key(request.headers)
        model = self.queryset.model
        if (record := sent_before(request.user, self.idempotency_key, model)) is not None:
            row = self.get_queryset().get(pk=record.pk)  # as the list shows it, annotations included
            return Response(self.get_serializer(row).data, status=status.HTTP_200_OK)
        self.repeated = False
        response = super().create(request, *args, **kwargs)
        if self.repeated:
            response.status_code = status.HTTP_200_OK
        return response

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        with transaction.atomic():
            serializer.instance, created = create_once(
                actor=self.request.user,
                key=getattr(self, "idempotency_key", None),
                model=self.queryset.model,
                create=lambda: type(self).create_service(actor=self.request.user, **data),
            )
        self.repeated = not created

    def perform_update(self, serializer):
        data = keep_masked_values(serializer.instance, dict(serializer.validated_data))
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
        # The answer is the whole record: a partial serializer would leave out each read-only field whose
        # source is missing (``instructor.name`` with no instructor) instead of giving its default.
        serializer.partial = False

    def perform_destroy(self, instance):
        if type(self).delete_service is None:
            raise exceptions.MethodNotAllowed(self.request.method)
        with transaction.atomic():
            call_on_record(type(self).delete_service, instance, actor=self.request.user)
