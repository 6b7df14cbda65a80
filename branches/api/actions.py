"""The shape every workflow action of the API shares (end a term, promote, advance a step, close, verify…):
fetch the record in scope, validate a small body, call the service, answer the record."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response


class WorkflowActionMixin:
    """For viewsets whose detail actions run a service on the record. ``step_record`` is the service's
    keyword for the record (``cadre=``, ``applicant=``…); a ``version`` in the body is passed on as the
    ``expected_version`` (docs: optimistic locking in the README)."""

    step_record = "instance"

    def step(self, service, serializer_class):
        record = self.get_object()  # out of scope: 404 before the body is looked at, like a missing one
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "version" in serializer.fields:
            changes["expected_version"] = changes.pop("version", None)
        record = service(actor=self.request.user, **{self.step_record: record}, **changes)
        return self.answer(record)

    def answer(self, record):
        """The record as the viewset's own serializer writes it."""
        return Response(self.serializer_class(record, context=self.get_serializer_context()).data)


class StepAction:
    """A workflow step as one line of a viewset: ``extend = StepAction(services.term_extend, ExtendSerializer,
    "Extend the term once…")`` is the detail action ``POST …/{id}/extend/`` that calls the viewset's
    ``step(service, body)`` (``WorkflowActionMixin.step``). The schema names ``body`` as the request and the
    viewset's ``serializer_class`` as the answer, and ``body`` is the action's entry in the viewset's
    ``action_serializers``; ``doc`` is the action's description."""

    def __init__(self, service, body, doc: str = "", *, url_path: str | None = None):
        self.service, self.body, self.doc, self.url_path = service, body, doc, url_path

    def __set_name__(self, owner, name):
        setattr(owner, name, self.action(owner, name))
        owner.action_serializers = {**getattr(owner, "action_serializers", {}), name: self.body}

    def action(self, owner, name):
        service, body = self.service, self.body

        def run(view, request, pk=None):
            return view.step(service, body)

        run.__name__, run.__qualname__ = name, f"{owner.__qualname__}.{name}"
        run.__doc__ = self.doc or None
        run = action(detail=True, methods=["post"], url_path=self.url_path)(run)
        return extend_schema(request=body, responses=owner.serializer_class)(run)
