"""Notices: an in-app inbox entry per person, and a mail where the person has an address.

Workflows call ``send_notices`` with a ``NoticeRequest`` at each step of a nomination or a
campaign, and ``mark_notices_failed`` when its retries are exhausted:

    handle = workflow.start_activity_method(
        NoticeActivities.send_notices, request,
        start_to_close_timeout=NOTICE_START_TO_CLOSE, retry_policy=NOTICE_RETRY_POLICY,
    )
    ...  # the nomination goes on; a mail server that is down must not hold it
    try:
        await handle
    except ActivityError as exc:
        await workflow.execute_activity_method(
            NoticeActivities.mark_notices_failed, FailedNoticesInput(request.key, str(exc.cause)),
            start_to_close_timeout=NOTICE_START_TO_CLOSE,
        )

Exactly once, per person: the row key is ``f"{request.key}:u{user_id}"`` (unique in the
table). Every inbox row is written in one transaction before any mail leaves; each mail
is marked ``sent`` in its own commit right after the server accepted it, so a retry sends
only what is still ``pending``. The one gap no SMTP client can close (the server accepted
a mail and the process died before the commit) is covered by a ``Message-ID`` derived
from the row key: the repeat is recognisable by the receiving side.

Templates: ``templates/mail/<kind>.txt`` (its ``subject`` block is the subject line, its
``body`` block is the inbox text, the whole file is the text part) and ``<kind>.html``
(the HTML part, autoescaped). See ``templates/mail/base.txt`` for the layout and the keys
the activity adds to the workflow's context.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, Template, TemplateNotFound
from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

from domain.vocabulary import NoticeDelivery
from models import Notice, RoleGrant, User
from thidua.catalogue_store import get_catalogue
from thidua.clock import SYSTEM_CLOCK, Clock
from thidua.db import SessionFactory, transaction
from thidua.logging_setup import activity_log_context
from thidua.mailer import Mailer, MailRecipientError, MailServerError, message_id_for, one_line
from thidua.settings import PROJECT_ROOT, Settings
from workflows.contracts import FailedNoticesInput, NoticeRequest, NoticeResult, Recipient

from .notice_context import mail_values

log = logging.getLogger(__name__)

MAIL_TEMPLATES_DIR = PROJECT_ROOT / "templates" / "mail"

NOTICE_START_TO_CLOSE = timedelta(seconds=60)
# Retry a failing mail server for about a day: waits of 10 s, 20 s, 40 s ... up to 30 min,
# then every 30 min. 8 growing waits (2,550 s) + 46 waits of 30 min = 24.7 h over 55
# attempts. (15 attempts would give up after 3.7 h, too soon for a server down overnight.)
NOTICE_RETRY_POLICY = RetryPolicy(
    initial_interval=timedelta(seconds=10),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=30),
    maximum_attempts=55,
)

# The kinds the workflows use; each has templates/mail/<kind>.txt and <kind>.html.
NOMINATION_NOTICE_KINDS: tuple[str, ...] = (
    "dossier_submitted",
    "dossier_received",
    "returned_for_supplement",
    "resubmitted",
    "lapsed",
    "public_notice_posted",
    "objection_lodged",
    "objection_resolved",
    "ballot_open",
    "ballot_reminder",
    "session_closed",
    "signature_requested",
    "document_sent_back",
    "issue_requested",
    "reminder",
    "reassigned",
    "escalation",
    "deadline_extended",
    "granted",
    "forwarded",
    "refused",
    "rejected",
    "withdrawn",
    "revoked",
)
CAMPAIGN_NOTICE_KINDS: tuple[str, ...] = (
    "registration_open",
    "registration_reminder",
    "review_requested",
    "exemplar_follow_up_due",
    "exemplar_escalation",
    "household_review_due",
    "dossiers_due",
    "exemplar_assessment_requested",
    "exemplar_published",
    "exemplar_publish_requested",
)
NOTICE_KINDS: tuple[str, ...] = NOMINATION_NOTICE_KINDS + CAMPAIGN_NOTICE_KINDS

_KIND_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_MAX_KEY_CHARS = 180  # + ":u<user id>" fits Notice.notice_key (200)
_SUBJECT_CHARS = 255
_LINK_CHARS = 255
_ERROR_CHARS = 1000
# Stop starting new mails when less than this is left of the attempt (beyond the longest
# single send): the attempt then ends by itself with a retryable error instead of being
# timed out by Temporal while a second attempt could already be sending the same mails.
_SAFETY_MARGIN_SECONDS = 5.0


class InvalidNoticeRequest(ApplicationError):
    """A workflow asked for something no retry can fix (unknown kind, empty recipient)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, type="InvalidNoticeRequest", non_retryable=True)


# ---------------------------------------------------------------------------------------
# Rendering


@dataclass(frozen=True)
class RenderedNotice:
    subject: str  # one line
    body_text: str  # what the inbox shows: the text part without greeting and footer
    text: str  # the whole plain-text mail
    html: str  # the whole HTML mail


def absolute_link(link: str, base_url: str) -> str:
    """``/nominations/12`` → ``https://thidua.example.vn/nominations/12``. Anything other
    than a path or an http(s) address is dropped: an HTML part must never carry a
    ``javascript:`` link, whatever a workflow put in its context."""
    link = link.strip()
    if link.startswith(("https://", "http://")):
        return link
    if link.startswith("/") and not link.startswith("//"):
        return base_url.rstrip("/") + link
    return ""


def dossier_item_names(catalogue_dir: Path = PROJECT_ROOT / "catalogue") -> dict[str, str]:
    """The dossier item types' Vietnamese names by code (one file for every city)."""
    catalogue = get_catalogue(str(catalogue_dir), "")
    return {code: item.name_vi for code, item in catalogue.dossier_items.items()}


def _tidy_text(value: str) -> str:
    """Templates stay readable; the mail has no trailing spaces nor runs of blank lines."""
    lines = [line.rstrip() for line in value.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


class NoticeTemplates:
    """The Jinja2 templates of the mails. ``.html`` files are autoescaped, ``.txt`` not.
    ``item_names``: the dossier item types' Vietnamese names by code (a returned dossier's
    mail names what is missing); by default those of the catalogue."""

    def __init__(
        self, directory: Path = MAIL_TEMPLATES_DIR, *, item_names: Mapping[str, str] | None = None
    ) -> None:
        self.directory = directory
        self._item_names = dossier_item_names() if item_names is None else item_names
        self._env = Environment(
            loader=FileSystemLoader(str(directory)),
            autoescape=lambda name: name is not None and name.endswith(".html"),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def has(self, kind: str) -> bool:
        return bool(_KIND_NAME.match(kind)) and all(
            (self.directory / f"{kind}.{ext}").is_file() for ext in ("txt", "html")
        )

    def render(
        self,
        kind: str,
        context: Mapping[str, str],
        *,
        recipient_name: str = "",
        recipient_roles: Iterable[str] = (),
        base_url: str = "",
    ) -> RenderedNotice:
        """One mail of ``kind`` to one reader: ``recipient_roles`` are the roles the
        reader was addressed by (none for a reader named by id), so that the mail says
        what this reader must do."""
        if not self.has(kind):
            raise TemplateNotFound(f"{kind}.txt / {kind}.html")
        values = mail_values(
            context,
            recipient_name=recipient_name,
            recipient_roles=recipient_roles,
            base_url=base_url,
            link_url=absolute_link(str(context.get("link", "")), base_url),
            item_names=self._item_names,
        )
        text_template = self._env.get_template(f"{kind}.txt")
        subject = one_line(self._block(text_template, "subject", values))
        if not subject:
            raise TemplateNotFound(f"{kind}.txt has no subject block")
        values["subject"] = subject
        return RenderedNotice(
            subject=subject,
            body_text=_tidy_text(self._block(text_template, "body", values)).rstrip("\n"),
            text=_tidy_text(text_template.render(values)),
            html=self._env.get_template(f"{kind}.html").render(values),
        )

    @staticmethod
    def _block(template: Template, name: str, values: dict[str, object]) -> str:
        block = template.blocks.get(name)
        if block is None:
            return ""
        return "".join(block(template.new_context(values)))


# ---------------------------------------------------------------------------------------
# Database steps (each its own short transaction)


def _notice_key(request_key: str, user_id: int) -> str:
    return f"{request_key}:u{user_id}"


def _truncate(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


async def resolve_recipients(session: AsyncSession, recipients: Sequence[Recipient]) -> list[User]:
    """The active users meant by ``recipients``: named users, and every active user
    holding ``role`` at ``unit_id``; each user once, in id order."""
    named = {r.user_id for r in recipients if r.user_id is not None}
    by_role = {(r.role, r.unit_id) for r in recipients if r.user_id is None}
    conditions = []
    if named:
        conditions.append(User.id.in_(named))
    if by_role:
        holders = select(RoleGrant.user_id).where(
            or_(
                *(and_(RoleGrant.role == role, RoleGrant.unit_id == unit) for role, unit in by_role)
            )
        )
        conditions.append(User.id.in_(holders))
    if not conditions:
        return []
    users = (
        (
            await session.execute(
                select(User).where(User.is_active.is_(True), or_(*conditions)).order_by(User.id)
            )
        )
        .scalars()
        .all()
    )
    missing = named - {u.id for u in users}
    if missing:
        log.warning("notice recipients not found or inactive, skipped: users %s", sorted(missing))
    return list(users)


async def addressed_roles(
    session: AsyncSession, recipients: Sequence[Recipient], user_ids: Iterable[int]
) -> dict[int, set[str]]:
    """Per user, the roles by which ``recipients`` addressed them (none for a user named
    by id): one mail may go to a unit that waits and to a standing body that must act."""
    by_role = {(r.role, r.unit_id) for r in recipients if r.user_id is None}
    ids = set(user_ids)
    roles: dict[int, set[str]] = {user_id: set() for user_id in ids}
    if not by_role or not ids:
        return roles
    grants = await session.execute(
        select(RoleGrant.user_id, RoleGrant.role).where(
            RoleGrant.user_id.in_(ids),
            or_(
                *(and_(RoleGrant.role == role, RoleGrant.unit_id == unit) for role, unit in by_role)
            ),
        )
    )
    for user_id, role in grants:
        roles[user_id].add(str(role))
    return roles


def _request_notices(request_key: str) -> ColumnElement[bool]:
    """Rows of one request; the LIKE prefix is narrowed by an exact pattern afterwards."""
    return Notice.notice_key.startswith(f"{request_key}:u", autoescape=True)


def _belongs_to(request_key: str) -> re.Pattern[str]:
    return re.compile(re.escape(request_key) + r":u\d+")


class NoticeActivities:
    """Notice activities, built once per worker:
    ``NoticeActivities(session_factory, settings, Mailer(settings))``.

    - ``send_notices``: idempotent per ``NoticeRequest.key``; raises a retryable
      ``ApplicationError`` (type ``MailServerUnavailable`` or ``MailDeferred``) while mails
      remain to send, after recording the error on the rows; ``InvalidNoticeRequest``
      (non-retryable) for an unknown kind or a malformed recipient.
    - ``mark_notices_failed``: the final word after the workflow gave up retrying.
    """

    def __init__(
        self,
        session_factory: SessionFactory,
        settings: Settings,
        mailer: Mailer,
        *,
        templates: NoticeTemplates | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._clock = clock
        self._sessions = session_factory
        self._settings = settings
        self._mailer = mailer
        self._templates = templates or NoticeTemplates(
            item_names=dossier_item_names(settings.catalogue_dir)
        )

    # -- activities ---------------------------------------------------------------------

    @activity.defn
    async def send_notices(self, request: NoticeRequest) -> NoticeResult:
        """Inbox rows for every recipient (one transaction), then one mail each."""
        with activity_log_context(nomination_id=request.nomination_id, notice_key=request.key):
            self._validate(request)
            created, existing = await self._create_inbox_rows(request)
            if not self._settings.mail_enabled:
                await self._set_pending(request.key, NoticeDelivery.NONE, "mail disabled")
                return NoticeResult(inbox_created=created, mailed=0, skipped_duplicates=existing)
            mailed = await self._mail_pending(request)
            return NoticeResult(inbox_created=created, mailed=mailed, skipped_duplicates=existing)

    @activity.defn
    async def mark_notices_failed(self, failed: FailedNoticesInput) -> int:
        """Every notice of ``failed.key`` still pending becomes ``failed`` with the error,
        for the administrators' list. Returns how many."""
        with activity_log_context(notice_key=failed.key):
            count = await self._set_pending(
                failed.key, NoticeDelivery.FAILED, failed.error or "delivery gave up"
            )
            if count:
                log.warning("%d notices of %s finally failed: %s", count, failed.key, failed.error)
            return count

    # -- steps --------------------------------------------------------------------------

    def _validate(self, request: NoticeRequest) -> None:
        if not request.key or len(request.key) > _MAX_KEY_CHARS:
            raise InvalidNoticeRequest(f"notice key must be 1..{_MAX_KEY_CHARS} characters")
        if not self._templates.has(request.kind):
            raise InvalidNoticeRequest(
                f"no mail template for notice kind {request.kind!r} in templates/mail"
            )
        for recipient in request.recipients:
            by_user = recipient.user_id is not None
            by_role = recipient.role is not None and recipient.unit_id is not None
            if by_user == by_role or (by_user and recipient.role is not None):
                raise InvalidNoticeRequest(
                    f"recipient {recipient} must give a user_id, or a role and a unit_id"
                )

    def _render(self, request: NoticeRequest, user: User, roles: Iterable[str]) -> RenderedNotice:
        return self._templates.render(
            request.kind,
            request.context,
            recipient_name=user.full_name,
            recipient_roles=roles,
            base_url=self._settings.resolved_public_base_url,
        )

    async def _create_inbox_rows(self, request: NoticeRequest) -> tuple[int, int]:
        """One row per recipient, all in one transaction; returns (created, existing).
        A concurrent attempt that inserted the same keys first makes ours fail on the
        unique key: the second pass then finds them."""
        for pass_number in (1, 2):
            try:
                async with transaction(self._sessions) as session:
                    users = await resolve_recipients(session, request.recipients)
                    roles = await addressed_roles(
                        session, request.recipients, [user.id for user in users]
                    )
                    by_key = {_notice_key(request.key, user.id): user for user in users}
                    existing = await self._existing_keys(session, list(by_key))
                    new_rows = [
                        self._new_row(request, key, user, roles[user.id])
                        for key, user in by_key.items()
                        if key not in existing
                    ]
                    session.add_all(new_rows)
                return len(new_rows), len(existing)
            except IntegrityError:
                if pass_number == 2:
                    raise  # not a race: a real constraint (e.g. an unknown nomination id)
                log.info("notice rows of %s were created concurrently; reading them", request.key)
        raise AssertionError("unreachable")

    @staticmethod
    async def _existing_keys(session: AsyncSession, keys: list[str]) -> set[str]:
        if not keys:
            return set()
        found = await session.execute(select(Notice.notice_key).where(Notice.notice_key.in_(keys)))
        return set(found.scalars())

    def _new_row(
        self, request: NoticeRequest, key: str, user: User, roles: Iterable[str]
    ) -> Notice:
        rendered = self._render(request, user, roles)
        email = (user.email or "").strip() or None
        mail = email is not None and self._settings.mail_enabled
        return Notice(
            notice_key=key,
            user_id=user.id,
            kind=request.kind,
            subject=_truncate(rendered.subject, _SUBJECT_CHARS),
            body_text=rendered.body_text,
            link=_truncate(request.context.get("link", ""), _LINK_CHARS),
            nomination_id=request.nomination_id,
            created_at=self._clock.now(),
            email_to=email,
            delivery=NoticeDelivery.PENDING if mail else NoticeDelivery.NONE,
            attempts=0,
            last_error="",
        )

    async def _pending(self, request: NoticeRequest) -> list[tuple[Notice, User, set[str]]]:
        """The request's mails still to send, each with its reader and the roles the
        reader was addressed by (the mail is rendered again, as its inbox copy was)."""
        async with self._sessions() as session:
            found = (
                await session.execute(
                    select(Notice, User)
                    .join(User, User.id == Notice.user_id)
                    .where(_request_notices(request.key), Notice.delivery == NoticeDelivery.PENDING)
                    .order_by(Notice.id)
                )
            ).all()
            mine = _belongs_to(request.key)
            rows = [(notice, user) for notice, user in found if mine.fullmatch(notice.notice_key)]
            roles = await addressed_roles(session, request.recipients, [u.id for _, u in rows])
        return [(notice, user, roles[user.id]) for notice, user in rows]

    async def _mail_pending(self, request: NoticeRequest) -> int:
        pending = await self._pending(request)
        deadline = self._sending_deadline()
        loop = asyncio.get_running_loop()
        mailed = 0
        deferred = 0
        for position, (notice, user, roles) in enumerate(pending):
            if deadline is not None and loop.time() > deadline:
                remaining = [n.id for n, _, _ in pending[position:]]
                raise ApplicationError(
                    f"{len(remaining)} mails left when this attempt ran out of time; "
                    "the next attempt continues",
                    type="MailDeferred",
                )
            rendered = self._render(request, user, roles)
            try:
                await self._mailer.send(
                    notice.email_to or "",
                    notice.subject,
                    rendered.text,
                    rendered.html,
                    message_id_for(notice.notice_key, self._mailer.mail_from),
                    to_name=user.full_name,
                )
            except MailServerError as exc:
                # The server is down or refuses us: the rest would fail alike. Record it on
                # every row still waiting, then let Temporal retry with back-off.
                still_pending = [n.id for n, _, _ in pending[position:]]
                await self._record_attempt(still_pending, str(exc))
                raise ApplicationError(
                    f"{exc} ({len(still_pending)} of {len(pending)} mails not sent yet)",
                    type="MailServerUnavailable",
                ) from exc
            except MailRecipientError as exc:
                if exc.permanent:
                    await self._record_attempt([notice.id], str(exc), final=True)
                    log.warning("notice %s: the mail server refused it for good", notice.id)
                else:
                    await self._record_attempt([notice.id], str(exc))
                    deferred += 1
                continue
            await self._mark_sent(notice.id)
            mailed += 1
        if deferred:
            # The addresses stay in the rows' last_error: failure messages are stored in
            # the workflow history unencrypted.
            raise ApplicationError(
                f"{deferred} mails deferred by the mail server (4xx); the next attempt "
                "retries them",
                type="MailDeferred",
            )
        return mailed

    def _sending_deadline(self) -> float | None:
        """The loop time after which no new mail is started in this attempt."""
        if not activity.in_activity():
            return None
        timeout = activity.info().start_to_close_timeout
        if not timeout:
            return None
        budget = timeout.total_seconds() - self._mailer.send_timeout - _SAFETY_MARGIN_SECONDS
        return asyncio.get_running_loop().time() + max(budget, 0.0)

    async def _mark_sent(self, notice_id: int) -> None:
        async with transaction(self._sessions) as session:
            await session.execute(
                update(Notice)
                .where(Notice.id == notice_id, Notice.delivery == NoticeDelivery.PENDING)
                .values(
                    delivery=NoticeDelivery.SENT,
                    attempts=Notice.attempts + 1,
                    sent_at=self._clock.now(),
                    last_error="",
                )
            )

    async def _record_attempt(
        self, notice_ids: Iterable[int], error: str, *, final: bool = False
    ) -> None:
        ids = list(notice_ids)
        if not ids:
            return
        values: dict[str, object] = {
            "attempts": Notice.attempts + 1,
            "last_error": _truncate(error, _ERROR_CHARS),
        }
        if final:
            values["delivery"] = NoticeDelivery.FAILED
        async with transaction(self._sessions) as session:
            await session.execute(
                update(Notice)
                .where(Notice.id.in_(ids), Notice.delivery == NoticeDelivery.PENDING)
                .values(**values)
            )

    async def _set_pending(self, request_key: str, delivery: NoticeDelivery, error: str) -> int:
        """Move every still-pending notice of a request to ``delivery``."""
        mine = _belongs_to(request_key)
        async with transaction(self._sessions) as session:
            rows = (
                await session.execute(
                    select(Notice.id, Notice.notice_key).where(
                        _request_notices(request_key), Notice.delivery == NoticeDelivery.PENDING
                    )
                )
            ).all()
            ids = [row.id for row in rows if mine.fullmatch(row.notice_key)]
            if ids:
                await session.execute(
                    update(Notice)
                    .where(Notice.id.in_(ids), Notice.delivery == NoticeDelivery.PENDING)
                    .values(delivery=delivery, last_error=_truncate(error, _ERROR_CHARS))
                )
            return len(ids)


__all__ = [
    "CAMPAIGN_NOTICE_KINDS",
    "InvalidNoticeRequest",
    "MAIL_TEMPLATES_DIR",
    "NOMINATION_NOTICE_KINDS",
    "NOTICE_KINDS",
    "NOTICE_RETRY_POLICY",
    "NOTICE_START_TO_CLOSE",
    "NoticeActivities",
    "NoticeTemplates",
    "RenderedNotice",
    "absolute_link",
    "resolve_recipients",
]
