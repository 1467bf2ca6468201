"""Backups of a whole tracker: the PostgreSQL database (pg_dump's custom format) and every
stored file (from the local folder or the bucket), with a manifest of SHA-256s; and their
restore. Called by `manage.py backup` and `manage.py restore`.

A backup folder:
    manifest.json     format, time, what was backed up, and each file's SHA-256 and size
    database.dump     pg_dump --format=custom (pg_restore reads it; compressed)
    files/<name>      each stored file under its storage name (documents/2026/05/claim.pdf)

The dump is taken first and the files after it, so every file a dumped row names is there
(a file is deleted only after its row's deletion commits); files uploaded meanwhile are
extra and harmless.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection
from django.utils import timezone

from tracker.storage import file_sha256, storage_chunks, storage_description, storage_sha256, storage_walk

FORMAT = 1
DUMP = "database.dump"
FILES = "files"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A sentence for the operator; nothing was changed, or what was is said."""


@dataclass
class BackupSummary:
    folder: Path
    database_bytes: int
    files: int
    file_bytes: int


def _postgres_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        raise BackupError(
            "Backups need PostgreSQL (DATABASE_URL=postgres://...); this tracker runs on SQLite: "
            f"stop it and copy {db['NAME']} and {settings.MEDIA_ROOT} instead."
        )
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
    ):
        if value:
            env[key] = str(value)
    return env


def _run(tool: str, args: list[str], env: dict[str, str]) -> None:
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed: install PostgreSQL's client tools (Debian: postgresql-client).")
    result = subprocess.run([tool, *args], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip() or result.stdout.strip()}")


def _inside(folder: Path, name: str) -> Path:
    """The path of a stored file's copy, refusing a name that would leave the folder."""
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise BackupError(f"The stored name {name!r} points outside the backup folder; nothing was written for it.")
    return path


def backup_create(
    *, out: Path, storage: Storage | None = None, on_file: Callable[[int], None] | None = None
) -> BackupSummary:
    """Write a backup into `out`, a new or empty folder."""
    storage = storage or default_storage
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty: give a new folder, so that no backup is overwritten.")
    env = _postgres_env()
    out.mkdir(parents=True, exist_ok=True)
    _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={out / DUMP}"], env)
    with (out / DUMP).open("rb") as dump:
        dump_sha256, dump_size = file_sha256(dump)
    files: list[dict[str, Any]] = []
    for name in storage_walk(storage):
        target = _inside(out / FILES, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as copy:
            for chunk in storage_chunks(storage, name):
                copy.write(chunk)
        with target.open("rb") as copy:  # the hash of what is on the backup's disk, not of what was sent
            sha256, size = file_sha256(copy)
        files.append({"name": name, "sha256": sha256, "size": size})
        if on_file:
            on_file(size)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"file": DUMP, "sha256": dump_sha256, "size": dump_size, "name": env.get("PGDATABASE", "")},
        "storage": storage_description(storage),
        "files": files,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return BackupSummary(out, dump_size, len(files), sum(f["size"] for f in files))


def backup_read(folder: Path) -> dict[str, Any]:
    """The manifest, after checking every file of the backup against it (nothing is restored
    from a backup that is incomplete or damaged)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {MANIFEST}: it is not a backup made by `manage.py backup`.") from None
    except json.JSONDecodeError as exc:
        raise BackupError(f"{folder / MANIFEST} is damaged: {exc}.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder / MANIFEST} has format {manifest.get('format')!r}; this tracker reads {FORMAT}.")
    entries = [(DUMP, folder / DUMP, manifest["database"])]
    entries += [(f["name"], _inside(folder / FILES, f["name"]), f) for f in manifest["files"]]
    bad = []
    for name, path, expected in entries:
        try:
            with path.open("rb") as stored:
                found = file_sha256(stored)
        except FileNotFoundError:
            bad.append(f"{name} (missing)")
            continue
        if found != (expected["sha256"], expected["size"]):
            bad.append(f"{name} (SHA-256 differs)")
    if bad:
        raise BackupError(
            f"The backup in {folder} does not match its manifest; nothing was restored: {', '.join(bad)}."
        )
    return manifest


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def backup_restore(
    *, folder: Path, replace: bool = False, storage: Storage | None = None, on_file: Callable[[int], None] | None = None
) -> BackupSummary:
    """Restore the database and the files of a backup into this tracker's database and storage."""
    storage = storage or default_storage
    manifest = backup_read(folder)
    env = _postgres_env()
    if not replace and not _database_is_empty():
        raise BackupError(
            f"The database {env.get('PGDATABASE')} already has tables: restore into a new, empty database "
            "(createdb), or pass --replace to drop what is there and put the backup in its place."
        )
    connection.close()  # pg_restore --clean must not wait on this process's own session
    args = ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", f"--dbname={env['PGDATABASE']}"]
    if replace:
        args += ["--clean", "--if-exists"]
    _run("pg_restore", [*args, str(folder / DUMP)], env)
    for entry in manifest["files"]:
        _file_restore(storage, entry, _inside(folder / FILES, entry["name"]))
        if on_file:
            on_file(entry["size"])
    return BackupSummary(
        folder, manifest["database"]["size"], len(manifest["files"]), sum(f["size"] for f in manifest["files"])
    )


def _file_restore(storage: Storage, entry: dict[str, Any], source: Path) -> None:
    name = entry["name"]
    if storage.exists(name):
        if storage_sha256(storage, name) == (entry["sha256"], entry["size"]):
            return
        storage.delete(name)
    with source.open("rb") as readable:
        stored = storage.save(name, File(readable, name=name))
    if stored != name:
        raise BackupError(f"The storage kept {name} as {stored}; restore stopped.")
    if storage_sha256(storage, name) != (entry["sha256"], entry["size"]):
        raise BackupError(f"{name} was restored but reads back differently from the storage; restore stopped.")
