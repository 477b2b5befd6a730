"""Outgoing mail through SMTP (aiosmtplib).

One multipart/alternative UTF-8 message per notice: a plain-text part and an HTML part,
a Vietnamese subject encoded as RFC 2047 words, and a ``Message-ID`` derived from the
notice key (``message_id_for``) so that a message sent again after a crash between the
SMTP "250 OK" and our database commit carries the same id and a receiver can drop it.

Failures are sorted into two kinds, because the caller reacts differently:

- ``MailServerError``: the server cannot be used right now (unreachable, timed out,
  disconnected, refused our login or our sender, answered 4xx). Every other message would
  fail the same way: stop, retry later.
- ``MailRecipientError``: this one message was refused (RCPT or DATA refused, address
  unusable). ``permanent`` is True for 5xx answers and addresses we cannot even write
  into a header: retrying will not help, the notice stays in the inbox only.

Nothing here logs the SMTP password; error texts name the server as host:port only.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

import aiosmtplib

from .settings import Settings

log = logging.getLogger(__name__)

# Per SMTP step (connect, each command, DATA), and for the whole conversation of one
# message. A server slower than that is treated as unavailable, so one slow server cannot
# hold an activity past its start-to-close timeout.
MAIL_STEP_TIMEOUT_SECONDS = 10.0
MAIL_SEND_TIMEOUT_SECONDS = 20.0
_MAX_ERROR_CHARS = 500
_WHITESPACE = re.compile(r"\s+")


class MailError(Exception):
    """A message could not be handed to the SMTP server."""


class MailServerError(MailError):
    """The server is unusable now (down, slow, refused login or sender, 4xx): retry later."""


class MailRecipientError(MailError):
    """The server refused this one message; ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def message_id_for(notice_key: str, mail_from: str) -> str:
    """A stable ``Message-ID`` for one notice: the same key always gives the same id, so
    the (rare) second send after a lost commit is recognisable by the receiver."""
    digest = hashlib.sha256(notice_key.encode("utf-8")).hexdigest()[:32]
    _, address = parseaddr(mail_from)
    domain = address.rpartition("@")[2] or "thidua.invalid"
    return f"<notice.{digest}@{domain}>"


def one_line(value: str) -> str:
    """Header values are single lines: a name with a newline must not inject a header."""
    return _WHITESPACE.sub(" ", value).strip()


class Mailer:
    """Sends one message per call through the configured SMTP server.

    Built once per worker process from the settings (smtp_host, smtp_port, smtp_username,
    smtp_password, smtp_starttls, mail_from)."""

    def __init__(
        self,
        settings: Settings,
        *,
        step_timeout: float = MAIL_STEP_TIMEOUT_SECONDS,
        send_timeout: float = MAIL_SEND_TIMEOUT_SECONDS,
    ) -> None:
        self._host = settings.smtp_host
        self._port = settings.smtp_port
        self._username = settings.smtp_username or None
        self._password = settings.smtp_password or None
        self._starttls = settings.smtp_starttls
        self.mail_from = settings.mail_from
        self._envelope_sender = parseaddr(settings.mail_from)[1] or settings.mail_from
        self._step_timeout = step_timeout
        # The longest one ``send`` call may take; callers plan their time budget with it.
        self.send_timeout = send_timeout

    @property
    def server(self) -> str:
        return f"{self._host}:{self._port}"

    def build_message(
        self, *, to: str, subject: str, text: str, html: str, message_id: str, to_name: str = ""
    ) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.mail_from
        try:
            username, _, domain = to.strip().rpartition("@")
            if not username or not domain:
                raise ValueError("no local part or domain")
            message["To"] = Address(
                display_name=one_line(to_name), username=username, domain=domain
            )
        except (ValueError, IndexError) as exc:
            raise MailRecipientError(f"unusable address {to!r}: {exc}", permanent=True) from exc
        message["Subject"] = one_line(subject)
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = message_id
        # RFC 3834: tells auto-responders (out-of-office) not to answer a system notice.
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(text, subtype="plain", charset="utf-8")
        message.add_alternative(html, subtype="html", charset="utf-8")
        return message

    async def send(
        self, to: str, subject: str, text: str, html: str, message_id: str, *, to_name: str = ""
    ) -> None:
        """Hand one message to the SMTP server. Raises ``MailServerError`` or
        ``MailRecipientError``; returns only when the server accepted the message."""
        message = self.build_message(
            to=to, subject=subject, text=text, html=html, message_id=message_id, to_name=to_name
        )
        try:
            async with asyncio.timeout(self.send_timeout):
                await aiosmtplib.send(
                    message,
                    sender=self._envelope_sender,
                    recipients=[to.strip()],
                    hostname=self._host,
                    port=self._port,
                    username=self._username,
                    password=self._password,
                    start_tls=self._starttls,
                    timeout=self._step_timeout,
                )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refusal = exc.recipients[0] if exc.recipients else None
            code = refusal.code if refusal is not None else 550
            raise MailRecipientError(
                self._describe(f"recipient refused ({code})", refusal), permanent=code >= 500
            ) from exc
        except aiosmtplib.SMTPDataError as exc:
            raise MailRecipientError(
                self._describe(f"message refused ({exc.code})", exc), permanent=exc.code >= 500
            ) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            # Connection refused or reset, timeouts (TimeoutError is an OSError), TLS, login
            # and sender refusals: the server (or our configuration of it) is the problem,
            # not this message.
            raise MailServerError(self._describe("server unavailable", exc)) from exc
        log.info("mail %s accepted by %s", message_id, self.server)

    def _describe(self, what: str, exc: BaseException | None) -> str:
        detail = ""
        if exc is not None:
            detail = f": {exc.__class__.__name__}: {one_line(str(exc))}"
        return f"SMTP {self.server} {what}{detail}"[:_MAX_ERROR_CHARS]


__all__ = [
    "MAIL_SEND_TIMEOUT_SECONDS",
    "MAIL_STEP_TIMEOUT_SECONDS",
    "MailError",
    "MailRecipientError",
    "MailServerError",
    "Mailer",
    "message_id_for",
    "one_line",
]
