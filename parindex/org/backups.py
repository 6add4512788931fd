"""Backups of a whole installation or of one cycle, and their restore into an empty one.

A backup is a folder: `data/<app>.<model>.jsonl` holds a model's rows, one JSON object a
line in the shape of Django's serializers, in the order of their keys; `files/<name>`
holds each file the rows reference, under its storage name; `manifest.json` lists every
one of them with its size and SHA-256, the rows per model, the format's version and the
migrations the source had applied. Models come from the app registry, so a model added
later is backed up without a change here; the few left out say why in EXCLUDED.

Everything is written in a stable order (models by their dependencies, rows by key, keys
sorted, times to the microsecond), so that restoring a backup and backing it up again
gives the same checksums.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.files import File
from django.core.files.storage import Storage
from django.core.management.color import no_style
from django.core.serializers.python import Serializer as PythonSerializer
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "parindex-backup"
VERSION = 1
MANIFEST = "manifest.json"
# Left out of every backup, and why.
EXCLUDED = {
    "sessions.session": "log-in sessions: people log in again after a restore",
    "axes.accessattempt": "log-in failures counted for the lock-out, the source's own",
    "axes.accessattemptexpiration": "log-in failures counted for the lock-out, the source's own",
    "axes.accessfailurelog": "the lock-out's log of the source machine",
    "axes.accesslog": "the lock-out's log of the source machine",
    "org.securityevent": "the security log of the source machine, kept by its log retention",
    "contenttypes.contenttype": "made by migrate in every installation; rows refer to it by name",
    "auth.permission": "made by migrate in every installation; rows refer to it by name",
    # Background work (issue 10's jobs): a restored installation starts with no queue.
    "django_tasks_database.dbtaskresult": "the task queue of the source: a restore starts empty",
    "jobs.job": "the source's background jobs and their progress, kept with its logs",
    "jobs.schedule": "when periodic tasks are next due: the workers set it again",
}
# Made by migrate on the target too: the rows that point at them name them (natural keys).
NATURAL = frozenset({"contenttypes.contenttype", "auth.permission"})
# Left out of a cycle's backup: rows about the whole installation, not about the cycle.
NOT_OF_A_CYCLE = {
    "admin.logentry": "the admin site's history of the whole installation",
    "notify.message": "the outbox of the whole installation",
}
# Bounds on what a manifest may declare: a hostile or garbled one is refused, unread.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_ROWS = 10**9
MAX_ENTRIES = 10**7
MAX_FILE_BYTES = 1 << 40
MAX_NAME_LENGTH = 1000
MAX_LINE_BYTES = 64 * 1024 * 1024
CHUNK = 2000
_HEX64 = re.compile(r"[0-9a-f]{64}")
_LABEL = re.compile(r"[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*")


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why, for the operator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Outcome:
    """What a backup wrote or a restore loaded."""

    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0


# Models ---------------------------------------------------------------------------


def backed_up_models() -> list[type[models.Model]]:
    """Every model with a table of its own, less EXCLUDED, each after those it points
    at (ties by label), as a restore loads them."""
    found = {
        m._meta.label_lower: m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and m._meta.label_lower not in EXCLUDED
    }
    ordered: list[type[models.Model]] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(label: str) -> None:
        if label in placed or label in visiting:  # a cycle: deferred constraints allow it
            return
        visiting.add(label)
        for target in sorted(_targets(found[label])):
            if target in found:
                place(target)
        visiting.discard(label)
        placed.add(label)
        ordered.append(found[label])

    for label in sorted(found):
        place(label)
    return ordered


def _relations(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [f for f in model._meta.concrete_fields if f.is_relation]  # type: ignore[misc]


def _targets(model: type[models.Model]) -> set[str]:
    label = model._meta.label_lower
    return {
        f.related_model._meta.label_lower
        for f in _relations(model)
        if f.related_model._meta.label_lower != label
    }


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


# Choosing the rows of a cycle -----------------------------------------------------


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def cycle_rows(year: int) -> dict[type[models.Model], set[Any]]:
    """The keys of the rows a cycle's backup holds, per model:

    - the cycle's rows: the cycle, every row pointing at one of the cycle's rows (its
      groups, assessments, their items, evidence citations, audit, results), and the
      rows of models with a `year` that is the cycle's (survey results, targets);
    - every row they need, what their foreign keys point at (units, groups, frameworks,
      criteria, evidence files, the users named), and so on up;
    - the parts of a needed row, the rows that point at it with on_delete=CASCADE and go
      with it (a framework's criteria, a unit's earlier names, an appraiser's
      assignments), and what they need in turn.
    """
    cycle_model = apps.get_model("assessments", "Cycle")
    cycle = cycle_model._base_manager.filter(year=year).first()
    if cycle is None:
        raise BackupError(_("There is no cycle of %(year)s.") % {"year": year})
    scope = [m for m in backed_up_models() if m._meta.label_lower not in NOT_OF_A_CYCLE]
    chosen: dict[type[models.Model], set[Any]] = defaultdict(set)

    def add(model: type[models.Model], keys: Iterable[Any]) -> set[Any]:
        new = set(keys) - chosen[model]
        chosen[model] |= new
        return new

    # The cycle's rows: down from the cycle, through every foreign key pointing at them.
    frontier: dict[type[models.Model], set[Any]] = {cycle_model: add(cycle_model, [cycle.pk])}
    while frontier:
        step: dict[type[models.Model], set[Any]] = defaultdict(set)
        for model in scope:
            for relation in _relations(model):
                keys = frontier.get(relation.related_model)
                for chunk in _chunks(keys or ()):
                    found = model._base_manager.filter(
                        **{f"{relation.attname}__in": chunk}
                    ).values_list("pk", flat=True)
                    step[model] |= add(model, found)
        frontier = {m: keys for m, keys in step.items() if keys}
    for model in scope:
        names = {f.name for f in model._meta.concrete_fields}
        if "year" in names and model is not cycle_model:
            add(model, model._base_manager.filter(year=year).values_list("pk", flat=True))

    # What they need, and the parts of what they need.
    frontier = {m: set(keys) for m, keys in chosen.items() if keys}
    while frontier:
        step = defaultdict(set)
        for model, keys in frontier.items():
            relations = [r for r in _relations(model) if r.related_model in scope]
            for chunk in _chunks(keys if relations else ()):
                rows = model._base_manager.filter(pk__in=chunk).values_list(
                    *[r.attname for r in relations]
                )
                for values in rows:
                    for relation, value in zip(relations, values, strict=True):
                        if value is not None:
                            target = relation.related_model
                            step[target] |= add(target, [value])
        for model in scope:
            for relation in _relations(model):
                keys = frontier.get(relation.related_model)
                if not keys or relation.remote_field.on_delete is not models.CASCADE:
                    continue
                for chunk in _chunks(keys):
                    found = model._base_manager.filter(
                        **{f"{relation.attname}__in": chunk}
                    ).values_list("pk", flat=True)
                    step[model] |= add(model, found)
        frontier = {m: keys for m, keys in step.items() if keys}
    return chosen


# Writing --------------------------------------------------------------------------


class _RowSerializer(PythonSerializer):
    """Django's serializer, with foreign keys by value except to the NATURAL models,
    which are named; many-to-many links are the rows of their own through models."""

    def handle_fk_field(self, obj: models.Model, field: Any) -> None:
        self.use_natural_foreign_keys = field.related_model._meta.label_lower in NATURAL
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj: models.Model, field: Any) -> None:
        return None


def _encode(value: object) -> object:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()  # to the microsecond, unlike DjangoJSONEncoder
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not serializable")


def _line(row: dict[str, Any]) -> bytes:
    text = json.dumps(
        row, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_encode
    )
    return text.encode("utf-8") + b"\n"


class _HashingWriter:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle: IO[bytes] = path.open("xb")
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self.digest.update(data)
        self.size += len(data)

    def close(self) -> dict[str, Any]:
        self.handle.close()
        return {"size": self.size, "sha256": self.digest.hexdigest()}


def _objects(model: type[models.Model], keys: set[Any] | None) -> Iterator[list[models.Model]]:
    manager = model._base_manager
    if keys is None:
        last = None
        while True:
            query = manager.order_by("pk")
            if last is not None:
                query = query.filter(pk__gt=last)
            batch = list(query[:CHUNK])
            if not batch:
                return
            last = batch[-1].pk
            yield batch
    else:
        for chunk in _chunks(keys):
            yield list(manager.filter(pk__in=chunk).order_by("pk"))


def migration_state(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """The migrations applied to the database, per app."""
    state: dict[str, list[str]] = defaultdict(list)
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        state[app].append(name)
    return dict(state)


def backup_write(*, out: Path, year: int | None = None) -> Outcome:
    """Write a backup of the installation (or of the cycle of `year`) into `out`, a
    folder that does not exist yet or is empty; the manifest is written last."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(_("%(path)s is not an empty folder.") % {"path": out})
    out.mkdir(parents=True, exist_ok=True)
    outcome = Outcome()
    model_entries: list[dict[str, Any]] = []
    referenced: dict[str, str] = {}  # storage name → the field whose storage holds it
    connection = connections[DEFAULT_DB_ALIAS]
    # One view of the database for the whole backup, while people go on working: a
    # snapshot on PostgreSQL; on SQLite the transaction holds the write lock meanwhile.
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:  # the first statement of the transaction
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        chosen = cycle_rows(year) if year is not None else None
        for model in backed_up_models():
            label = model._meta.label_lower
            keys = None if chosen is None else chosen.get(model, set())
            path = f"data/{label}.jsonl"
            writer = _HashingWriter(out / path)
            rows = 0
            file_fields = _file_fields(model)
            for batch in _objects(model, keys):
                for row in _RowSerializer().serialize(batch):
                    writer.write(_line(row))
                rows += len(batch)
                for obj in batch:
                    for file_field in file_fields:
                        name = getattr(obj, file_field.attname).name
                        if name:
                            referenced[name] = f"{label}.{file_field.name}"
            model_entries.append({"model": label, "path": path, "rows": rows, **writer.close()})
            outcome.rows[label] = rows
    file_entries = []
    for name in sorted(referenced):
        storage = _field_storage(referenced[name])
        path = f"files/{name}"
        writer = _HashingWriter(out / path)
        with storage.open(name, "rb") as source:
            for chunk in iter(lambda: source.read(1024 * 1024), b""):
                writer.write(chunk)
        entry = writer.close()
        file_entries.append({"name": name, "field": referenced[name], "path": path, **entry})
        outcome.files += 1
        outcome.file_bytes += entry["size"]
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "scope": {"kind": "installation"} if year is None else {"kind": "cycle", "year": year},
        "created_at": timezone.now().isoformat(),
        "database": connections[DEFAULT_DB_ALIAS].vendor,
        "migrations": migration_state(),
        "excluded": {**EXCLUDED, **(NOT_OF_A_CYCLE if year is not None else {})},
        "models": model_entries,
        "files": file_entries,
    }
    (out / MANIFEST).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    return outcome


def _field_storage(field_label: str) -> Storage:
    app, model, name = field_label.split(".")
    file_field = apps.get_model(app, model)._meta.get_field(name)
    assert isinstance(file_field, models.FileField)
    return file_field.storage


# Reading and checking -------------------------------------------------------------


@dataclass
class Manifest:
    models: list[dict[str, Any]]
    files: list[dict[str, Any]]
    migrations: dict[str, list[str]]
    scope: dict[str, Any]


def _refuse(reason: str) -> BackupError:
    return BackupError(_("The backup's manifest is not valid: %(reason)s") % {"reason": reason})


def _bounded_int(value: object, upper: int, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= upper:
        raise _refuse(
            _("%(what)s is not a number from 0 to %(max)s.") % {"what": what, "max": upper}
        )
    return value


def safe_name(value: object) -> str:
    """A storage name as a backup may hold it: relative, forward slashes, no `..`."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_NAME_LENGTH:
        raise _refuse(_("a file name is missing or too long."))
    parts = PurePosixPath(value).parts
    if (
        value.startswith("/")
        or "\\" in value
        or any(ord(ch) < 32 or ch == "\x7f" for ch in value)
        or any(part in ("", ".", "..") for part in value.split("/"))
        or not parts
    ):
        raise _refuse(
            _("the file name “%(name)s” leaves the backup's folder.") % {"name": value[:200]}
        )
    return value


def _entries(manifest: dict[str, Any], key: str) -> list[dict[str, Any]]:
    entries = manifest.get(key)
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise _refuse(_("“%(key)s” is not a list.") % {"key": key})
    if not all(isinstance(entry, dict) for entry in entries):
        raise _refuse(_("“%(key)s” is not a list.") % {"key": key})
    for entry in entries:
        _bounded_int(entry.get("size"), MAX_FILE_BYTES, _("a file's size"))
        digest = entry.get("sha256")
        if not isinstance(digest, str) or not _HEX64.fullmatch(digest):
            raise _refuse(_("a checksum is not a SHA-256."))
    return entries


def manifest_read(source: Path) -> Manifest:
    """The manifest of the backup in `source`, every entry checked against the bounds."""
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(
            _("%(path)s has no manifest.json: it is not a backup.") % {"path": source}
        )
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise _refuse(_("it is larger than %(max)s MB.") % {"max": MAX_MANIFEST_BYTES >> 20})
    try:
        manifest = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        raise _refuse(_("it is not JSON.")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(_("it is not a parindex backup's."))
    if manifest.get("version") != VERSION:
        raise BackupError(
            _("The backup is of format version %(found)s; this parindex reads version %(ours)s.")
            % {"found": str(manifest.get("version"))[:20], "ours": VERSION}
        )
    known = {m._meta.label_lower for m in backed_up_models()}
    model_entries = _entries(manifest, "models")
    seen: set[str] = set()
    for entry in model_entries:
        label = entry.get("model")
        if not isinstance(label, str) or not _LABEL.fullmatch(label) or label not in known:
            raise _refuse(
                _("the model “%(model)s” is not one of this installation's.")
                % {"model": str(label)[:100]}
            )
        if label in seen or entry.get("path") != f"data/{label}.jsonl":
            raise _refuse(
                _("the rows of “%(model)s” are listed twice or elsewhere.") % {"model": label}
            )
        seen.add(label)
        _bounded_int(entry.get("rows"), MAX_ROWS, _("a model's row count"))
    file_entries = _entries(manifest, "files")
    names: set[str] = set()
    for entry in file_entries:
        name = safe_name(entry.get("name"))
        if name in names or entry.get("path") != f"files/{name}":
            raise _refuse(
                _("the file “%(name)s” is listed twice or elsewhere.") % {"name": name[:200]}
            )
        names.add(name)
        label = entry.get("field")
        if not isinstance(label, str) or label.count(".") != 2:
            raise _refuse(_("a file's field is not named."))
        app_model = label.rsplit(".", 1)[0]
        if app_model not in known or label.rsplit(".", 1)[1] not in {
            f.name for f in _file_fields(apps.get_model(app_model))
        }:
            raise _refuse(
                _("“%(field)s” is not a file field of this installation.") % {"field": label[:100]}
            )
    migrations = manifest.get("migrations")
    if not isinstance(migrations, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(n, str) for n in v)
        for k, v in migrations.items()
    ):
        raise _refuse(_("the migrations are not listed."))
    scope = manifest.get("scope")
    scope = dict(scope) if isinstance(scope, dict) else {}
    return Manifest(models=model_entries, files=file_entries, migrations=migrations, scope=scope)


def _inside(source: Path, relative: str) -> Path:
    root = source.resolve()
    path = (source / relative).resolve()
    if not path.is_relative_to(root):
        raise _refuse(_("“%(path)s” leaves the backup's folder.") % {"path": relative[:200]})
    return path


def _digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def backup_verify(source: Path) -> Manifest:
    """Read the manifest and check every file it lists: present, of its size and
    checksum. Refuses the backup at the first difference, before anything is written."""
    manifest = manifest_read(source)
    for entry in [*manifest.models, *manifest.files]:
        path = _inside(source, entry["path"])
        if not path.is_file():
            raise BackupError(
                _("The backup is incomplete: %(path)s is missing.") % {"path": entry["path"]}
            )
        if _digest(path) != (entry["size"], entry["sha256"]):
            raise BackupError(
                _("The backup has been changed or damaged: %(path)s does not match its checksum.")
                % {"path": entry["path"]}
            )
    return manifest


# Restoring ------------------------------------------------------------------------


def _rows_of(path: Path, label: str, declared: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    count = 0
    with path.open("rb") as handle:
        while line := handle.readline(MAX_LINE_BYTES + 1):
            count += 1
            if count > declared or len(line) > MAX_LINE_BYTES:
                raise BackupError(
                    _("%(path)s has more rows than its manifest says.") % {"path": path.name}
                )
            try:
                row = json.loads(line)
            except ValueError:
                raise BackupError(
                    _("Line %(line)s of %(path)s is not JSON.") % {"line": count, "path": path.name}
                ) from None
            if not isinstance(row, dict) or row.get("model") != label:
                raise BackupError(
                    _("Line %(line)s of %(path)s is not a row of its model.")
                    % {"line": count, "path": path.name}
                )
            batch.append(row)
            if len(batch) == CHUNK // 4:
                yield batch
                batch = []
    if batch:
        yield batch
    if count != declared:
        raise BackupError(
            _("%(path)s has fewer rows than its manifest says.") % {"path": path.name}
        )


def installation_rows(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The models that already have rows here (those a backup would hold)."""
    return [
        m._meta.label_lower for m in backed_up_models() if m._base_manager.using(using).exists()
    ]


def backup_restore(*, source: Path) -> Outcome:
    """Load the backup in `source` into this installation, which must be empty and at
    the backup's migrations: checksums first, then the files into the configured
    storage, then every row in one transaction; the database's sequences follow."""
    manifest = backup_verify(source)
    here = migration_state()
    if manifest.migrations != here:
        missing = sorted(
            f"{app}.{name}"
            for app, names in manifest.migrations.items()
            for name in names
            if name not in here.get(app, [])
        )
        extra = sorted(
            f"{app}.{name}"
            for app, names in here.items()
            for name in names
            if name not in manifest.migrations.get(app, [])
        )
        raise BackupError(
            _(
                "The backup was made at other migrations than this installation's (missing "
                "here: %(missing)s; not in the backup: %(extra)s). Restore it with the "
                "parindex version that made it, then upgrade."
            )
            % {"missing": ", ".join(missing[:10]) or "–", "extra": ", ".join(extra[:10]) or "–"}
        )
    filled = installation_rows()
    if filled:
        raise BackupError(
            _("This installation is not empty (%(models)s have rows): restore into a new one.")
            % {"models": ", ".join(filled[:10])}
        )
    written = _restore_files(source, manifest)
    try:
        outcome = _restore_rows(source, manifest)
    except BaseException as error:
        for storage, name in written:
            storage.delete(name)
        if isinstance(error, DatabaseError):
            raise BackupError(
                _("The backup's rows do not fit together (%(error)s): nothing was restored.")
                % {
                    "error": str(error).splitlines()[0][:300]
                    if str(error)
                    else type(error).__name__
                }
            ) from error
        raise
    outcome.files = len(manifest.files)
    outcome.file_bytes = sum(entry["size"] for entry in manifest.files)
    return outcome


def _restore_files(source: Path, manifest: Manifest) -> list[tuple[Storage, str]]:
    """Write the backup's files into their storage; a name already there is kept when
    it holds the same bytes and refused otherwise, before any file is written."""
    todo = []
    for entry in manifest.files:
        storage = _field_storage(entry["field"])
        if storage.exists(entry["name"]):
            with storage.open(entry["name"], "rb") as present:
                digest = hashlib.sha256()
                for chunk in iter(lambda: present.read(1024 * 1024), b""):
                    digest.update(chunk)
            if digest.hexdigest() != entry["sha256"]:
                raise BackupError(
                    _("The storage already holds another file named %(name)s.")
                    % {"name": entry["name"]}
                )
            continue
        todo.append((storage, entry))
    written: list[tuple[Storage, str]] = []
    try:
        for storage, entry in todo:
            with _inside(source, entry["path"]).open("rb") as handle:
                saved = storage.save(entry["name"], File(handle))
            written.append((storage, saved))
            if saved != entry["name"]:
                raise BackupError(
                    _("The storage saved %(name)s under another name.") % {"name": entry["name"]}
                )
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise
    return written


def _restore_rows(source: Path, manifest: Manifest) -> Outcome:
    outcome = Outcome()
    connection = connections[DEFAULT_DB_ALIAS]
    loaded: list[type[models.Model]] = []
    with transaction.atomic():
        for entry in manifest.models:
            model = apps.get_model(entry["model"])
            if model._meta.parents:
                raise BackupError(
                    _("%(model)s inherits a table: not supported.") % {"model": entry["model"]}
                )
            fields = list(model._meta.local_concrete_fields)
            path = _inside(source, entry["path"])
            for batch in _rows_of(path, entry["model"], entry["rows"]):
                try:
                    objects = [d.object for d in serializers.deserialize("python", batch)]
                except (
                    serializers.base.DeserializationError,
                    FieldDoesNotExist,
                    ObjectDoesNotExist,
                    LookupError,
                    TypeError,
                    ValueError,
                ) as error:
                    raise BackupError(
                        _("A row of %(model)s cannot be read: %(error)s")
                        % {"model": entry["model"], "error": str(error)[:300]}
                    ) from None
                size = max(1, min(CHUNK // 4, connection.ops.bulk_batch_size(fields, objects)))
                for start in range(0, len(objects), size):
                    # Inserted as they are (raw), as loaddata does: auto_now fields keep
                    # the backup's times; one INSERT for many rows.
                    model._base_manager._insert(
                        objects[start : start + size], fields=fields, raw=True
                    )
            outcome.rows[entry["model"]] = entry["rows"]
            loaded.append(model)
        statements = connection.ops.sequence_reset_sql(no_style(), loaded)
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
    return outcome
