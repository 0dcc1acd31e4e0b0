"""Backup and restore: one tar archive with the database, the media and a manifest.

The database is dumped with `pg_dump -Fc` (PostgreSQL, in the same snapshot as the row counts)
or copied with SQLite's online backup API (never a file copy of a live database). Media files
are read and written through Django's storage API only. The manifest records the migration
state, the row count of every table and the SHA-256 of every media file; restore refuses an
archive of another migration state and a target that is not empty, before changing anything.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from qpdo.org import clock

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
SKIPPED_MEDIA = ("healthz/",)  # probes of /healthz, never real data


class Refused(Exception):
    """Restore or backup cannot go ahead; the message is one Chinese line."""


@dataclass
class Summary:
    path: Path
    tables: int
    rows: int
    files: int


# State of the live system ----------------------------------------------------------------


def applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def code_migrations() -> list[str]:
    """Return every migration of the code, as a fully migrated database has them applied."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.graph.nodes)


def table_counts(cursor=None) -> dict[str, int]:
    names = sorted(connection.introspection.table_names())
    counts = {}
    own = cursor is None
    cursor = cursor or connection.cursor()
    try:
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
            counts[name] = cursor.fetchone()[0]
    finally:
        if own:
            cursor.close()
    return counts


def media_names(storage=None, path: str = "") -> list[str]:
    storage = storage or default_storage
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return []
    names = [f"{path}{name}" for name in files]
    for directory in directories:
        names.extend(media_names(storage, f"{path}{directory}/"))
    return sorted(n for n in names if not n.startswith(SKIPPED_MEDIA))


def _sha256(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def media_hashes() -> dict[str, str]:
    hashes = {}
    for name in media_names():
        with default_storage.open(name, "rb") as handle:
            hashes[name] = _sha256(handle)
    return hashes


def vendor() -> str:
    return connection.vendor  # "postgresql" or "sqlite"


# Backup ----------------------------------------------------------------------------------


def default_directory() -> Path:
    return Path(os.environ.get("QPDO_BACKUP_DIR", Path(settings.VAR_DIR) / "backups"))


def _pg_env_and_args() -> tuple[dict, list[str]]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


def _require(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        raise Refused(
            f"找不到 {tool}：请安装 PostgreSQL 客户端（apt-get install postgresql-client），"
            "版本不低于数据库服务器。"
        )
    return found


def _dump_postgresql(target: Path) -> dict[str, int]:
    """Dump with pg_dump -Fc in the snapshot the row counts are taken in."""

    env, args = _pg_env_and_args()
    pg_dump = _require("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = table_counts(cursor)
        result = subprocess.run(
            [
                pg_dump,
                *args,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                "--file",
                str(target),
                settings.DATABASES["default"]["NAME"],
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise Refused(f"pg_dump 失败：{result.stderr.strip().splitlines()[-1:]}")
    return counts


def _dump_sqlite(target: Path) -> dict[str, int]:
    """Copy the live SQLite database with its online backup API, then count the copy."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        counts = {}
        for (name,) in destination.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall():
            quoted = connection.ops.quote_name(name)
            counts[name] = destination.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()[0]  # noqa: S608
    finally:
        destination.close()
    return dict(sorted(counts.items()))


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(clock.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def backup_create(*, directory: Path | None = None) -> Summary:
    """Write one archive of the database, the media and the manifest; return what it holds."""
    directory = Path(directory or default_directory())
    directory.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().astimezone(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    final = directory / f"qpdo-backup-{stamp}.tar"
    kind = vendor()
    with tempfile.TemporaryDirectory(prefix="qpdo-backup-") as scratch:
        database_file = "database.dump" if kind == "postgresql" else "database.sqlite3"
        dumped = Path(scratch) / database_file
        if kind == "postgresql":
            counts = _dump_postgresql(dumped)
        elif kind == "sqlite":
            counts = _dump_sqlite(dumped)
        else:
            raise Refused(f"不支持备份 {kind} 数据库。")
        partial = directory / f".{final.name}.partial"
        files: dict[str, str] = {}
        with tarfile.open(partial, "w") as archive:
            archive.add(dumped, arcname=database_file)
            for name in media_names():
                with default_storage.open(name, "rb") as handle:
                    files[name] = _sha256(handle)
                    handle.seek(0)
                    info = tarfile.TarInfo(MEDIA_PREFIX + name)
                    info.size = default_storage.size(name)
                    info.mode = 0o600
                    info.mtime = int(clock.now().timestamp())
                    archive.addfile(info, handle)
            manifest = {
                "format": FORMAT,
                "created_at": clock.now().isoformat(),
                "engine": kind,
                "database_file": database_file,
                "migrations": applied_migrations(),
                "tables": counts,
                "files": files,
            }
            _add_bytes(
                archive,
                MANIFEST,
                json.dumps(manifest, ensure_ascii=False, indent=1).encode(),
            )
        partial.chmod(0o600)
        partial.replace(final)
    return Summary(final, len(counts), sum(counts.values()), len(files))


# Restore ---------------------------------------------------------------------------------


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember(MANIFEST)
    except KeyError:
        raise Refused("这不是门户的备份文件（缺少 manifest.json），未做任何更改。") from None
    manifest = json.loads(archive.extractfile(member).read())
    if manifest.get("format") != FORMAT:
        raise Refused(f"备份格式版本 {manifest.get('format')} 不受支持，未做任何更改。")
    return manifest


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r")
    except (OSError, tarfile.TarError):
        raise Refused(f"无法读取备份文件 {path}，未做任何更改。") from None


def _check_migrations(manifest: dict) -> None:
    archived, code = set(manifest["migrations"]), set(code_migrations())
    if archived == code:
        return
    extra, missing = sorted(archived - code), sorted(code - archived)
    example = (extra or missing)[0]
    raise Refused(
        f"备份的迁移状态与当前代码不一致（备份多出 {len(extra)} 个、缺少 {len(missing)} 个迁移，"
        f"如 {example}），未做任何更改：请用与备份时相同版本的代码恢复。"
    )


def _check_empty_target(manifest: dict) -> None:
    if manifest["engine"] != vendor():
        names = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
        raise Refused(
            f"备份来自 {names.get(manifest['engine'], manifest['engine'])} 数据库，"
            f"当前配置的是 {names.get(vendor(), vendor())}，未做任何更改。"
        )
    tables = connection.introspection.table_names()
    if tables:
        raise Refused(
            f"目标数据库不是空库（已有 {len(tables)} 张表），未做任何更改：请恢复到新建的空数据库。"
        )
    if media_names():
        raise Refused("上传文件目录不是空的，未做任何更改：请恢复到空的 MEDIA_ROOT。")


def restore_check(path: Path) -> dict:
    """Refuse (Refused) an archive that cannot be restored here; change nothing."""
    with _open(path) as archive:
        manifest = read_manifest(archive)
        _check_migrations(manifest)
        _check_empty_target(manifest)
    return manifest


def _restore_postgresql(dump: Path) -> None:
    env, args = _pg_env_and_args()
    pg_restore = _require("pg_restore")
    connection.close()
    result = subprocess.run(
        [
            pg_restore,
            *args,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            settings.DATABASES["default"]["NAME"],
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise Refused(f"pg_restore 失败：{result.stderr.strip().splitlines()[-1:]}")


def _restore_sqlite(copy: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


def restore(path: Path) -> Summary:
    """Restore an archive into the empty database and media folder, then verify it."""
    manifest = restore_check(path)
    with _open(path) as archive, tempfile.TemporaryDirectory(prefix="qpdo-restore-") as scratch:
        member = archive.getmember(manifest["database_file"])
        dumped = Path(scratch) / "database"
        with archive.extractfile(member) as source, open(dumped, "wb") as target:
            shutil.copyfileobj(source, target)
        if manifest["engine"] == "postgresql":
            _restore_postgresql(dumped)
        else:
            _restore_sqlite(dumped)
        for member in archive.getmembers():
            if not member.isfile() or not member.name.startswith(MEDIA_PREFIX):
                continue
            name = member.name[len(MEDIA_PREFIX) :]
            if name not in manifest["files"]:
                continue
            with archive.extractfile(member) as handle:
                stored = default_storage.save(name, File(handle, name=name))
            if stored != name:
                raise Refused(f"文件 {name} 恢复为 {stored}，与备份不一致。")
    problems = verify(manifest)
    if problems:
        raise Refused("恢复后核对不一致：" + "；".join(problems[:5]))
    counts = manifest["tables"]
    return Summary(Path(path), len(counts), sum(counts.values()), len(manifest["files"]))


def verify(manifest: dict) -> list[str]:
    """Compare the live database and media with an archive's manifest; return the differences."""
    problems = []
    counts = table_counts()
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            problems.append(f"表 {table} 应有 {expected} 行，实有 {counts.get(table)} 行")
    for table in sorted(set(counts) - set(manifest["tables"])):
        problems.append(f"多出表 {table}")
    hashes = media_hashes()
    for name, digest in manifest["files"].items():
        if hashes.get(name) != digest:
            problems.append(f"文件 {name} 缺失或内容不同")
    for name in sorted(set(hashes) - set(manifest["files"])):
        problems.append(f"多出文件 {name}")
    return problems


def verify_archive(path: Path) -> list[str]:
    with _open(path) as archive:
        return verify(read_manifest(archive))
