"""Uploaded import files kept on the server between the dry-run preview and the user's confirm or cancel.

The file goes to a private directory (``settings.UI_IMPORT_DIR``, default ``var/import-uploads``), never into
the session: the session only holds the random token, what the file is for and when it came. A sidecar JSON
file records the owner, so a token that leaked to another session still answers 404. Files expire after
``settings.UI_IMPORT_TTL_SECONDS`` (default one hour) and are swept whenever a new file is stored; confirm and
cancel delete theirs at once.
"""

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.http import Http404

SESSION_KEY = "ui_pending_imports"
TOKEN_FORM = re.compile(r"[A-Za-z0-9_-]{20,64}")
DEFAULT_TTL_SECONDS = 3600


def upload_dir() -> Path:
    configured = getattr(settings, "UI_IMPORT_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "import-uploads"


def ttl_seconds() -> int:
    return int(getattr(settings, "UI_IMPORT_TTL_SECONDS", DEFAULT_TTL_SECONDS))


@dataclass
class PendingUpload:
    token: str
    path: Path
    name: str
    kind: str

    def open(self) -> File:
        """The stored bytes under the original file name (the importer reads the type from its extension)."""
        return File(self.path.open("rb"), name=self.name)


def _paths(token: str) -> tuple[Path, Path]:
    if not TOKEN_FORM.fullmatch(token or ""):
        raise Http404
    directory = upload_dir()
    return directory / f"{token}.upload", directory / f"{token}.json"


def _safe_name(name: str) -> str:
    """Only the last path component, at most 200 characters, keeping the extension."""
    name = re.split(r"[\\/]", name or "")[-1].strip() or "upload"
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[:190]}.{extension[:8]}" if dot else name[:200]
    return name


def store(request, upload, *, kind: str) -> PendingUpload:
    """Copy ``upload`` to the private directory and remember its token in the user's session."""
    sweep()
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_urlsafe(24)
    data_path, meta_path = _paths(token)
    name = _safe_name(getattr(upload, "name", ""))
    with data_path.open("xb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    data_path.chmod(0o600)
    meta = {"user": request.user.pk, "kind": kind, "name": name, "created": time.time()}
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    pending = _session_entries(request)
    pending[token] = {"kind": kind, "created": meta["created"]}
    request.session[SESSION_KEY] = pending
    return PendingUpload(token=token, path=data_path, name=name, kind=kind)


def fetch(request, token: str, *, kind: str, claim: bool = False) -> PendingUpload:
    """The upload behind ``token`` if it is this session's and this user's, for this list; else 404."""
    data_path, meta_path = _paths(token)
    entry = _session_entries(request, keep_expired=True).get(token)
    if entry is None or entry.get("kind") != kind:
        raise Http404
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        discard(request, token)
        raise Http404 from error
    expired = time.time() - float(meta.get("created", 0)) > ttl_seconds()
    if meta.get("user") != request.user.pk or meta.get("kind") != kind:
        raise Http404
    if expired or not data_path.exists():
        discard(request, token)
        raise Http404
    if claim:
        # Atomic: of two confirms of the same file (a double click), only one gets to import it.
        claimed = data_path.with_suffix(".claimed")
        try:
            data_path.rename(claimed)
        except FileNotFoundError as error:
            raise Http404 from error
        data_path = claimed
    return PendingUpload(token=token, path=data_path, name=meta.get("name") or "upload", kind=kind)


def discard(request, token: str) -> None:
    """Forget ``token`` in the session and delete its files (nothing happens when they are gone already)."""
    data_path, meta_path = _paths(token)
    pending = _session_entries(request, keep_expired=True)
    if token in pending:
        del pending[token]
        request.session[SESSION_KEY] = pending
    data_path.unlink(missing_ok=True)
    data_path.with_suffix(".claimed").unlink(missing_ok=True)
    meta_path.unlink(missing_ok=True)


def sweep(now: float | None = None) -> int:
    """Delete every stored upload older than the time-to-live; returns how many were deleted."""
    directory = upload_dir()
    if not directory.is_dir():
        return 0
    limit = (now if now is not None else time.time()) - ttl_seconds()
    deleted = 0
    for path in directory.iterdir():
        if path.suffix not in {".upload", ".claimed", ".json"}:
            continue
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
                deleted += path.suffix != ".json"
        except OSError:
            continue
    return deleted


def _session_entries(request, *, keep_expired=False) -> dict:
    entries = dict(request.session.get(SESSION_KEY) or {})
    if keep_expired:
        return entries
    limit = time.time() - ttl_seconds()
    return {token: entry for token, entry in entries.items() if float(entry.get("created", 0)) >= limit}
