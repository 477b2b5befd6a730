"""What a password must be: long enough to resist guessing, and none of the passwords
everyone knows (the demo data's, the username). A pure rule: the API and the pages call it
before anything is hashed or written."""

from __future__ import annotations

from dataclasses import dataclass

from .text import control_character, fold

MIN_LENGTH = 10
MAX_LENGTH = 128  # argon2 takes any length; a bound keeps a request from hashing megabytes

# Passwords printed in documentation or demo data: known to anyone who read them.
KNOWN_PASSWORDS = frozenset({"thidua2026", "matkhau123", "password12", "1234567890", "0123456789"})


@dataclass(frozen=True)
class PasswordProblem:
    code: str  # stable, for the pages' texts and the JSON error
    message_vi: str
    message_en: str


def password_problem(password: str, *, username: str = "") -> PasswordProblem | None:
    """The first reason ``password`` is refused, or None when it may be used."""
    if len(password) < MIN_LENGTH:
        return PasswordProblem(
            "password_too_short",
            f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự",
            f"The password must have at least {MIN_LENGTH} characters",
        )
    if len(password) > MAX_LENGTH:
        return PasswordProblem(
            "password_too_long",
            f"Mật khẩu không được dài quá {MAX_LENGTH} ký tự",
            f"The password must have at most {MAX_LENGTH} characters",
        )
    if control_character(password) is not None:
        return PasswordProblem(
            "password_control_character",
            "Mật khẩu có ký tự điều khiển không được phép",
            "The password contains a control character",
        )
    folded = fold(password)
    if len(set(password)) < 4 or folded in KNOWN_PASSWORDS:
        return PasswordProblem(
            "password_too_common",
            "Mật khẩu quá dễ đoán, vui lòng chọn mật khẩu khác",
            "The password is too easy to guess, choose another one",
        )
    if username and fold(username) in folded:
        return PasswordProblem(
            "password_contains_username",
            "Mật khẩu không được chứa tên đăng nhập",
            "The password must not contain the username",
        )
    return None
