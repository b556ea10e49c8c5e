"""An uploaded seed kept between its preview and its confirmation: on the server, in a file named by a random
token that only the uploader's session holds. The client sends the token back, never a path; a token that is not
the session's, or not of the token's form, finds nothing."""

import hmac
import json
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SESSION_KEY = "contracts:pending-upload"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
# A preview not confirmed within this long is forgotten.
KEPT_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "contract-uploads"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


@dataclass(frozen=True)
class PendingUpload:
    files: dict[str, str]
    ignored: list[str]
    # What the preview found it would create and change, to compare with what the confirmation does.
    summary: dict[str, dict[str, list[str]]]
    user_id: int


def pending_upload_keep(session, upload: PendingUpload) -> str:
    """Keep the upload for this session's next confirmation; its token."""
    _forget_old()
    pending_upload_forget(session)
    token = secrets.token_urlsafe(32)
    path = _folder() / f"{token}.json"
    path.write_text(json.dumps(upload.__dict__), encoding="utf-8")
    path.chmod(0o600)
    session[SESSION_KEY] = token
    return token


def pending_upload_find(session, token: str, *, user_id: int) -> PendingUpload | None:
    """The upload this session previewed under `token`, if it is still kept and was the user's."""
    kept = session.get(SESSION_KEY, "")
    if not (TOKEN.match(token or "") and kept and hmac.compare_digest(kept, token)):
        return None
    path = _folder() / f"{token}.json"
    try:
        upload = PendingUpload(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    return upload if upload.user_id == user_id else None


def pending_upload_forget(session) -> None:
    token = session.pop(SESSION_KEY, "")
    if TOKEN.match(token or ""):
        (_folder() / f"{token}.json").unlink(missing_ok=True)


def _forget_old() -> None:
    cutoff = time.time() - KEPT_SECONDS
    for path in _folder().glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
