"""The payload key ring: keys rotate without making what running workflows hold
unreadable; ballot sheets are sealed with a key the operators' codec does not hold."""

from __future__ import annotations

import base64
import json
import os
import stat

import pytest
from temporalio.api.common.v1 import Payload

from domain.vocabulary import BallotMode, Choice
from thidua.codec import (
    DEFAULT_KEY_ID,
    KEY_ID,
    SEAL,
    EncryptionCodec,
    KeyRing,
    KeyRingError,
    rotate,
)
from thidua.settings import DEV_PAYLOAD_KEY
from thidua.temporal_client import PayloadConverter
from workflows.contracts import Actor
from workflows.council_types import BallotSheet, CloseCommand

from .test_cli import one_error_line, run

pytestmark = pytest.mark.fast


def payload(text: str) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(text).encode())


def sheet() -> BallotSheet:
    actor = Actor(user_id=7, name="Uỷ viên")
    return BallotSheet(actor=actor, mode=BallotMode.IN_PERSON, choices={"12": Choice.DISAGREE})


async def test_payloads_written_before_a_rotation_still_open_after_it(tmp_path):
    ring_file = tmp_path / "payload-keys.json"
    before = EncryptionCodec(KeyRing.load(DEV_PAYLOAD_KEY, ring_file))
    [old] = await before.encode([payload("trước khi đổi khóa")])
    assert old.metadata[KEY_ID] == DEFAULT_KEY_ID.encode()

    new_id = rotate(ring_file, DEV_PAYLOAD_KEY)
    assert stat.S_IMODE(os.stat(ring_file).st_mode) == 0o600  # its owner alone reads it
    ring = KeyRing.load(DEV_PAYLOAD_KEY, ring_file)
    assert ring.active == new_id and set(ring.keys) == {DEFAULT_KEY_ID, new_id}
    after = EncryptionCodec(ring)
    [new] = await after.encode([payload("sau khi đổi khóa")])
    assert new.metadata[KEY_ID] == new_id.encode()
    assert b"sau khi" not in new.data

    opened = await after.decode([old, new])
    assert [json.loads(p.data) for p in opened] == ["trước khi đổi khóa", "sau khi đổi khóa"]

    # A process still on the old ring names the key it lacks instead of failing vaguely.
    with pytest.raises(KeyRingError, match=new_id):
        await before.decode([new])

    # A second rotation keeps both earlier keys.
    third = rotate(ring_file, DEV_PAYLOAD_KEY)
    assert set(KeyRing.load(DEV_PAYLOAD_KEY, ring_file).keys) == {DEFAULT_KEY_ID, new_id, third}
    assert await EncryptionCodec(KeyRing.load(DEV_PAYLOAD_KEY, ring_file)).decode([old, new])


async def test_a_ballot_sheet_is_sealed_and_the_operators_codec_cannot_open_it(tmp_path):
    converter = PayloadConverter()
    ballot, close = converter.to_payloads([sheet(), CloseCommand(actor=sheet().actor)])
    assert ballot.metadata[SEAL] == b"ballot" and SEAL not in close.metadata

    ring = KeyRing.load(DEV_PAYLOAD_KEY, tmp_path / "none.json")
    engine = EncryptionCodec(ring)
    sealed, plain = await engine.encode([ballot, close])
    assert sealed.metadata[KEY_ID] == b"default/sealed"
    assert plain.metadata[KEY_ID] == b"default"

    operators = EncryptionCodec(ring.for_operators())
    shown_ballot, shown_close = await operators.decode([sealed, plain])
    assert shown_ballot == sealed  # still encrypted: nobody reads how a member voted
    assert b"disagree" not in shown_ballot.data
    assert json.loads(shown_close.data)["actor"]["name"] == "Uỷ viên"

    [opened] = await engine.decode([sealed])
    [back] = converter.from_payloads([opened], [BallotSheet])
    assert back.choices == {"12": Choice.DISAGREE}


def test_a_key_ring_that_cannot_be_read_is_one_line(tmp_path):
    ring_file = tmp_path / "payload-keys.json"
    ring_file.write_text(json.dumps({"active": "k-1", "keys": {"k-1": "not base64!"}}))
    line = one_error_line(
        run("check", env={"THIDUA_DATA_DIR": str(tmp_path), "THIDUA_PAYLOAD_KEYRING": ""})
    )
    assert "THIDUA_PAYLOAD_KEYRING" in line and "k-1" in line and "base64" in line

    ring_file.write_text(json.dumps({"active": "k-2", "keys": {}}))
    line = one_error_line(run("keys", "list", env={"THIDUA_DATA_DIR": str(tmp_path)}))
    assert "k-2" in line and "not in the key ring" in line


def test_keys_rotate_and_list_from_the_command_line(tmp_path):
    env = {"THIDUA_DATA_DIR": str(tmp_path)}
    rotated = run("keys", "rotate", env=env)
    assert rotated.returncode == 0, rotated.stderr
    stored = json.loads((tmp_path / "payload-keys.json").read_text())
    assert stored["active"] in rotated.stdout
    assert len(base64.b64decode(stored["keys"][stored["active"]])) == 32
    listed = run("keys", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [f"  {DEFAULT_KEY_ID}", f"* {stored['active']}"]
    assert stored["keys"][stored["active"]] not in listed.stdout  # ids only, never a key
