"""Content-addressed file store: every file is kept once, under its SHA-256.

The storage key is derived from the content (``ab/cd/abcd…``), so storing the same bytes
twice is a no-op and a key can never point at different bytes. Writes go to a temporary
file in the same folder and are renamed into place, so a reader never sees half a file
and a crash leaves no partial file under a valid key.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from .settings import Settings

_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}$")


class FileNotStored(FileNotFoundError):
    """No file is stored under this key."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def storage_key_for(digest: str) -> str:
    return f"{digest[:2]}/{digest[2:4]}/{digest}"


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """Where the file of ``key`` lives. Refuses anything that is not a storage key,
        so a key taken from a request can never reach outside the store."""
        if not _KEY.match(key):
            raise ValueError(f"'{key}' is not a storage key")
        return self.root / key

    def put(self, data: bytes) -> str:
        key = storage_key_for(sha256_hex(data))
        target = self.path(key)
        if target.exists() and target.stat().st_size == len(data):
            return key
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return key

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            raise FileNotStored(f"no file stored under {key}") from None

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()


def file_store(settings: Settings) -> FileStore:
    return FileStore(settings.files_dir)


def put(settings: Settings, data: bytes) -> str:
    return file_store(settings).put(data)


def get(settings: Settings, key: str) -> bytes:
    return file_store(settings).get(key)


def path(settings: Settings, key: str) -> Path:
    return file_store(settings).path(key)
