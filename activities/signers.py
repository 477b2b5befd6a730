"""Where a signer's private key lives, behind one interface.

A ``SigningKey`` opens a pyHanko ``Signer`` for one signature and closes it afterwards.
Two kinds exist:

* ``Pkcs11Key``: the key stays on a PKCS#11 device attached to the signing host (the
  worker's machine): an HSM, or the official's own USB token from the government CA.
  Which token and key belong to whom is a JSON file (``THIDUA_PKCS11_SIGNERS``), keyed by
  username; the PIN comes from the environment variable the file names, never from a
  file or the database.
* ``Pkcs12Key``: the server-held PKCS#12 of ``signing_identities`` (encrypted with the
  signing passphrase). For development and tests; production refuses it unless
  ``THIDUA_ALLOW_SERVER_HELD_KEYS=true``.

A signer named in the PKCS#11 file always signs with the token, whatever identity the
database holds for them.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cryptography import x509

from thidua.settings import Settings

if TYPE_CHECKING:  # pyHanko loads in the worker only, not with every command's settings
    from pyhanko.sign import signers


class SigningError(Exception):
    """The identity cannot sign: unreadable PKCS#12 (wrong passphrase), no key, a PKCS#11
    token absent, locked or refusing its PIN. ``message_vi`` is for the people waiting."""

    def __init__(self, message_en: str, message_vi: str | None = None) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_vi = message_vi or message_en


class SignerConfigurationError(ValueError):
    """The PKCS#11 signers file cannot be used; one line naming the file and the entry."""


class ServerHeldKeyRefused(Exception):
    """Production with a server-held PKCS#12 key and no THIDUA_ALLOW_SERVER_HELD_KEYS."""

    message_vi = (
        "Môi trường vận hành không cho phép ký bằng khóa bí mật lưu trên máy chủ (tệp PKCS#12): "
        "người ký cần dùng thiết bị ký số USB token/HSM (THIDUA_PKCS11_SIGNERS), hoặc quản "
        "trị viên đặt THIDUA_ALLOW_SERVER_HELD_KEYS=true"
    )
    message_en = (
        "production refuses server-held PKCS#12 signing keys: map the signer to a PKCS#11 "
        "token or HSM (THIDUA_PKCS11_SIGNERS), or set THIDUA_ALLOW_SERVER_HELD_KEYS=true"
    )

    def __init__(self) -> None:
        super().__init__(self.message_en)


class SigningKey(Protocol):
    """One signer's private key and certificate, wherever they are."""

    @property
    def kind(self) -> str:
        """``pkcs11`` or ``pkcs12``."""
        ...

    def open(self) -> AbstractContextManager[signers.Signer]:
        """A pyHanko signer for the time of one signature. Blocking: call it in a thread.
        Raises ``SigningError`` with the cause a person can act on."""
        ...


def signing_certificate(key: SigningKey) -> x509.Certificate:
    """The signer's certificate as the key holds it (the token's, for PKCS#11): opening
    it proves the key is usable before a number is spent. Blocking."""
    with key.open() as signer:
        cert = signer.signing_cert
        if cert is None:
            raise SigningError(
                "the signing key has no certificate", "Khóa ký số không kèm chứng thư số"
            )
        return x509.load_der_x509_certificate(cert.dump())


# ---------------------------------------------------------------------------------------
# PKCS#12 held by the server


@dataclass(frozen=True)
class Pkcs12Key:
    identity_p12: bytes
    passphrase: str
    kind: str = "pkcs12"

    @contextmanager
    def open(self) -> Iterator[signers.Signer]:
        from pyhanko.sign.signers import SimpleSigner

        try:
            signer = SimpleSigner.load_pkcs12_data(
                self.identity_p12, other_certs=[], passphrase=self.passphrase.encode("utf-8")
            )
        except (ValueError, TypeError) as exc:
            raise SigningError(
                f"cannot open the signing identity: {exc}",
                "Không mở được tệp chứng thư số (PKCS#12) của người ký",
            ) from exc
        if signer is None or signer.signing_cert is None:
            raise SigningError(
                "the signing identity holds no certificate and key",
                "Tệp chứng thư số không chứa chứng thư và khóa bí mật",
            )
        yield signer


# ---------------------------------------------------------------------------------------
# PKCS#11: an HSM or the official's token on the signing host


@dataclass(frozen=True)
class Pkcs11Entry:
    """One line of the PKCS#11 signers file."""

    username: str
    module: str
    token_label: str
    key_label: str
    cert_label: str
    pin_env: str


# One signature at a time per token: a PKCS#11 login belongs to the whole process, and a
# second session logging in (or out) under a signature in progress would break it.
_TOKEN_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_TOKEN_LOCKS_GUARD = threading.Lock()


def _token_lock(module: str, token_label: str) -> threading.Lock:
    with _TOKEN_LOCKS_GUARD:
        return _TOKEN_LOCKS.setdefault((module, token_label), threading.Lock())


@dataclass(frozen=True)
class Pkcs11Key:
    entry: Pkcs11Entry
    kind: str = "pkcs11"

    @contextmanager
    def open(self) -> Iterator[signers.Signer]:
        try:
            import pkcs11
            from pyhanko.config.pkcs11 import TokenCriteria
            from pyhanko.sign.general import SigningError as PyHankoSigningError
            from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
        except ImportError as exc:  # pragma: no cover - python-pkcs11 is a dependency
            raise SigningError(
                f"PKCS#11 support is not installed ({exc}): pip install 'pyhanko[pkcs11]'",
                "Máy chủ chưa cài thư viện PKCS#11 (python-pkcs11)",
            ) from exc
        entry = self.entry
        where = f"token '{entry.token_label}' ({entry.module})"
        pin = os.environ.get(entry.pin_env, "")
        if not pin:
            raise SigningError(
                f"the PIN of {where} is not set: environment variable {entry.pin_env} is empty",
                f"Chưa có mã PIN của thiết bị ký số '{entry.token_label}' "
                f"(biến môi trường {entry.pin_env})",
            )
        if not Path(entry.module).is_file():
            raise SigningError(
                f"the PKCS#11 module {entry.module} does not exist on this host",
                f"Không có thư viện PKCS#11 {entry.module} trên máy ký",
            )
        with _token_lock(entry.module, entry.token_label):
            try:
                session = open_pkcs11_session(
                    entry.module,
                    token_criteria=TokenCriteria(label=entry.token_label),
                    user_pin=pin,
                )
            except pkcs11.PinIncorrect as exc:
                raise SigningError(
                    f"{where} refused the PIN from {entry.pin_env} (a token locks itself "
                    "after a few wrong PINs: fix the PIN before signing again)",
                    f"Thiết bị ký số '{entry.token_label}' từ chối mã PIN: sửa mã PIN "
                    f"({entry.pin_env}) trước khi ký lại, thiết bị sẽ khóa sau vài lần sai",
                ) from exc
            except pkcs11.PinLocked as exc:
                raise SigningError(
                    f"{where} is locked (too many wrong PINs): unlock it with the SO PIN",
                    f"Thiết bị ký số '{entry.token_label}' đã bị khóa do nhập sai mã PIN nhiều lần",
                ) from exc
            except (RuntimeError, OSError) as exc:  # pkcs11.PKCS11Error is a RuntimeError
                raise SigningError(
                    f"cannot open {where}: {exc or exc.__class__.__name__} (is the token "
                    "plugged into the signing host?)",
                    f"Không mở được thiết bị ký số '{entry.token_label}': thiết bị đã cắm vào "
                    "máy ký chưa?",
                ) from exc
            try:
                signer = PKCS11Signer(
                    session, cert_label=entry.cert_label, key_label=entry.key_label
                )
                try:
                    signer.signing_cert  # noqa: B018 - loads the key and certificate now
                except (RuntimeError, PyHankoSigningError) as exc:
                    raise SigningError(
                        f"{where} holds no key '{entry.key_label}' with certificate "
                        f"'{entry.cert_label}': {exc or exc.__class__.__name__}",
                        f"Thiết bị ký số '{entry.token_label}' không có khóa "
                        f"'{entry.key_label}' và chứng thư '{entry.cert_label}'",
                    ) from exc
                yield signer
            finally:
                session.close()


# ---------------------------------------------------------------------------------------
# Configuration


def load_pkcs11_entries(settings: Settings) -> dict[str, Pkcs11Entry]:
    """The PKCS#11 signers file (``THIDUA_PKCS11_SIGNERS``), by username; empty when the
    setting is empty. Raises ``SignerConfigurationError`` (one line) on a bad file.

    The file is a JSON object::

        {"chutich": {"token_label": "VGCA TOKEN", "key_label": "Tang Van Quan",
                     "cert_label": "Tang Van Quan", "pin_env": "PKCS11_PIN_CHUTICH",
                     "module": "/usr/lib/...so"}}

    ``cert_label`` defaults to ``key_label``, ``module`` to ``THIDUA_PKCS11_MODULE``."""
    path = settings.pkcs11_signers
    if path is None:
        return {}
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SignerConfigurationError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise SignerConfigurationError(f"{path} is not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise SignerConfigurationError(f"{path} must be a JSON object keyed by username")
    entries: dict[str, Pkcs11Entry] = {}
    for username, spec in raw.items():
        if not isinstance(spec, dict):
            raise SignerConfigurationError(f"{path}: '{username}' must be an object")
        unknown = set(spec) - {"module", "token_label", "key_label", "cert_label", "pin_env"}
        if unknown:
            raise SignerConfigurationError(
                f"{path}: '{username}' has unknown field(s) {', '.join(sorted(unknown))}"
            )
        values = {k: v for k, v in spec.items() if isinstance(v, str) and v.strip()}
        missing = [k for k in ("token_label", "key_label", "pin_env") if k not in values]
        if missing:
            raise SignerConfigurationError(
                f"{path}: '{username}' needs {', '.join(missing)} (non-empty text)"
            )
        module = values.get("module") or settings.pkcs11_module
        if not module:
            raise SignerConfigurationError(
                f"{path}: '{username}' names no module and THIDUA_PKCS11_MODULE is empty"
            )
        entries[username] = Pkcs11Entry(
            username=username,
            module=module,
            token_label=values["token_label"],
            key_label=values["key_label"],
            cert_label=values.get("cert_label") or values["key_label"],
            pin_env=values["pin_env"],
        )
    return entries


def server_held_keys_allowed(settings: Settings) -> bool:
    return settings.environment != "production" or settings.allow_server_held_keys


def signing_key_for(
    settings: Settings, *, username: str, identity_p12: bytes | None
) -> SigningKey | None:
    """The key ``username`` signs with: their PKCS#11 token when the signers file names
    them, else their server-held PKCS#12 (``identity_p12``) where that is allowed; None
    when they have neither. Raises ``SignerConfigurationError`` (a bad signers file) and
    ``ServerHeldKeyRefused`` (production, PKCS#12 only, not allowed)."""
    entry = load_pkcs11_entries(settings).get(username)
    if entry is not None:
        return Pkcs11Key(entry)
    if identity_p12 is None:
        return None
    if not server_held_keys_allowed(settings):
        raise ServerHeldKeyRefused()
    return Pkcs12Key(identity_p12, settings.signing_key_passphrase)
