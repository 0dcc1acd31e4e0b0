"""Write audit records. Called inside the caller's transaction, so the record commits with it.

Each record is chained to the one before it: `record_hash` is the SHA-256 of the record's
fields and the previous record's hash (`record_digest`). Appending takes a lock first so two
transactions never chain to the same predecessor: on PostgreSQL a transaction-level advisory
lock (held until the caller's transaction ends), on SQLite the database's own write lock
(transactions start with BEGIN IMMEDIATE, see qpdo.config).

The request being served (bound by `AuditContextMiddleware`, see qpdo.org.request_context)
supplies the client address, browser and actor when the caller gives none; services never
take a `request`. The client address is REMOTE_ADDR, or, when the request came through the
one trusted reverse proxy (settings.QPDO_TRUSTED_PROXY), the last address that proxy put in
X-Forwarded-For (`client_ip`). Control characters in any text are escaped (\\n, \\x1b…)
so a forged name cannot fake a line of the trail.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import UTC, datetime

from django.db import connection, models, transaction

from .enums import AuditAction
from .models import AuditRecord
from .request_context import client_ip as client_ip  # re-exported: the one address rule
from .request_context import current as current_context
from .request_context import request_context

# PostgreSQL advisory lock key that serialises appends to the chain ("qpdoaudt").
CHAIN_LOCK_KEY = 0x7170646F61756474
GENESIS = "0" * 64

HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "actor_roles",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "detail",
    "ip_address",
    "user_agent",
    "success",
    "previous_hash",
)


def escape_control(text: str) -> str:
    """Return text with control and format characters escaped as \\n, \\r, \\xNN, \\uNNNN."""
    out = []
    for char in str(text):
        if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}:
            named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
            code = ord(char)
            out.append(named.get(char) or (f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"))
        else:
            out.append(char)
    return "".join(out)


def _timestamp(value: datetime) -> datetime:
    # Millisecond precision: what a JSON dump keeps, so a dump can be verified too.
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _canonical_at(value) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return _timestamp(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def record_digest(fields: dict) -> str:
    """Return the SHA-256 hex digest of a record's fields (a dict as in HASHED_FIELDS)."""
    values = {name: fields.get(name) for name in HASHED_FIELDS}
    values["at"] = _canonical_at(values["at"])
    values["actor_id"] = None if values["actor_id"] in (None, "") else int(values["actor_id"])
    values["ip_address"] = values["ip_address"] or None
    values["success"] = bool(values["success"])
    for name in HASHED_FIELDS:
        if values[name] is None and name not in {"actor_id", "ip_address"}:
            values[name] = ""
    payload = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def _last_hash() -> str:
    last = AuditRecord.objects.order_by("-id").values_list("record_hash", flat=True).first()
    return last or GENESIS


def audit_record(
    *,
    action: AuditAction,
    actor=None,
    actor_name: str = "",
    target: models.Model | None = None,
    detail: str = "",
    ip_address: str | None = None,
    success: bool = True,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditRecord:
    """Append one audit record (chained to the last one) and return it."""
    from .clock import now
    from .scoping import display_name, user_roles

    context = current_context()
    if actor is None and context is not None:
        actor = context.user
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    if authenticated and not actor_name:
        actor_name = display_name(actor)
    roles = "、".join(sorted(role.label for role in user_roles(actor))) if authenticated else ""
    if authenticated and actor.is_superuser:
        roles = "、".join(filter(None, ["超级用户", roles]))
    if ip_address is None and context is not None:
        ip_address = context.ip_address
    agent = context.user_agent if context is not None else ""
    if target is not None:
        object_type = object_type or target._meta.label
        object_id = object_id or str(target.pk)
        object_repr = object_repr or str(target)
    record = AuditRecord(
        at=_timestamp(now()),
        action=action,
        actor=actor if authenticated else None,
        actor_name=escape_control(actor_name)[:60],
        actor_roles=roles[:200],
        object_type=object_type[:60],
        object_id=escape_control(object_id)[:40],
        object_repr=escape_control(object_repr)[:200],
        detail=escape_control(detail),
        ip_address=ip_address,
        user_agent=escape_control(agent)[:300],
        success=success,
    )
    with transaction.atomic():
        _lock_chain()
        record.previous_hash = _last_hash()
        record.record_hash = record_digest({name: getattr(record, name) for name in HASHED_FIELDS})
        record.save()
    _note_written(record)
    return record


def audit_written_in_request(*actions: AuditAction) -> bool:
    """Return whether the current request already wrote a record of one of these actions."""
    context = current_context()
    return context is not None and bool(context.audited & set(actions))


def _note_written(record: AuditRecord) -> None:
    context = current_context()
    if context is not None:
        context.audited.add(record.action)


class AuditContextMiddleware:
    """Bind the request being served for audit_record (address, browser, actor), reset after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(request):
            response = self.get_response(request)
            audit_file_response(request, response)
            return response


def _disposition_filename(header: str) -> str:
    from urllib.parse import unquote

    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename*" and "''" in value:
            return unquote(value.split("''", 1)[1])
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename":
            return value.strip('"')
    return ""


def audit_file_response(request, response) -> None:
    """Audit every file that leaves the portal: stored files (下载) and generated ones (导出).

    A response is a file when it carries Content-Disposition (every PDF, Excel, Word,
    calendar and stored-file response does). One record per request: a view whose service
    already wrote a more specific export record is not recorded twice.
    """
    from django.http import FileResponse

    header = response.get("Content-Disposition", "") if hasattr(response, "get") else ""
    if not header or response.status_code != 200:
        return
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return
    if audit_written_in_request(AuditAction.EXPORT, AuditAction.DOWNLOAD):
        return
    match = getattr(request, "resolver_match", None)
    kwargs = dict(match.kwargs) if match else {}
    object_id = str(kwargs.pop("pk", "") or kwargs.pop("id", "") or "")
    view_name = match.view_name if match else ""
    filename = _disposition_filename(header)
    downloaded = isinstance(response, FileResponse)
    audit_record(
        action=AuditAction.DOWNLOAD if downloaded else AuditAction.EXPORT,
        actor=user,
        object_type=view_name,
        object_id=object_id,
        object_repr=filename,
        detail=f"{'下载文件' if downloaded else '导出'}《{filename}》：{request.get_full_path()}",
    )


def verify_chain(rows, *, start_hash: str | None = None) -> tuple[int, str | None]:
    """Check a sequence of records (dicts of HASHED_FIELDS plus id and record_hash), oldest first.

    Return (records checked, None) when every link holds, or (position, message) naming the
    first broken one. The first record may chain to an archived one (start_hash unknown):
    its previous_hash is taken as given unless start_hash is passed.
    """
    expected_previous = start_hash
    count = 0
    for count, row in enumerate(rows, start=1):
        label = f"第 {count} 条记录（编号 {row.get('id')}，{row.get('at')}）"
        if expected_previous is not None and row.get("previous_hash") != expected_previous:
            return count, f"{label}：与上一条记录的链接断开（上一条被删除、插入或修改）。"
        if record_digest(row) != row.get("record_hash"):
            return count, f"{label}：内容与校验值不符（该记录被修改）。"
        expected_previous = row.get("record_hash")
    return count, None


def database_rows():
    """Yield every audit record as a dict for verify_chain, oldest first."""
    fields = ["id", "record_hash", *HASHED_FIELDS]
    # Pages by id rather than .iterator(): no server-side cursor is left open when the
    # caller stops at the first broken link.
    after = 0
    while True:
        page = list(AuditRecord.objects.filter(id__gt=after).order_by("id").values(*fields)[:2000])
        if not page:
            return
        yield from page
        after = page[-1]["id"]


def dump_rows(objects: list[dict]):
    """Yield the audit records of a dumpdata JSON (a list of objects), oldest first."""
    records = [o for o in objects if o.get("model") == "org.auditrecord"]
    for obj in sorted(records, key=lambda o: o["pk"]):
        fields = dict(obj["fields"])
        fields["id"] = obj["pk"]
        fields["actor_id"] = fields.pop("actor", None)
        yield fields
