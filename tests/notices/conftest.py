"""A real SMTP server for the notice tests (aiosmtpd on 127.0.0.1, a free port), and a
database with the notice activities wired to it."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from activities.notices import NoticeActivities
from models import Notice
from tests.clock import fixed_clock
from thidua.db import SessionFactory, create_engine, create_session_factory
from thidua.mailer import Mailer
from thidua.settings import Settings

from ..conftest import make_settings

PUBLIC_BASE_URL = "https://thidua.thachkhoi.example.vn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ReceivedMail:
    envelope_from: str
    envelope_to: list[str]
    message: EmailMessage
    raw: bytes

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None, "no text/plain part"
        return part.get_content()

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        assert part is not None, "no text/html part"
        return part.get_content()


@dataclass
class MailCatcher:
    """A real SMTP server that keeps what it receives. ``stop()`` and ``start()`` again
    bring a new server up on the same port, as a mail server restarting would."""

    port: int
    received: list[ReceivedMail] = field(default_factory=list)
    refused_recipients: set[str] = field(default_factory=set)
    _controller: Controller | None = None

    def start(self) -> None:
        assert self._controller is None, "already running"
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def to(self, address: str) -> list[ReceivedMail]:
        return [mail for mail in self.received if address in mail.envelope_to]


class _Handler:
    def __init__(self, catcher: MailCatcher) -> None:
        self._catcher = catcher

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self._catcher.refused_recipients:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        raw = envelope.original_content or envelope.content
        message = message_from_bytes(raw, policy=policy.default)
        self._catcher.received.append(
            ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message, raw)  # type: ignore[arg-type]
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[MailCatcher]:
    catcher = MailCatcher(port=free_port())
    catcher.start()
    yield catcher
    catcher.stop()


@pytest.fixture
def notice_settings(empty_database_url, tmp_path, smtp_server) -> Settings:
    return make_settings(
        empty_database_url,
        tmp_path,
        mail_enabled=True,
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        public_base_url=PUBLIC_BASE_URL,
    )


@pytest.fixture
async def db(empty_database_url) -> AsyncIterator[SessionFactory]:
    engine = create_engine(empty_database_url, pool_size=5)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
def notices(db, notice_settings) -> NoticeActivities:
    return NoticeActivities(db, notice_settings, Mailer(notice_settings), clock=fixed_clock())


async def notices_of(db: SessionFactory, key: str) -> list[Notice]:
    async with db() as session:
        rows = await session.execute(
            select(Notice).where(Notice.notice_key.startswith(f"{key}:u")).order_by(Notice.user_id)
        )
        return list(rows.scalars())
