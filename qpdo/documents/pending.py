"""Pending uploads: files that passed their checks in a form that another field sent back.

When a form with file inputs is re-rendered with errors, the browser forgets the chosen files.
`KeepUploadsMixin` (qpdo.documents.forms) stores each file that passed its own field's checks
here, under `pending/<user>/`, and puts a signed token in the re-rendered page. On the next
submit the token brings the file back as if it had been chosen again. A token names its owner:
another user (or an anonymous request) cannot claim it, and it expires after
PENDING_MAX_AGE; `manage.py clear_pending_uploads` (a daily task) deletes what is left.
"""

from __future__ import annotations

import datetime
import logging
import posixpath
import uuid

from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from qpdo.org import clock

from .uploads import content_type_for, extension_of, file_size

logger = logging.getLogger(__name__)

PENDING_DIR = "pending"
PENDING_MAX_AGE = datetime.timedelta(hours=12)
_SALT = "qpdo.documents.pending-upload"
_STAMP = "%Y%m%d%H%M%S"


class PendingUpload(UploadedFile):
    """A kept file handed back to a form field; `token` lets the page keep it once more."""

    def __init__(self, *, file, name: str, size: int, token: str) -> None:
        super().__init__(file=file, name=name, content_type=content_type_for(name), size=size)
        self.token = token


def _user_dir(user) -> str:
    return posixpath.join(PENDING_DIR, str(user.pk))


def keep(upload, *, user) -> str:
    """Store one checked upload for `user` and return the token that claims it."""
    if isinstance(upload, PendingUpload):
        return upload.token
    ext = extension_of(upload.name)
    stamp = clock.now().astimezone(datetime.UTC).strftime(_STAMP)
    name = posixpath.join(_user_dir(user), f"{stamp}-{uuid.uuid4().hex}.{ext or 'bin'}")
    upload.seek(0)
    stored = default_storage.save(name, upload)
    upload.seek(0)
    return signing.dumps(
        {
            "u": user.pk,
            "p": stored,
            "n": upload.name,
            "s": file_size(upload),
            "t": int(clock.now().timestamp()),
        },
        salt=_SALT,
    )


def claim(token: str, *, user) -> PendingUpload | None:
    """Return the kept file of `token` if it belongs to `user` and has not expired."""
    if user is None or not user.is_authenticated or not token:
        return None
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    # The age is read from the portal's clock (signing's max_age would read the system time).
    if clock.now().timestamp() - data.get("t", 0) > PENDING_MAX_AGE.total_seconds():
        return None
    path = data.get("p", "")
    if data.get("u") != user.pk or not path.startswith(_user_dir(user) + "/"):
        return None
    if not default_storage.exists(path):
        return None
    return PendingUpload(
        file=default_storage.open(path, "rb"), name=data["n"], size=data["s"], token=token
    )


def clear_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete pending files older than PENDING_MAX_AGE; return how many were deleted."""
    cutoff = (now or clock.now()) - PENDING_MAX_AGE
    deleted = 0
    if not default_storage.exists(PENDING_DIR):
        return 0
    users, _ = default_storage.listdir(PENDING_DIR)
    for owner in users:
        folder = posixpath.join(PENDING_DIR, owner)
        for name in default_storage.listdir(folder)[1]:
            try:
                stamp = datetime.datetime.strptime(name.split("-", 1)[0], _STAMP)
            except ValueError:
                continue
            if stamp.replace(tzinfo=datetime.UTC) < cutoff:
                default_storage.delete(posixpath.join(folder, name))
                deleted += 1
    if deleted:
        logger.info("deleted %d expired pending uploads", deleted)
    return deleted
