"""Data entry in the browser: the one view every entry form uses, and the activity room's pages (under /org/).

``EntryView`` fetches the record through ``restrict(user, "change")`` (missing and out of scope are both 404),
hands the form's data to the service, puts the service's ValidationError back on the fields, turns a stale
write into a conflict message naming who changed the record and when, and after a save goes back to the
branch page with a success message. It decides no rule of its own.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import NoReverseMatch
from django.urls import path
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from partybuild.exceptions import StaleWrite
from partybuild.versioning import call_on_record

from ..forms import ActivityRoomEditForm
from ..forms import ActivityRoomForm
from ..forms import conflict_message
from ..forms import records_organizations
from ..models import ActivityRoom
from ..personal import organization_of as scoped_organization
from ..scope.querysets import organization_in_scope
from ..scope.roles import Capability
from ..services.idempotency import create_once
from ..services.idempotency import requested_key
from ..services.idempotency import sent_before
from ..services.records import activity_room_create
from ..services.records import activity_room_update

SAVED = _("Saved.")


def reverse_or_none(name: str, *args) -> str | None:
    """A page another part of the UI may not have yet: its URL, or None (the link is then left out)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def asked_number(request, name: str) -> int | None:
    """``?<name>=`` as a whole number (the id of a record a link preselects, a year), None when missing or
    not one."""
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def entry_urls(segment: str, basename: str, create, edit) -> list:
    """A record's create page at ``<segment>/new/`` (``<basename>-create``) and its edit page at
    ``<segment>/<pk>/edit/`` (``<basename>-edit``)."""
    return [
        path(f"{segment}/new/", create.as_view(), name=f"{basename}-create"),
        path(f"{segment}/<int:pk>/edit/", edit.as_view(), name=f"{basename}-edit"),
    ]


def _blank(field):
    """What a field that did not parse stands in as while the service checks the others."""
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return []
    if isinstance(field, forms.BooleanField):
        return False
    return getattr(field, "empty_value", None) if isinstance(field, forms.CharField) else None


def error_summary(form) -> list[dict]:
    """Every error of ``form`` in page order, each with the id of the element it links to (none for the
    form's own errors and for hidden fields); nothing for a form not sent."""
    if not form.is_bound or not form.errors:
        return []
    items = [{"message": message, "anchor": None, "label": None} for message in form.non_field_errors()]
    for bound in form:
        if bound.name not in form.errors or bound.name == NON_FIELD_ERRORS:
            continue
        anchor = None
        if not bound.is_hidden:
            anchor = bound.id_for_label or f"field-{bound.name}"
            if bound.widget_type == "checkboxselectmultiple":
                anchor = f"field-{bound.name}"
        items.extend({"message": message, "anchor": anchor, "label": bound.label} for message in bound.errors)
    return items


def wants_json(request) -> bool:
    """The offline queue (static/js/offline-queue.js) posts the form as a page would and asks for JSON."""
    return request.headers.get("Accept", "").startswith("application/json")


def refused_json(form, conflict=None) -> JsonResponse:
    """A refused entry's messages, each with its field's label, for the phone to show beside the entry."""
    errors = [
        {"label": str(item["label"] or ""), "message": str(item["message"])} for item in error_summary(form)
    ]
    if conflict:
        errors.insert(0, {"label": "", "message": str(conflict)})
    return JsonResponse({"errors": errors}, status=400)


def reload_on_change(form, request, names, targets) -> None:
    """Changing one of the fields ``names`` reloads the elements ``targets`` (ids) of the page in place from
    ``request.path``, with the values of those fields (htmx, no script of our own); a hidden field never
    changes, so it is only sent along."""
    names = [name for name in names if name in form.fields]
    included = ",".join(f"#entry-form [name='{form.add_prefix(name)}']" for name in names)
    for name in names:
        widget = form.fields[name].widget
        if isinstance(widget, forms.HiddenInput):
            continue
        widget.attrs.update(
            {
                "hx-get": request.path,
                "hx-trigger": "change",
                "hx-include": included,
                "hx-swap": "none",
                "hx-select-oob": ",".join(f"#{target}" for target in targets),
            }
        )


def branch_page_url(organization) -> str:
    return reverse("assessments:branch-page", args=[organization.pk])


class EntryView(LoginRequiredMixin, View):
    """Create (``model`` None) or edit one record through its service."""

    form_class = None
    model = None  # set on edit views: the record is fetched in the user's write scope
    create_service = None  # create_service(actor=, **data)
    update_service = None  # update_service(actor=, <record>=, expected_version=, **data)
    template_name = "branches/entry/form.html"
    title = ""
    success_message = SAVED
    list_url_name = None  # a list page of these records, linked when it exists
    checklists = ()  # the form's checklists of people, each handed to the service as a list

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = None

    def get_object(self):
        queryset = self.model.objects.restrict(self.request.user, "change")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def form_kwargs(self) -> dict:
        kwargs = {"user": self.request.user}
        if self.object is not None:
            kwargs["instance"] = self.object
        return kwargs

    def make_form(self, data=None):
        return self.form_class(data, **self.form_kwargs())

    def service_data(self, form) -> dict:
        """What the service receives besides the actor (and on edit the record and its version)."""
        data = dict(form.cleaned_data)
        for name in self.checklists:
            data[name] = list(data[name])
        return data

    def save(self, form):
        """Call the service with the form's data; returns the saved record."""
        if self.object is None:
            return type(self).create_service(actor=self.request.user, **self.service_data(form))
        version = form.pop_version()
        return call_on_record(
            type(self).update_service,
            self.object,
            actor=self.request.user,
            expected_version=version,
            **self.service_data(form),
        )

    def organization_of(self, record):
        """The organization whose page the record goes back to: the one its scope follows (its model's
        ``scope_path_lookup``: a meeting's organization, a member's branch, the branch of a member away)."""
        return scoped_organization(record)

    def success_url(self, record) -> str:
        return branch_page_url(self.organization_of(record))

    def check_access(self, form) -> None:
        """A create page is for users who keep records somewhere; to anyone else it does not exist."""
        if self.object is None and not records_organizations(self.request.user).exists():
            raise Http404

    def read_object(self) -> None:
        """An edit page's record, read (again) in the user's write scope; a create page has none."""
        if self.model is not None:
            self.object = self.get_object()

    def open_form(self, data=None):
        self.read_object()
        form = self.make_form(data)
        self.check_access(form)
        return form

    def get(self, request, *args, **kwargs):
        return self.render(self.open_form())

    def post(self, request, *args, **kwargs):
        form = self.open_form(request.POST)
        key, record = self.sent_before(form)
        if record is not None:
            return self.saved(record, created=False)
        conflict = None
        if form.is_valid():
            try:
                record, created = self.save_once(form, key)
            except StaleWrite as stale:
                conflict = conflict_message(stale)
            except ValidationError as error:
                form.apply_service_errors(error)
            except PermissionDenied as refused:
                form.add_error(None, str(refused))
            else:
                return self.saved(record, created)
        else:
            self.check_parsed_fields(form)
        if wants_json(request):
            return refused_json(form, conflict)
        return self.render(form, conflict=conflict)

    def sent_before(self, form):
        """A new record's idempotency key (docs/offline.md: the offline queue's header, or the hidden field
        static/js/offline.js adds against a second tap on "save") and the record it was answered with
        before, if any. A key refused (malformed, or used for another record) is an error of the form."""
        model = self.created_model(form)
        if self.object is not None or model is None:
            return None, None
        try:
            key = requested_key(self.request.headers, self.request.POST)
            return key, sent_before(self.request.user, key, model)
        except ValidationError as error:
            form.add_error(None, error.messages)
            return None, None

    def created_model(self, form):
        """The model of the one record a create makes; None for a page that writes several at once (the
        month's dues), which takes no idempotency key."""
        meta = getattr(form, "_meta", None)
        return getattr(meta, "model", None)

    def save_once(self, form, key):
        if key is None:
            return self.save(form), True
        model = self.created_model(form)
        return create_once(actor=self.request.user, key=key, model=model, create=lambda: self.save(form))

    def saved(self, record, created=True):
        """After a save, or a repeat of one: the offline queue gets the record as JSON, a page goes on."""
        url = self.success_url(record)
        if wants_json(self.request):
            return JsonResponse({"id": record.pk, "url": url}, status=201 if created else 200)
        messages.success(self.request, self.success_message)
        return redirect(url)

    def check_parsed_fields(self, form) -> None:
        """The service's rules on the fields that did parse, so that a missing field and a broken rule are
        shown in the same round. The service runs in a transaction that is always rolled back (nothing is
        written); fields that did not parse stand in blank on a new record and unchanged on an edit, and
        the service's errors are kept only for the fields that parsed (the others already have theirs)."""
        failed = set(form.errors)
        parsed = getattr(form, "cleaned_data", None)
        if parsed is None:
            return
        probe = dict(parsed)
        if self.object is None:
            probe.update({name: _blank(form.fields[name]) for name in failed if name in form.fields})
        form.cleaned_data = probe
        found = None
        try:
            with transaction.atomic():
                self.save(form)
                transaction.set_rollback(True)
        except ValidationError as error:
            found = error
        except Exception:  # noqa: S110 - a stand-in the service cannot take: the form's own errors stand
            pass
        finally:
            form.cleaned_data = parsed
            self.read_object()  # the service may have changed it in memory
        if found is None or not hasattr(found, "error_dict"):
            return
        kept = {}
        for field, field_messages in found.message_dict.items():
            name = form.error_aliases.get(field, field) if hasattr(form, "error_aliases") else field
            if name not in failed and name in form.fields and not form[name].is_hidden:
                kept.setdefault(field, []).extend(field_messages)
        if kept:
            form.apply_service_errors(ValidationError(kept))

    def context(self, form) -> dict:
        return {}

    def render(self, form, conflict=None):
        form.mark_invalid()
        organization = getattr(form, "single_organization", None) or (
            self.organization_of(self.object) if self.object is not None else None
        )
        context = {
            "form": form,
            "error_summary": error_summary(form),
            "title": self.title,
            "object": self.object,
            "conflict": conflict,
            "reload_url": self.request.path,
            "organization": organization,
            "back_url": branch_page_url(organization) if organization is not None else reverse("home"),
            "list_url": reverse_or_none(self.list_url_name) if self.list_url_name else None,
            **self.context(form),
        }
        return render(self.request, self.template_name, context)


class StepEntryView(EntryView):
    """One step on one record through its service, ``service(actor=, <step_record>=, expected_version=,
    **form.step_data())``: the record is read among those the user may change (``writable()``; out of scope,
    404), then ``capability`` on its organization is required (else 403). The form gets the record by the
    same keyword."""

    service = None
    step_record = "instance"
    capability = Capability.RECORDS

    def writable(self):
        """The records the user may change, as their list reads them."""
        raise NotImplementedError

    def get_object(self):
        record = get_object_or_404(self.writable(), pk=self.kwargs["pk"])
        if not organization_in_scope(self.request.user, self.organization_of(record), self.capability):
            raise PermissionDenied
        return record

    def form_kwargs(self):
        return {"user": self.request.user, self.step_record: self.object}

    def save(self, form):
        return type(self).service(
            actor=self.request.user,
            expected_version=form.cleaned_data.get("version"),
            **{self.step_record: self.object},
            **form.step_data(),
        )


# --- activity rooms ---------------------------------------------------------------------------------------


class ActivityRoomCreate(EntryView):
    form_class = ActivityRoomForm
    title = _("New activity room")
    list_url_name = "branches:activityroom-list"
    create_service = staticmethod(activity_room_create)


class ActivityRoomEdit(ActivityRoomCreate):
    form_class = ActivityRoomEditForm
    model = ActivityRoom
    title = _("Edit activity room")
    update_service = staticmethod(activity_room_update)


urlpatterns = [
    *entry_urls("activity-rooms", "activityroom", ActivityRoomCreate, ActivityRoomEdit),
]
