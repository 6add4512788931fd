"""Backup and restore: an installation (or one cycle) goes out as rows, files and a
manifest of checksums, and comes back into an empty installation as it was; restoring and
backing up again gives the same checksums. A tampered, hostile or misplaced backup is
refused before anything is written. Run on SQLite and, with DATABASE_URL, PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from parindex.assessments.models import Assessment, Cycle, EvidenceFile
from parindex.conftest import Cast
from parindex.org.backups import MANIFEST, installation_rows
from parindex.org.models import Unit
from parindex.org.tests.s3 import Bucket, either_storage, s3_bucket, s3_endpoint
from parindex.results.models import ImportedResult

__all__ = ["either_storage", "s3_bucket", "s3_endpoint"]  # fixtures
HTMX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89"
    b"\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _fresh_content_type_cache() -> Any:
    """Emptying the installation makes its content types anew; forget the old ones."""
    yield
    ContentType.objects.clear_cache()


def upload(cast: Cast, assessment: Assessment, code: str, name: str, content: bytes) -> None:
    """The unit's scorer adds a file through the page, as a person does."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse(
        "assessments:evidence_upload", args=[assessment.cycle.year, assessment.unit.code, code]
    )
    response = cast.client(cast.scorer_a).post(
        url, {"file": SimpleUploadedFile(name, content)}, **HTMX
    )
    assert response.status_code == 200 and "Đã thêm" in response.content.decode()


def manifest(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / MANIFEST).read_text(encoding="utf-8")))


def checksums(folder: Path) -> tuple[list[tuple[str, int, str]], list[tuple[str, int, str]]]:
    """(path, size, SHA-256) of every rows file and every stored file."""
    found = manifest(folder)
    return (
        [(e["path"], e["size"], e["sha256"]) for e in found["models"]],
        [(e["path"], e["size"], e["sha256"]) for e in found["files"]],
    )


def empty_the_installation() -> None:
    """What a new installation is after `migrate`: no rows but migrate's own."""
    call_command("flush", interactive=False, verbosity=0)
    assert installation_rows() == []


def a_used_installation(cast: Cast, assessment_a: Assessment) -> None:
    """The shared cast in a cycle, two evidence files, an administrator's history that
    names a content type and a permission (rows a new installation numbers its own way)."""
    upload(cast, assessment_a, "1.1.1", "Kế hoạch CCHC 2024.pdf", PDF)
    upload(cast, assessment_a, "1.2", "anh-chup.png", PNG)
    # The unit's content type gets a number the target's migrate will not give it.
    ContentType.objects.filter(app_label="org", model="unit").delete()
    ContentType.objects.clear_cache()
    create_permissions(ContentType._meta.apps.get_app_config("org"), verbosity=0)
    unit_type = ContentType.objects.get_for_model(Unit)
    cast.admin.user_permissions.add(Permission.objects.get(codename="change_unit"))
    LogEntry.objects.create(
        user=cast.admin,
        content_type=unit_type,
        object_id=str(cast.unit_a.pk),
        object_repr=str(cast.unit_a),
        action_flag=ADDITION,
    )


@pytest.mark.django_db(transaction=True)
def test_restore_then_backup_gives_identical_checksums(
    cast: Cast,
    assessment_a: Assessment,
    tmp_path: Path,
    settings: Any,
    either_storage: Bucket | None,
) -> None:
    a_used_installation(cast, assessment_a)
    unit_type_before = ContentType.objects.get_for_model(Unit).pk
    call_command("backup", out=str(tmp_path / "first"), verbosity=0)
    first = manifest(tmp_path / "first")
    counts = {e["model"]: e["rows"] for e in first["models"]}
    assert counts["assessments.evidencefile"] == 2 and counts["admin.logentry"] == 1
    assert counts["org.user"] == 8 and "sessions.session" in first["excluded"]
    names = sorted(f.file.name for f in EvidenceFile.objects.all())
    assert [e["name"] for e in first["files"]] == names
    assert first["migrations"]["assessments"][0] == "0001_initial"

    # Into an empty installation with an empty storage of its own.
    empty_the_installation()
    settings.MEDIA_ROOT = tmp_path / "media-after"
    if either_storage is not None:
        either_storage.client.create_bucket(Bucket=either_storage.name + "-after")
        options = settings.STORAGES["default"]["OPTIONS"]
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                **settings.STORAGES["default"],
                "OPTIONS": {**options, "bucket_name": either_storage.name + "-after"},
            },
        }
    assert not default_storage.exists(names[0])
    assert ContentType.objects.get_for_model(Unit).pk != unit_type_before
    call_command("restore", str(tmp_path / "first"), verbosity=0)

    call_command("backup", out=str(tmp_path / "second"), verbosity=0)
    assert checksums(tmp_path / "second") == checksums(tmp_path / "first")
    # The restored installation works: the unit reads its evidence, the history and the
    # permission name the restored unit's type, new rows take new numbers.
    file = EvidenceFile.objects.get(name="Kế hoạch CCHC 2024.pdf")
    got = cast.client(cast.scorer_a).get(reverse("assessments:evidence", args=[file.pk]))
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]
    assert (
        cast.client(cast.scorer_b).get(reverse("assessments:evidence", args=[file.pk])).status_code
        == 404
    )
    assert LogEntry.objects.get().content_type == ContentType.objects.get_for_model(Unit)
    assert cast.admin.has_perm("org.change_unit")
    latest = Unit.objects.order_by("-pk").first()
    assert latest is not None
    new = Unit.objects.create(code="so-moi", name="Sở mới", group=cast.departments, position=9)
    assert new.pk > latest.pk


@pytest.mark.django_db(transaction=True)
def test_a_cycle_backup_holds_the_cycle_and_what_it_needs(
    cast: Cast, history: None, assessment_a: Assessment, tmp_path: Path
) -> None:
    upload(cast, assessment_a, "1.1.1", "ke-hoach.pdf", PDF)
    assert ImportedResult.objects.filter(year=2023).exists()
    call_command("backup", out=str(tmp_path / "cycle"), cycle=2024, verbosity=0)
    counts = {e["model"]: e["rows"] for e in manifest(tmp_path / "cycle")["models"]}
    assert counts["assessments.cycle"] == 1 and counts["results.importedresult"] == 0
    assert counts["assessments.evidencefile"] == 1 and counts["assessments.auditentry"] >= 1
    assert counts["org.unit"] == 3  # the departments, not the 11 districts of 2023
    assert "admin.logentry" in manifest(tmp_path / "cycle")["excluded"]

    empty_the_installation()
    call_command("restore", str(tmp_path / "cycle"), verbosity=0)  # every key finds its row
    assert Cycle.objects.get().year == 2024 and not ImportedResult.objects.exists()
    assert Assessment.objects.count() == 3
    page = cast.client(cast.appraiser).get(
        reverse("assessments:detail", args=[2024, cast.unit_a.code])
    )
    assert page.status_code == 200


def test_there_is_no_backup_of_a_cycle_that_does_not_exist(cast: Cast, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Không có kỳ đánh giá năm 2031"):
        call_command("backup", out=str(tmp_path / "x"), cycle=2031, verbosity=0)
    with pytest.raises(CommandError, match="--cycle là một năm"):
        call_command("backup", out=str(tmp_path / "y"), cycle=10**9, verbosity=0)


@pytest.fixture
def backup(cast: Cast, assessment_a: Assessment, tmp_path: Path) -> Path:
    upload(cast, assessment_a, "1.1.1", "ke-hoach.pdf", PDF)
    folder = tmp_path / "backup"
    call_command("backup", out=str(folder), verbosity=0)
    return folder


def restore_refused(folder: Path, message: str) -> None:
    """The restore stops with `message`, and nothing has been written."""
    files_before = sorted(p for p in Path(default_storage.location).rglob("*") if p.is_file())
    rows_before = installation_rows()
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(folder), verbosity=0)
    assert installation_rows() == rows_before
    assert (
        sorted(p for p in Path(default_storage.location).rglob("*") if p.is_file()) == files_before
    )


def test_an_installation_with_rows_is_refused(backup: Path) -> None:
    restore_refused(backup, "không trống")


@pytest.mark.django_db(transaction=True)
def test_a_tampered_backup_is_refused_before_anything_is_written(
    backup: Path, settings: Any, tmp_path: Path
) -> None:
    empty_the_installation()
    settings.MEDIA_ROOT = tmp_path / "media-after"
    (tmp_path / "media-after").mkdir()
    rows = backup / "data" / "org.user.jsonl"
    original = rows.read_bytes()
    rows.write_bytes(original.replace(b'"admin"', b'"admln"'))
    restore_refused(backup, "đã bị thay đổi hoặc hư hỏng: data/org.user.jsonl")
    rows.unlink()
    restore_refused(backup, "chưa đủ: thiếu data/org.user.jsonl")
    rows.write_bytes(original)
    stored = backup / manifest(backup)["files"][0]["path"]
    stored.write_bytes(stored.read_bytes() + b"%% signed by nobody")
    restore_refused(backup, "đã bị thay đổi hoặc hư hỏng: files/evidence/")


def rewrite_rows(backup: Path, model: str, change: Any) -> None:
    """Change the rows of a model, and make the manifest's checksum match again."""
    rows = backup / "data" / f"{model}.jsonl"
    lines = [json.loads(line) for line in rows.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        change(line)
    rows.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    found = manifest(backup)
    entry = next(e for e in found["models"] if e["model"] == model)
    entry["size"] = rows.stat().st_size
    entry["sha256"] = hashlib.sha256(rows.read_bytes()).hexdigest()
    (backup / MANIFEST).write_text(json.dumps(found), encoding="utf-8")


@pytest.mark.django_db(transaction=True)
def test_rows_that_do_not_fit_together_leave_the_installation_empty(
    backup: Path, settings: Any, tmp_path: Path
) -> None:
    """A row pointing at nothing (its checksum made to match) stops the whole restore:
    no row stays, and the files already written are taken back."""
    empty_the_installation()
    settings.MEDIA_ROOT = tmp_path / "media-after"
    (tmp_path / "media-after").mkdir()
    rewrite_rows(
        backup, "assessments.itemevidence", lambda row: row["fields"].update(item=987654321)
    )
    restore_refused(backup, "không khớp với nhau")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "change",
    [
        lambda row: row["fields"].update(is_superuser_of_everything=True),
        lambda row: row["fields"].update(date_joined="the day before yesterday"),
        lambda row: row.update(model="org.unit"),
    ],
)
def test_a_row_that_is_not_one_is_refused(
    backup: Path, settings: Any, tmp_path: Path, change: Any
) -> None:
    empty_the_installation()
    settings.MEDIA_ROOT = tmp_path / "media-after"
    (tmp_path / "media-after").mkdir()
    rewrite_rows(backup, "org.user", change)
    restore_refused(backup, "Không đọc được một dòng của org.user|không phải một dòng của bảng")


def edit_manifest(folder: Path, change: Any) -> None:
    found = manifest(folder)
    change(found)
    (folder / MANIFEST).write_text(json.dumps(found), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda m: m["files"][0].update(
                name="../../outside.pdf", path="files/../../outside.pdf"
            ),
            "ra ngoài",
        ),
        (lambda m: m["files"][0].update(name="/etc/passwd", path="files//etc/passwd"), "ra ngoài"),
        (lambda m: m["models"][0].update(rows=10**12), "không phải là số"),
        (lambda m: m["files"][0].update(size=-1), "không phải là số"),
        (lambda m: m["models"][0].update(model="auth.user"), "không phải của cài đặt này"),
        (lambda m: m["models"][0].update(path="../data.jsonl"), "liệt kê hai lần hoặc ở chỗ khác"),
        (lambda m: m["files"][0].update(field="org.unit.name"), "không phải trường tệp"),
        (lambda m: m["files"][0].update(sha256="x" * 64), "không phải SHA-256"),
        (lambda m: m.update(models={"org.unit": 1}), "không phải danh sách"),
        (lambda m: m.update(files=[{}] * 3), "không phải là số"),
        (lambda m: m.update(version=2), "định dạng phiên bản 2"),
        (lambda m: m.update(format="other"), "không phải của một bản sao lưu parindex"),
        (lambda m: m["migrations"]["org"].append("0999_future"), "migration khác"),
    ],
)
def test_a_hostile_manifest_is_refused(
    backup: Path, change: Any, message: str, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media-after"
    (tmp_path / "media-after").mkdir()
    edit_manifest(backup, change)
    restore_refused(backup, message)


def test_a_manifest_too_large_or_not_json_is_refused(backup: Path) -> None:
    (backup / MANIFEST).write_bytes(b"{" + b" " * (64 * 1024 * 1024) + b"}")
    restore_refused(backup, "lớn hơn 64 MB")
    (backup / MANIFEST).write_bytes(b"\xff\xfe not json")
    restore_refused(backup, "không phải JSON")
    (backup / MANIFEST).unlink()
    restore_refused(backup, "không có manifest.json")


def test_a_backup_goes_into_an_empty_folder_only(backup: Path) -> None:
    with pytest.raises(CommandError, match="không phải là một thư mục trống"):
        call_command("backup", out=str(backup), verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_demo_province_comes_back_as_it_was(tmp_path: Path, settings: Any) -> None:
    """The demo: every app's rows (frameworks, a cycle, earlier years' results, surveys,
    the outbox, targets) and its evidence files."""
    from io import StringIO

    call_command("load_demo", stdout=StringIO())
    call_command("backup", out=str(tmp_path / "demo"), verbosity=0)
    counts = {e["model"]: e["rows"] for e in manifest(tmp_path / "demo")["models"]}
    assert counts["assessments.evidencefile"] >= 1 and counts["results.importedresult"] >= 1
    empty_the_installation()
    settings.MEDIA_ROOT = tmp_path / "media-after"
    call_command("restore", str(tmp_path / "demo"), verbosity=0)
    call_command("backup", out=str(tmp_path / "again"), verbosity=0)
    assert checksums(tmp_path / "again") == checksums(tmp_path / "demo")


def test_a_file_that_leads_out_of_the_backup_is_refused(backup: Path) -> None:
    entry = manifest(backup)["files"][0]
    stored = backup / entry["path"]
    stored.unlink()
    stored.symlink_to("/etc/hostname")
    restore_refused(backup, "ra ngoài thư mục sao lưu")


@pytest.mark.django_db(transaction=True)
def test_files_already_in_the_storage_are_kept_if_they_are_the_same(backup: Path) -> None:
    """Restoring on the machine that made the backup, its files still there: the same
    bytes are kept; other bytes under the same name are refused, and nothing changes."""
    name = manifest(backup)["files"][0]["name"]
    empty_the_installation()
    call_command("restore", str(backup), verbosity=0)
    assert default_storage.open(name).read() == PDF
    empty_the_installation()
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"%PDF-1.4 not the same"))
    restore_refused(backup, "đã có một tệp khác tên " + name)
    assert default_storage.open(name).read() == b"%PDF-1.4 not the same"
