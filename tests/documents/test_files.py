"""The content-addressed file store."""

from __future__ import annotations

import hashlib

import pytest

from thidua.files import FileNotStored, FileStore

pytestmark = pytest.mark.fast


def test_put_is_content_addressed_idempotent_and_atomic(tmp_path):
    store = FileStore(tmp_path / "files")
    data = "Quyết định số 01/QĐ-UBND".encode()
    key = store.put(data)
    digest = hashlib.sha256(data).hexdigest()
    assert key == f"{digest[:2]}/{digest[2:4]}/{digest}"
    assert store.put(data) == key
    assert store.get(key) == data
    assert store.path(key).read_bytes() == data
    # No temporary file is left behind.
    assert [p.name for p in store.path(key).parent.iterdir()] == [digest]


def test_keys_that_are_not_storage_keys_are_refused(tmp_path):
    store = FileStore(tmp_path / "files")
    for bad in ("../../etc/passwd", "ab/cd/not-a-digest", "/absolute", ""):
        with pytest.raises(ValueError):
            store.path(bad)
    with pytest.raises(FileNotStored):
        store.get("ab/cd/" + "ab" * 32)
