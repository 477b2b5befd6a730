"""The Temporal UI's codec endpoint: operators read workflow payloads in the UI, in the
clear, behind the engine's own sign-in — never a ballot.

The UI (its "Codec Server" setting, with cross-origin credentials included) posts the
payloads it shows to ``/codec/decode`` from the operator's browser, which carries the
engine's session cookie. Only the deployment's administrators get an answer; anyone else
gets 404, as if there were no such endpoint. The codec here holds no sealed key
(``KeyRing.for_operators``): a ballot sheet comes back still encrypted, and any payload
whose content carries ballot choices (one written before ballots were sealed) too."""

from __future__ import annotations

import base64
import binascii
import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from temporalio.api.common.v1 import Payload

from thidua.codec import EncryptionCodec
from thidua.temporal_client import key_ring

from ..deps import StateDep
from ..pages.common import page_user

router = APIRouter(include_in_schema=False)

MAX_PAYLOADS = 1000
MAX_BODY_BYTES = 8 * 1024 * 1024
ALLOWED_HEADERS = "content-type, x-namespace, authorization, caller-type"


def _cors(request: Request, response: Response, origins: frozenset[str]) -> Response:
    origin = request.headers.get("origin", "")
    if origin in origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Vary"] = "Origin"
    return response


def _not_found() -> JSONResponse:
    return JSONResponse(
        {"error": "not_found", "detail": "Không tìm thấy / not found"}, status_code=404
    )


@router.options("/codec/decode")
async def preflight(request: Request, state: StateDep) -> Response:
    return _cors(request, Response(status_code=204), state.settings.codec_origins)


@router.post("/codec/decode")
async def decode(request: Request, state: StateDep) -> Response:
    origins = state.settings.codec_origins
    principal = await page_user(request, state)
    if principal is None or not principal.deployment_admin:
        return _cors(request, _not_found(), origins)
    body = await request.body()
    try:
        if len(body) > MAX_BODY_BYTES:
            raise ValueError("too large")
        given = json.loads(body)["payloads"]
        if not isinstance(given, list) or len(given) > MAX_PAYLOADS:
            raise ValueError("payloads")
        payloads = [_payload(item) for item in given]
    except (ValueError, KeyError, TypeError, binascii.Error):
        return _cors(
            request,
            JSONResponse(
                {
                    "error": "invalid_input",
                    "detail": "Cần {'payloads': [...]} theo định dạng của Temporal / expected "
                    "{'payloads': [...]} as the Temporal UI sends them",
                },
                status_code=422,
            ),
            origins,
        )
    codec = EncryptionCodec(key_ring(state.settings).for_operators())
    decoded: list[Payload] = []
    for payload in payloads:
        try:
            [clear] = await codec.decode([payload])
        except Exception:  # noqa: BLE001 - a payload it cannot open is shown as it came
            clear = payload
        decoded.append(payload if _carries_ballot_choices(clear) else clear)
    return _cors(request, JSONResponse({"payloads": [_json(p) for p in decoded]}), origins)


def _payload(item: dict) -> Payload:
    metadata = {str(k): base64.b64decode(v, validate=True) for k, v in item["metadata"].items()}
    return Payload(metadata=metadata, data=base64.b64decode(item.get("data", ""), validate=True))


def _json(payload: Payload) -> dict:
    return {
        "metadata": {k: base64.b64encode(v).decode() for k, v in payload.metadata.items()},
        "data": base64.b64encode(payload.data).decode(),
    }


def _carries_ballot_choices(payload: Payload) -> bool:
    """A ballot sheet that was not sealed (cast before sealing existed): withheld."""
    if not payload.metadata.get("encoding", b"").startswith(b"json"):
        return False
    try:
        value = json.loads(payload.data)
    except ValueError:
        return False
    return isinstance(value, dict) and "choices" in value
