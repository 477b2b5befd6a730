"""The mail that carries a one-time password link to the account's owner (an
administrator's reset): the only place the link goes. The administrator who asked sees
where it went (the address, masked), never the link.

Sent from the API, once, while the administrator waits: a mail server that does not take
it is a 503 to retry, and nothing is recorded as sent."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader

from domain.calendar import VIETNAM_TZ
from models import User
from thidua.mailer import Mailer, MailError, message_id_for
from thidua.settings import PROJECT_ROOT, Settings

from ..errors import Conflict, ServiceUnavailable
from .passwords import PasswordLink

MAIL_TEMPLATES = PROJECT_ROOT / "templates" / "mail"
SUBJECT = "Liên kết đặt lại mật khẩu - Hệ thống Thi đua - Khen thưởng"
# A new account's first password: its own words, not a "reset" of a password never chosen.
SETUP_SUBJECT = "Tài khoản mới: chọn mật khẩu - Hệ thống Thi đua - Khen thưởng"
MAILS = {
    "reset": (SUBJECT, "accounts/password_reset"),
    "setup": (SETUP_SUBJECT, "accounts/account_setup"),
}

_env = Environment(
    loader=FileSystemLoader(str(MAIL_TEMPLATES)),
    autoescape=lambda name: name is not None and name.endswith(".html"),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class ResetMail:
    subject: str
    text: str
    html: str


def render_reset_mail(
    user: User, link: PasswordLink, *, administrator: str, purpose: str = "reset"
) -> ResetMail:
    """The mail of a reset (``purpose="reset"``) or of a new account (``"setup"``)."""
    subject, template = MAILS[purpose]
    values = {
        "subject": subject,
        "recipient_name": user.full_name,
        "username": user.username,
        "link_url": link.url,
        "expires": link.expires_at.astimezone(VIETNAM_TZ).strftime("%H:%M %d/%m/%Y"),
        "administrator": administrator,
    }
    return ResetMail(
        subject=subject,
        text=_env.get_template(f"{template}.txt").render(values).strip() + "\n",
        html=_env.get_template(f"{template}.html").render(values),
    )


def masked_address(address: str) -> str:
    """ "tuan.do@thachkhoi.example.vn" → "t***@thachkhoi.example.vn": enough for the
    administrator to recognise it, not to read it out."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


async def send_reset_mail(
    settings: Settings,
    user: User,
    link: PasswordLink,
    *,
    administrator: str,
    purpose: str = "reset",
) -> None:
    if not settings.mail_enabled:
        # The operator switched mail off: not a failure to retry, another route to take
        # (the same answer as an account without an address).
        raise Conflict(
            "Hệ thống chưa được cấu hình gửi thư (THIDUA_MAIL_ENABLED); người vận hành máy "
            "chủ có thể cấp liên kết bằng lệnh thidua admin link",
            "Mail is not enabled (THIDUA_MAIL_ENABLED); the server operator can issue a link "
            "with `thidua admin link`",
        )
    assert user.email is not None
    mail = render_reset_mail(user, link, administrator=administrator, purpose=purpose)
    mailer = Mailer(settings)
    try:
        await mailer.send(
            user.email,
            mail.subject,
            mail.text,
            mail.html,
            message_id_for(f"password-reset:{link.token[-24:]}", settings.mail_from),
            to_name=user.full_name,
        )
    except MailError as exc:
        raise ServiceUnavailable(
            "Máy chủ thư chưa nhận thư, vui lòng thử lại sau",
            f"The mail server did not take the message, try again later: {exc}",
        ) from exc
