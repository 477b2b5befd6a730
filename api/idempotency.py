"""Idempotent commands: a POST under /api/v1 sent with an ``Idempotency-Key`` header is
executed once; a repeat with the same key (from any API replica, at the same moment or
later) gets the first result back.

The first request claims the key by inserting a row in ``command_records`` (unique per
caller and key) in its own transaction; a concurrent repeat finds the claim and waits for
the stored result. Reusing a key for a different request is refused (422).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from models import CommandRecord
from thidua.security import decode_access_token

from .deps import read_session_cookie

HEADER = "idempotency-key"
MAX_KEY_LENGTH = 128
WAIT_FOR_FIRST_SECONDS = 30.0
# Results larger than this are not stored (the repeat then gets 409 and must read the
# resource); commands answer small JSON documents.
MAX_STORED_BODY = 256 * 1024


def _caller(request: Request) -> int:
    """The user id behind the request, or a negative stand-in for anonymous callers (the
    public objection form), so keys of different people never collide."""
    state = request.app.state.thidua
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        user_id = decode_access_token(state.settings.secret_key, authorization[7:].strip())
        if user_id is not None:
            return user_id
    cookie = read_session_cookie(request, state.settings)
    if cookie is not None:
        return int(cookie["uid"])
    client = request.client.host if request.client else ""
    return -int(hashlib.sha256(client.encode()).hexdigest()[:12], 16)


def _problem(status: int, code: str, vi: str, en: str) -> JSONResponse:
    return JSONResponse(
        {"error": code, "detail": f"{vi} / {en}", "field": "Idempotency-Key"}, status_code=status
    )


async def idempotency_middleware(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    key = request.headers.get(HEADER)
    if not key or request.method != "POST" or not request.url.path.startswith("/api/v1/"):
        return await call_next(request)
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        return _problem(
            422,
            "invalid_idempotency_key",
            "Khóa Idempotency-Key không hợp lệ",
            f"the Idempotency-Key must be 1–{MAX_KEY_LENGTH} printable characters",
        )
    body = await request.body()
    fingerprint = hashlib.sha256(
        request.method.encode() + b" " + request.url.path.encode() + b"\n" + body
    ).hexdigest()
    caller = _caller(request)
    state = request.app.state.thidua
    claimed = await _claim(state, caller, key, request, fingerprint)
    if claimed is not None:
        return claimed
    try:
        response = await call_next(request)
    except BaseException:
        # An unhandled error (a 500): free the key, or every repeat would wait for a
        # result that never comes.
        await _release(state, caller, key)
        raise
    return await _store(state, caller, key, response)


async def _claim(
    state, caller: int, key: str, request: Request, fingerprint: str
) -> Response | None:
    """None when this request owns the key and must run; else the response to send."""
    deadline = asyncio.get_running_loop().time() + WAIT_FOR_FIRST_SECONDS
    while True:
        try:
            async with state.writer() as session, session.begin():
                session.add(
                    CommandRecord(
                        user_id=caller if caller > 0 else None,
                        caller=caller,
                        idempotency_key=key,
                        method=request.method,
                        path=request.url.path,
                        request_sha256=fingerprint,
                    )
                )
            return None
        except IntegrityError:
            pass
        async with state.reader() as session:
            record = (
                await session.execute(
                    select(CommandRecord).where(
                        CommandRecord.caller == caller, CommandRecord.idempotency_key == key
                    )
                )
            ).scalar_one_or_none()
        if record is None:
            # The first request failed without a result worth replaying and freed the
            # key: this one runs the command instead (claim again).
            continue
        if record.request_sha256 != fingerprint:
            return _problem(
                422,
                "idempotency_key_reused",
                "Khóa Idempotency-Key đã dùng cho một yêu cầu khác",
                "this Idempotency-Key was used for a different request",
            )
        if record.status_code is not None:
            response = JSONResponse(record.response_body, status_code=record.status_code)
            response.headers["Idempotent-Replayed"] = "true"
            return response
        if asyncio.get_running_loop().time() > deadline:
            return _problem(
                409,
                "command_in_progress",
                "Yêu cầu trước với khóa này đang xử lý",
                "the first request with this key is still running; retry later",
            )
        await asyncio.sleep(0.1)


async def _release(state, caller: int, key: str) -> None:
    async with state.writer() as session, session.begin():
        await session.execute(
            delete(CommandRecord).where(
                CommandRecord.caller == caller, CommandRecord.idempotency_key == key
            )
        )


def _is_json(response: Response) -> bool:
    # ``call_next`` hands back a streaming response whose ``media_type`` is None: the
    # route's content type is only in the headers.
    content_type = response.headers.get("content-type", "")
    return content_type.split(";")[0].strip().lower() == "application/json"


async def _store(state, caller: int, key: str, response: Response) -> Response:
    chunks = [chunk async for chunk in response.body_iterator]  # type: ignore[attr-defined]
    body = b"".join(chunks)
    stored: object = None
    if _is_json(response) and len(body) <= MAX_STORED_BODY:
        try:
            stored = json.loads(body) if body else None
        except ValueError:
            stored = None
    async with state.writer() as session, session.begin():
        if response.status_code >= 500 or (stored is None and body):
            # Not a result worth replaying: free the key so the caller can try again.
            record = (
                await session.execute(
                    select(CommandRecord).where(
                        CommandRecord.caller == caller, CommandRecord.idempotency_key == key
                    )
                )
            ).scalar_one_or_none()
            if record is not None:
                await session.delete(record)
        else:
            await session.execute(
                update(CommandRecord)
                .where(CommandRecord.caller == caller, CommandRecord.idempotency_key == key)
                .values(status_code=response.status_code, response_body=stored)
            )
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return Response(
        body, status_code=response.status_code, headers=headers, media_type=response.media_type
    )
