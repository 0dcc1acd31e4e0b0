"""manage.py backup / restore: one archive with a manifest; restore refuses what it cannot do.

The full round trip (wipe, restore, compare, sign in, open a PDF) is scripts/backup_drill.sh,
which CI runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from qpdo.ops import backup


@pytest.fixture
def archive(seeded_transactional_db, tmp_path):
    # Transactional: SQLite's backup API waits for the test's open transaction otherwise.
    default_storage.save("tests/backup/证明材料.pdf", ContentFile(b"%PDF-1.4 test"))
    summary = backup.backup_create(directory=tmp_path)
    return summary.path


def _manifest(path) -> dict:
    with tarfile.open(path) as tar:
        return json.loads(tar.extractfile("manifest.json").read())


def test_backup_writes_database_media_and_manifest(archive):
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        stored = tar.extractfile("media/tests/backup/证明材料.pdf").read()
    manifest = _manifest(archive)
    assert {"manifest.json", manifest["database_file"]} <= set(names)
    assert stored == b"%PDF-1.4 test"
    assert manifest["files"]["tests/backup/证明材料.pdf"] == hashlib.sha256(stored).hexdigest()
    assert manifest["migrations"] == backup.applied_migrations()
    assert "jobs.0001_initial" in manifest["migrations"]
    assert manifest["tables"]["auth_user"] == get_user_model().objects.count()
    assert manifest["engine"] == backup.vendor()
    assert archive.name.startswith("qpdo-backup-") and archive.suffix == ".tar"


def _rewrite(path, out, change) -> None:
    with tarfile.open(path) as source, tarfile.open(out, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))


def _restore(path, capsys) -> str:
    with pytest.raises(SystemExit) as stop:
        call_command("restore", str(path))
    assert stop.value.code == 1
    return capsys.readouterr().err.strip()


def test_restore_refuses_another_migration_state_and_changes_nothing(archive, tmp_path, capsys):
    other = tmp_path / "other.tar"
    _rewrite(archive, other, lambda m: m["migrations"].append("stars.9999_future"))
    users = get_user_model().objects.count()
    line = _restore(other, capsys)
    assert line == (
        "备份的迁移状态与当前代码不一致（备份多出 1 个、缺少 0 个迁移，如 stars.9999_future），"
        "未做任何更改：请用与备份时相同版本的代码恢复。"
    )
    assert get_user_model().objects.count() == users


def test_restore_refuses_a_database_that_is_not_empty(archive, capsys):
    line = _restore(archive, capsys)
    assert line.startswith("目标数据库不是空库（已有 ") and "\n" not in line


def test_restore_refuses_a_file_that_is_no_archive(db, tmp_path, capsys):
    path = tmp_path / "x.tar"
    path.write_bytes(b"not a tar")
    assert _restore(path, capsys) == f"无法读取备份文件 {path}，未做任何更改。"


def test_verify_reports_a_changed_file(archive, capsys):
    default_storage.delete("tests/backup/证明材料.pdf")
    default_storage.save("tests/backup/证明材料.pdf", ContentFile(b"changed"))
    assert backup.verify_archive(archive) == ["文件 tests/backup/证明材料.pdf 缺失或内容不同"]
