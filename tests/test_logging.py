"""Logs: one line per event, JSON in production, carrying the request or workflow it belongs
to, and never a secret."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import logging.config
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

from tests.clock import machine_now

# The sandbox re-imports this module for the workflow below: hand it these as they are.
with workflow.unsafe.imports_passed_through():
    import httpx
    import pytest

    from thidua.logging_setup import (
        RequestIdMiddleware,
        activity_log_context,
        bind_request_id,
        configure_logging,
        log_context,
    )
    from thidua.settings import Settings

# Real-looking secrets: each must never appear in any output below.
SECRET_KEY = "k3y-" + uuid.uuid4().hex + uuid.uuid4().hex
PAYLOAD_KEY = "cGF5bG9hZC1rZXktZm9yLXRlc3RzLTMyLWJ5dGVzISE="
SIGNING_PASSPHRASE = "signing-" + uuid.uuid4().hex
SMTP_PASSWORD = "smtp-" + uuid.uuid4().hex[:12]
DB_PASSWORD = "db" + uuid.uuid4().hex[:16]
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiJjYW5ib3RoaWR1YSIsImV4cCI6MTcwMDAwMDAwMH0"
    ".c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
)
ALL_SECRETS = [SECRET_KEY, PAYLOAD_KEY, SIGNING_PASSPHRASE, SMTP_PASSWORD, DB_PASSWORD, JWT]


def make_settings(log_format: str = "json", **overrides) -> Settings:
    values = dict(
        environment="test",
        log_format=log_format,
        log_level="INFO",
        secret_key=SECRET_KEY,
        payload_encryption_key=PAYLOAD_KEY,
        signing_key_passphrase=SIGNING_PASSPHRASE,
        smtp_password=SMTP_PASSWORD,
        database_url=f"postgresql://thidua:{DB_PASSWORD}@postgres:5432/thidua",
    )
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """configure_logging changes process-wide state: put it back for the other tests."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    names = ["uvicorn", "uvicorn.error", "uvicorn.access", "sqlalchemy", "sqlalchemy.engine"]
    saved_loggers = {
        name: (
            list(logging.getLogger(name).handlers),
            logging.getLogger(name).level,
            logging.getLogger(name).propagate,
        )
        for name in names
    }
    saved_flags = (
        activity.logger.activity_info_on_message,
        workflow.logger.workflow_info_on_message,
    )
    yield
    for handler in list(root.handlers):
        if handler not in saved_handlers:
            root.removeHandler(handler)
    for handler in saved_handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(saved_level)
    for name, (handlers, level, propagate) in saved_loggers.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate
    activity.logger.activity_info_on_message, workflow.logger.workflow_info_on_message = saved_flags
    logging.captureWarnings(False)


def configured(log_format: str = "json", **overrides) -> io.StringIO:
    output = io.StringIO()
    configure_logging(make_settings(log_format, **overrides), stream=output)
    return output


def json_lines(output: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in output.getvalue().splitlines()]


# ---------------------------------------------------------------------------------------
# JSON and text formats


def test_json_lines_parse_and_carry_the_bound_context() -> None:
    output = configured("json")
    log = logging.getLogger("thidua.test")

    with log_context(request_id="req-1", nomination_id=42):
        log.info("Đã nhận đề nghị khen thưởng %s", "Tổ dân phố số 3")
        with log_context(activity="send_notice"):
            log.warning("nested", extra={"recipient_count": 3})
    log.info("outside")

    inside, nested, outside = json_lines(output)
    assert inside["message"] == "Đã nhận đề nghị khen thưởng Tổ dân phố số 3"
    assert inside["level"] == "INFO" and inside["logger"] == "thidua.test"
    assert inside["request_id"] == "req-1" and inside["nomination_id"] == 42
    stamp = datetime.fromisoformat(inside["timestamp"].replace("Z", "+00:00"))
    assert stamp.utcoffset() == timedelta(0)
    assert abs(machine_now() - stamp) < timedelta(minutes=1)  # logs keep the machine's clock
    assert nested["activity"] == "send_notice" and nested["request_id"] == "req-1"
    assert nested["recipient_count"] == 3
    assert "request_id" not in outside and "nomination_id" not in outside


def test_exceptions_stay_inside_their_json_line() -> None:
    output = configured("json")
    try:
        raise ValueError("phiếu bầu không hợp lệ\nsecond line")
    except ValueError:
        logging.getLogger("thidua.test").exception("ballot rejected")

    (event,) = json_lines(output)
    assert event["level"] == "ERROR" and event["message"] == "ballot rejected"
    assert "ValueError: phiếu bầu không hợp lệ" in event["exception"]


def test_text_format_writes_one_line_per_event() -> None:
    output = configured("text")
    log = logging.getLogger("thidua.test")
    with log_context(request_id="req-7"):
        log.info("first line\nsecond line of the same event")
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            log.exception("failed\r\nto send")
        log.warning("plain", extra={"unit": "Tổ dân phố 5"})

    lines = output.getvalue().splitlines()
    assert len(lines) == 3
    for line in lines:
        stamp, level, logger_name, *_ = line.split(" ")
        datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        assert level in {"INFO", "ERROR", "WARNING"} and logger_name == "thidua.test:"
        assert "request_id=req-7" in line
    assert "RuntimeError: boom" in lines[1]
    assert 'unit="Tổ dân phố 5"' in lines[2]


def test_configuring_twice_does_not_duplicate_lines() -> None:
    first = configured("json")
    second = configured("json")
    logging.getLogger("thidua.test").info("once")

    assert first.getvalue() == ""
    assert len(second.getvalue().splitlines()) == 1


def test_noisy_libraries_are_quiet_and_uvicorn_lines_are_ours() -> None:
    # uvicorn installs its own handlers when it starts; ours must take over its loggers.
    from uvicorn.config import LOGGING_CONFIG

    logging.config.dictConfig(LOGGING_CONFIG)
    output = configured("json")

    logging.getLogger("sqlalchemy.engine").info("SELECT * FROM nomination")
    logging.getLogger("sqlalchemy.engine").warning("pool exhausted")
    with log_context(request_id="req-9"):
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/health", "1.1", 200
        )

    events = json_lines(output)
    assert [e["message"] for e in events] == [
        "pool exhausted",
        '127.0.0.1:5000 - "GET /health HTTP/1.1" 200',
    ]
    assert events[1]["request_id"] == "req-9"


def test_a_bad_log_level_is_named_clearly() -> None:
    with pytest.raises(ValueError, match="THIDUA_LOG_LEVEL.*LOUD"):
        configure_logging(make_settings(log_level="LOUD"), stream=io.StringIO())


# ---------------------------------------------------------------------------------------
# Secrets


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_secrets_never_reach_the_output(log_format: str) -> None:
    output = configured(log_format)
    log = logging.getLogger("thidua.test")

    log.info(f"settings loaded with key {SECRET_KEY}")
    log.info("codec key %s, passphrase %r", PAYLOAD_KEY, SIGNING_PASSPHRASE)
    log.info("headers", extra={"headers": {"Authorization": f"Bearer {JWT}"}})
    log.info("curl -H 'Authorization: Bearer %s' /api/nominations", JWT)
    log.info("login form", extra={"password": "hunter2-correct-horse", "username": "canbo"})
    log.info("smtp login user=thidua password=%s", SMTP_PASSWORD)
    log.info("config", extra={"config": {"nested": [SIGNING_PASSPHRASE]}, "smtp_password": "x"})
    try:
        raise ConnectionError(
            f"cannot reach postgresql://thidua:{DB_PASSWORD}@postgres:5432/thidua"
        )
    except ConnectionError:
        log.exception("database down")

    text = output.getvalue()
    for secret in [*ALL_SECRETS, "hunter2-correct-horse"]:
        assert secret not in text
    assert text.count("***") >= 9
    # What is not secret is still there to read.
    assert "canbo" in text and "postgresql://thidua:***@postgres:5432/thidua" in text
    assert len(text.splitlines()) == 8


# ---------------------------------------------------------------------------------------
# Request ids


def build_app():
    from fastapi import FastAPI

    app = FastAPI()
    app.add_middleware(RequestIdMiddleware)

    @app.get("/echo/{word}")
    async def echo(word: str) -> dict[str, str]:
        await asyncio.sleep(0.01)  # let concurrent requests interleave
        logging.getLogger("thidua.api").info("echo %s", word)
        return {"word": word}

    return app


async def test_each_request_logs_under_its_own_request_id() -> None:
    output = configured("json")
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://thidua") as client:
        responses = await asyncio.gather(
            *(client.get(f"/echo/w{i}", headers={"X-Request-ID": f"client-{i}"}) for i in range(5))
        )
        forged = await client.get("/echo/forged", headers={"X-Request-ID": "x\ninjected=1"})

    for i, response in enumerate(responses):
        assert response.headers["x-request-id"] == f"client-{i}"
    by_word = {e["message"].split()[1]: e["request_id"] for e in json_lines(output)}
    assert {by_word[f"w{i}"] for i in range(5)} == {f"client-{i}" for i in range(5)}
    assert all(by_word[f"w{i}"] == f"client-{i}" for i in range(5))
    # A malformed id from outside is replaced, never written into the logs.
    assert forged.headers["x-request-id"] == by_word["forged"]
    assert "injected" not in output.getvalue()
    assert len(by_word["forged"]) == 16


def test_bind_request_id_keeps_a_plain_id_and_replaces_others() -> None:
    output = configured("json")
    with log_context():
        assert bind_request_id("abc-123") == "abc-123"
        logging.getLogger("thidua.test").info("bound")
        generated = bind_request_id("has spaces")
        assert generated != "has spaces" and len(generated) == 16
    logging.getLogger("thidua.test").info("unbound")

    bound, unbound = json_lines(output)
    assert bound["request_id"] == "abc-123"
    assert "request_id" not in unbound


# ---------------------------------------------------------------------------------------
# Temporal: records written in a workflow or an activity name it


@dataclass
class NoticeInput:
    nomination_id: int


@dataclass
class NoticeResult:
    sent: bool


@activity.defn
async def send_public_notice(notice: NoticeInput) -> NoticeResult:
    with activity_log_context(nomination_id=notice.nomination_id):
        # Any logger (the mailer, SQLAlchemy...), not only activity.logger.
        logging.getLogger("thidua.mail").info("public notice sent")
    logging.getLogger("thidua.mail").info("plain logger, no helper")
    activity.logger.info("through the SDK logger")
    return NoticeResult(sent=True)


@workflow.defn(sandboxed=True)
class NoticeWorkflow:
    @workflow.run
    async def run(self, notice: NoticeInput) -> NoticeResult:
        workflow.logger.info("posting the public notice")
        return await workflow.execute_activity(
            send_public_notice, notice, start_to_close_timeout=timedelta(seconds=10)
        )


async def test_workflow_and_activity_records_carry_their_ids(
    time_skipping_env, task_queue: str
) -> None:
    output = configured("json")
    client: Client = time_skipping_env.client
    workflow_id = f"nomination-{uuid.uuid4().hex[:8]}"
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[NoticeWorkflow],
        activities=[send_public_notice],
    ):
        result = await client.execute_workflow(
            NoticeWorkflow.run, NoticeInput(nomination_id=7), id=workflow_id, task_queue=task_queue
        )
    assert result == NoticeResult(sent=True)

    events = {e["message"]: e for e in json_lines(output) if e.get("workflow_id") == workflow_id}
    in_workflow = events["posting the public notice"]
    assert in_workflow["workflow_type"] == "NoticeWorkflow"
    assert "{" not in in_workflow["message"]  # the ids are fields, not appended text
    helper = events["public notice sent"]
    assert helper["activity_type"] == "send_public_notice" and helper["nomination_id"] == 7
    plain = events["plain logger, no helper"]
    assert plain["activity_type"] == "send_public_notice" and "nomination_id" not in plain
    sdk = events["through the SDK logger"]
    assert sdk["activity_type"] == "send_public_notice" and sdk["attempt"] == 1
