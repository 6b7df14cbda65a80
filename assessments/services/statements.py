"""Secretaries' statements (述) for an evaluation cycle: the text, an attachment checked by its content,
and lateness judged by the date in Asia/Shanghai (docs/ratings-and-evaluation.md)."""

import io
import os
import zipfile

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from branches.models import Organization
from branches.scope.editing import scoped_update
from branches.scope.querysets import NOT_ALLOWED
from branches.scope.querysets import OutOfScope
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from partybuild.versioning import refuse_moves

from ..models import CycleState
from ..models import EvaluationCycle
from ..models import Statement
from ..selectors.evaluation import secretary_name
from ..selectors.evaluation import subject_of
from .evaluation import MESSAGES
from .evaluation import save_new_once

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ZIP_RATIO = 200  # uncompressed / compressed, per entry: office files stay far below it
ATTACHMENT_TYPES = ("pdf", "docx", "xlsx")
KIND_LABELS = {"pdf": "PDF", "docx": "Word (.docx)", "xlsx": "Excel (.xlsx)"}


def _zip_check(data: bytes, kind: str) -> None:
    folder = {"docx": "word/", "xlsx": "xl/"}[kind]
    content = ValidationError({"attachment": [MESSAGES["attachment_content"] % {"kind": KIND_LABELS[kind]}]})
    bomb = ValidationError({"attachment": [MESSAGES["attachment_zip"] % {"kind": KIND_LABELS[kind]}]})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise content from error
    if len(entries) > MAX_ZIP_ENTRIES:
        raise bomb
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > MAX_ATTACHMENT_BYTES and entry.file_size > MAX_ZIP_RATIO * max(
            entry.compress_size, 1
        ):
            raise bomb
    if total > MAX_ZIP_UNCOMPRESSED_BYTES:
        raise bomb
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or not any(name.startswith(folder) for name in names):
        raise content


def check_attachment(upload) -> str:
    """Refuse anything but a PDF, .docx or .xlsx of at most 10 MB, judged by its content (a renamed PNG is
    refused); returns the kind. Archives are inspected, never unpacked."""
    name = getattr(upload, "name", "") or ""
    kind = os.path.splitext(name)[1].lower().lstrip(".")
    if kind not in ATTACHMENT_TYPES:
        raise ValidationError({"attachment": [MESSAGES["attachment_type"]]})
    size = getattr(upload, "size", None)
    if size is None or size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {"attachment": [MESSAGES["attachment_size"] % {"limit": MAX_ATTACHMENT_BYTES // (1024 * 1024)}]}
        )
    upload.seek(0)
    data = upload.read(MAX_ATTACHMENT_BYTES + 1)
    upload.seek(0)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {"attachment": [MESSAGES["attachment_size"] % {"limit": MAX_ATTACHMENT_BYTES // (1024 * 1024)}]}
        )
    if kind == "pdf":
        if not data.startswith(b"%PDF-"):
            raise ValidationError(
                {"attachment": [MESSAGES["attachment_content"] % {"kind": KIND_LABELS[kind]}]}
            )
    else:
        _zip_check(data, kind)
    return kind


def _set_attachment(statement: Statement, upload) -> None:
    kind = check_attachment(upload)
    original = os.path.basename(upload.name or "")
    statement.attachment_name = original[:200]
    stem = get_valid_filename(os.path.splitext(original)[0])[:60] or "statement"
    upload.name = f"{stem}.{kind}"
    statement.attachment = upload


def _check_window(cycle: EvaluationCycle, now) -> None:
    if cycle.state != CycleState.OPEN:
        raise ValidationError({"cycle": [MESSAGES["not_open"]]})
    today = timezone.localdate(now)
    if not cycle.opens_on <= today <= cycle.closes_on:
        raise ValidationError(
            {"cycle": [MESSAGES["outside_window"] % {"opens": cycle.opens_on, "closes": cycle.closes_on}]}
        )


@transaction.atomic
def statement_submit(
    *, actor, cycle: EvaluationCycle, organization: Organization, text: str, attachment=None
) -> Statement:
    """A secretary's report (述), by the secretary of the organization or staff entering records over it.
    Accepted within the cycle's window while it is open; late when submitted after the due date (local
    time)."""
    if not organization_in_scope(actor, organization, Capability.RECORDS):
        raise OutOfScope(NOT_ALLOWED)
    cycle = EvaluationCycle.objects.select_related("county").get(pk=cycle.pk)
    subject = subject_of(cycle, organization)
    if subject is None:
        raise ValidationError({"organization": [MESSAGES["not_subject"]]})
    now = timezone.now()
    _check_window(cycle, now)
    if not (text or "").strip():
        raise ValidationError({"text": [MESSAGES["text_required"]]})
    if Statement.objects.filter(cycle=cycle, organization=organization).exists():
        raise ValidationError({"organization": [MESSAGES["statement_exists"]]})
    statement = Statement(
        cycle=cycle,
        organization=organization,
        level=subject.level,
        secretary_name=secretary_name(organization, on=timezone.localdate(now))[:50],
        text=text.strip(),
        submitted_at=now,
        submitted_by=actor,
        late=timezone.localdate(now) > cycle.statements_due_on,
    )
    if attachment:
        _set_attachment(statement, attachment)
    # A vacant secretary post leaves the name empty: the statement is the organization's all the same.
    statement.full_clean(exclude=["secretary_name"], validate_constraints=False)
    save_new_once(actor, statement, "organization", "statement_exists")
    return statement


@transaction.atomic
def statement_update(
    *, actor, statement: Statement, expected_version=None, precondition=False, **changes
) -> Statement:
    """Rewrite the text or replace the attachment while the window is open (``attachment=None`` removes
    it). Whether the statement was late stays as at its first submission."""
    return scoped_update(
        actor,
        statement,
        expected_version,
        precondition,
        changes,
        prepare=_statement_fields,
        exclude_clean=["cycle", "organization", "secretary_name"],
    )


def _statement_fields(statement: Statement, changes: dict) -> dict:
    """What an edit sets, while the window is open: the text (required) and the attachment. The cycle and
    the organization stay."""
    refuse_moves(statement, changes, ("cycle", "organization"), MESSAGES["statement_moves"])
    _check_window(statement.cycle, timezone.now())
    fields = {}
    if "text" in changes:
        if not (changes["text"] or "").strip():
            raise ValidationError({"text": [MESSAGES["text_required"]]})
        fields["text"] = changes["text"].strip()
    if "attachment" in changes:
        if changes["attachment"]:
            _set_attachment(statement, changes["attachment"])
            fields["attachment"] = statement.attachment
        else:
            fields.update(attachment="", attachment_name="")
    return fields
