"""Keys rotate under running workflows: a nomination and its council session start under
one payload key, the engine's key is rotated half-way (`thidua keys rotate`, then the api
and the worker restart on the new ring) and everything finishes; the histories hold
payloads of both keys. The Temporal UI's codec endpoint opens them for the deployment's
administrator, never a ballot sheet, and answers nobody else."""

from __future__ import annotations

import base64
import json

import pytest
from temporalio.client import Client

from domain.vocabulary import Stage
from tests.pages.conftest import Person
from thidua.codec import KEY_ID, rotate
from thidua.temporal_client import data_converter

pytestmark = [pytest.mark.asyncio, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

UI = "http://127.0.0.1:8233"


def encoded_payloads(history_json: str) -> list[dict]:
    """Every payload of a history, as the Temporal UI receives it (proto JSON)."""
    found: list[dict] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            metadata = node.get("metadata")
            if isinstance(metadata, dict) and KEY_ID in metadata:
                found.append({"metadata": metadata, "data": node.get("data", "")})
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(history_json))
    return found


def key_ids(payloads: list[dict]) -> set[str]:
    return {base64.b64decode(p["metadata"][KEY_ID]).decode() for p in payloads}


async def restart_on_the_rotated_ring(harness) -> str:
    new_key = rotate(harness.settings.payload_keyring_path, harness.settings.payload_encryption_key)
    await harness.stop_worker()
    config = harness.client.config()
    config["data_converter"] = data_converter(harness.settings)
    harness.client = Client(**config)
    harness.state.temporal = harness.client
    await harness.start_worker()
    return new_key


async def test_a_nomination_started_under_one_key_finishes_under_the_next(dev_harness):
    """On the real dev server: a worker restart meets its sticky queues there."""
    harness = dev_harness
    nomination_id = (await harness.nominate(award_code="giay_khen", person="Nguyễn Thị Hoa"))["id"]
    await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {"note": "Đủ"})
    await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)
    session = await harness.convene([nomination_id])
    for member in ("chutich", "phochutich"):
        await harness.vote(session["id"], member, {nomination_id: "agree"})

    new_key = await restart_on_the_rotated_ring(harness)

    for member in ("uyvien.vhxh", "uyvien.mttq"):
        await harness.vote(session["id"], member, {nomination_id: "agree"})
    await harness.vote(session["id"], "uyvien.xdd", {nomination_id: "disagree"})
    await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)
    decision = await harness.draft_decision([nomination_id])
    await harness.sign(decision["id"])
    await harness.wait_stage(nomination_id, Stage.GRANTED)

    nomination = await harness.client.get_workflow_handle(
        f"nomination-{nomination_id}"
    ).fetch_history()
    assert {"default", new_key} <= key_ids(encoded_payloads(nomination.to_json()))
    council = await harness.client.get_workflow_handle(
        f"council-session-{session['id']}"
    ).fetch_history()
    payloads = encoded_payloads(council.to_json())
    # Two sheets cast before the rotation, three after: each sealed with its key.
    assert {"default/sealed", f"{new_key}/sealed"} <= key_ids(payloads)

    # The deployment's administrator reads the session in the Temporal UI, not the ballots.
    operator = Person(harness, "quantri")
    answer = await operator.http.post(
        "/codec/decode",
        json={"payloads": payloads},
        headers={"Origin": UI, "X-Namespace": "default"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == UI
    assert answer.headers["access-control-allow-credentials"] == "true"
    shown = answer.json()["payloads"]
    assert len(shown) == len(payloads)
    opened = [p for p in shown if KEY_ID not in p["metadata"]]
    withheld = [p for p in shown if KEY_ID in p["metadata"]]
    assert opened, "the session's other payloads are shown in the clear"
    assert key_ids(withheld) == {"default/sealed", f"{new_key}/sealed"}
    assert len(withheld) == 5  # the five ballot sheets, as they were sent
    clear_text = " ".join(base64.b64decode(p["data"]).decode() for p in opened)
    assert "Phiên họp xét khen thưởng" in clear_text or "nomination" in clear_text
    for shown_payload in opened:
        value = json.loads(base64.b64decode(shown_payload["data"]) or b"null")
        assert not (isinstance(value, dict) and "choices" in value), shown_payload

    preflight = await operator.http.options(
        "/codec/decode",
        headers={"Origin": UI, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == UI
    elsewhere = await operator.http.options(
        "/codec/decode",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in elsewhere.headers

    # Anyone else: as if there were no such endpoint.
    for person in (Person(harness, "chutich"), Person(harness, None)):
        refused = await person.http.post("/codec/decode", json={"payloads": payloads[:1]})
        assert refused.status_code == 404
    bad = await operator.http.post("/codec/decode", json={"payloads": "x"})
    assert bad.status_code == 422
