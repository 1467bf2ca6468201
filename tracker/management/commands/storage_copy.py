"""python manage.py storage_copy --to s3

Moves a running tracker from the local folder (MEDIA_ROOT) to the S3 bucket named by
AWS_STORAGE_BUCKET_NAME (or back, --to filesystem), before the hosts are switched over:

- every file is hashed (SHA-256) as it is read, and the copy is read back from the target and
  hashed again: a copy whose hash differs is removed and reported, and the command fails;
- resumable: a file already in the target with the same SHA-256 is left alone, so a run that
  was stopped (Ctrl-C, a lost connection) picks up where it was, and a second run copies nothing;
  in the bucket the hash is kept as the object's metadata (x-amz-meta-sha256), so that check
  costs one HEAD request, not a download;
- the source is only read, never changed.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from tracker.storage import (
    filesystem_storage,
    s3_storage_from_settings,
    storage_description,
    storage_is_s3,
    storage_sha256,
    storage_walk,
)


class Command(BaseCommand):
    help = "Copy every stored file from the local folder to the S3 bucket (or back), verified by SHA-256."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, choices=["s3", "filesystem"], help="Where the files go.")

    def handle(self, *args: Any, **options: Any) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._copy_all(to=options["to"], progress_shown=options["verbosity"] > 0)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        except (BotoCoreError, ClientError) as exc:
            raise CommandError(
                f"The bucket {settings.AWS_STORAGE_BUCKET_NAME!r} could not be used: {exc}. Check the AWS_* "
                "settings; files already copied stay, and the next run goes on from there."
            ) from exc

    def _copy_all(self, *, to: str, progress_shown: bool) -> None:
        s3 = s3_storage_from_settings()
        folder = filesystem_storage(str(settings.MEDIA_ROOT))
        source, target = (folder, s3) if to == "s3" else (s3, folder)
        names = list(storage_walk(source))
        sizes = {name: source.size(name) for name in names}
        copied = skipped = 0
        failed: list[str] = []
        with tqdm(
            total=sum(sizes.values()),
            unit="B",
            unit_scale=True,
            desc="storage_copy",
            disable=not progress_shown,
            file=self.stderr._out,  # type: ignore[call-overload]  # the raw stream: the wrapper would end each redraw with a newline
        ) as progress:
            for name in names:
                digest, size = storage_sha256(source, name)
                if _already_there(target, name, digest, size):
                    skipped += 1
                elif _copy(source, target, name, digest):
                    copied += 1
                else:
                    failed.append(name)
                progress.update(sizes[name])
        summary = (
            f"{copied} copied, {skipped} already there (same SHA-256), {len(failed)} failed, "
            f"of {len(names)} files ({sum(sizes.values())} bytes) in {storage_description(source)} -> {storage_description(target)}."
        )
        if failed:
            raise CommandError(f"{summary} These copies did not match their source and were removed: {failed}")
        self.stdout.write(summary)


def _already_there(target: Storage, name: str, digest: str, size: int) -> bool:
    if not target.exists(name):
        return False
    if storage_is_s3(target):
        head = target.bucket.Object(target._normalize_name(name))  # type: ignore[attr-defined]
        recorded = head.metadata.get("sha256")
        if recorded is not None:  # written by this command after a verified copy
            return bool(recorded == digest and head.content_length == size)
    return storage_sha256(target, name) == (digest, size)


def _copy(source: Storage, target: Storage, name: str, digest: str) -> bool:
    """Copy one file at exactly its name, read it back, and keep it only if its SHA-256 matches."""
    with source.open(name, "rb") as readable:
        if storage_is_s3(target):
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            target.bucket.Object(target._normalize_name(name)).upload_fileobj(  # type: ignore[attr-defined]
                readable, ExtraArgs={"Metadata": {"sha256": digest}, "ContentType": content_type}
            )
        else:
            stored = target.save(name, readable)
            if stored != name:
                raise CommandError(f"The folder stored {name} as {stored}; nothing else was changed.")
    if storage_sha256(target, name)[0] == digest:
        return True
    target.delete(name)
    return False
