"""Where a signer's private key lives, behind one interface.

A ``SigningKey`` opens a pyHanko ``Signer`` for one signature and closes it afterwards.
Three kinds exist:

* ``Pkcs11Key``: the key stays on a PKCS#11 device attached to the signing host (the
  worker's machine): an HSM, or the official's own USB token from the government CA.
  Which token and key belong to whom is a JSON file (``THIDUA_PKCS11_SIGNERS``), keyed by
  username; the PIN comes from the environment variable the file names, never from a
  file or the database.
* ``CscKey``: the key stays with a remote signing service speaking the Cloud Signature
  Consortium API (CSC v1): a certification provider's "ký số từ xa" service or the
  ward's own signing server. The engine sends the digest, the service returns the raw
  signature. Which service and credential belong to whom is a JSON file
  (``THIDUA_CSC_SIGNERS``), keyed by username; the service's bearer token and the
  credential's PIN come from environment variables the file names.
* ``Pkcs12Key``: the server-held PKCS#12 of ``signing_identities`` (encrypted with the
  signing passphrase). For development and tests; production refuses it unless
  ``THIDUA_ALLOW_SERVER_HELD_KEYS=true``.

* ``ExternalKey``: the key stays on the official's own computer (their USB token and
  the government CA's signing agent): the engine cannot call it, it waits for it (the
  interrupted flow of ``activities/external_signing.py``). Who signs that way, with
  which certificate, is a JSON file (``THIDUA_EXTERNAL_SIGNERS``), keyed by username:
  ``{"chutich": {"certificate": "/etc/thidua/chutich.pem"}}`` (the PEM holds the
  signer's certificate first, then its issuers). Its ``open`` refuses: a server-side
  signature is not possible; the decision workflow asks for the agent's answer instead.

``signing_key_for`` chooses, in this order: the PKCS#11 token when the PKCS#11 file
names the signer, else the CSC service when the CSC file names them, else their own
computer when the external signers file names them, else the server-held PKCS#12 the
database holds for them (where allowed). A signer named in any file never signs with a
server-held key, whatever the database holds.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from cryptography import x509

from thidua.settings import Settings

if TYPE_CHECKING:  # pyHanko loads in the worker only, not with every command's settings
    from pyhanko.sign import signers


class SigningError(Exception):
    """The identity cannot sign: unreadable PKCS#12 (wrong passphrase), no key, a PKCS#11
    token absent, locked or refusing its PIN. ``message_vi`` is for the people waiting.

    ``transient``: a service the signature needs did not answer (the remote signing
    service or the timestamp authority unreachable, timing out, failing on its side):
    trying again later may succeed. Anything else (a revoked certificate, a refused PIN
    or credential, an unknown credential) is permanent: retrying cannot cure it."""

    def __init__(
        self, message_en: str, message_vi: str | None = None, *, transient: bool = False
    ) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_vi = message_vi or message_en
        self.transient = transient


class SignerConfigurationError(ValueError):
    """A signers file cannot be used; one line naming the file and the entry.
    ``variable`` names the setting that points at the file."""

    variable = "THIDUA_PKCS11_SIGNERS"


class CscConfigurationError(SignerConfigurationError):
    """The CSC signers file (``THIDUA_CSC_SIGNERS``) cannot be used."""

    variable = "THIDUA_CSC_SIGNERS"


class ExternalConfigurationError(SignerConfigurationError):
    """The external signers file (``THIDUA_EXTERNAL_SIGNERS``) cannot be used."""

    variable = "THIDUA_EXTERNAL_SIGNERS"


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
        """``pkcs11``, ``csc``, ``external`` or ``pkcs12``."""
        ...

    def open(self) -> AbstractContextManager[signers.Signer]:
        """A pyHanko signer for the time of one signature. Blocking: call it in a thread.
        Raises ``SigningError`` with the cause a person can act on."""
        ...


def signing_certificate(key: SigningKey) -> x509.Certificate:
    """The signer's certificate as the key holds it (the token's, for PKCS#11): opening
    it proves the key is usable before a number is spent. Blocking."""
    return signing_certificates(key)[0]


def signing_certificates(key: SigningKey) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """The signer's certificate and the other certificates the key carries (its issuers),
    for checking the path to a trusted root before a number is spent. Blocking."""
    with key.open() as signer:
        cert = signer.signing_cert
        if cert is None:
            raise SigningError(
                "the signing key has no certificate", "Khóa ký số không kèm chứng thư số"
            )
        others = [
            x509.load_der_x509_certificate(c.dump())
            for c in (signer.cert_registry or [])
            if c.dump() != cert.dump()
        ]
        return x509.load_der_x509_certificate(cert.dump()), others


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
# CSC: a remote signing service (Cloud Signature Consortium API v1)


@dataclass(frozen=True)
class CscEntry:
    """One line of the CSC signers file."""

    username: str
    service_url: str  # the part before /csc/v1/...
    credential_id: str
    # Environment variables: the service's OAuth2 bearer token (empty: the service
    # authenticates the engine otherwise, e.g. by its network or TLS client certificate)
    # and the credential's PIN (empty: the credential is authorised implicitly).
    token_env: str = ""
    pin_env: str = ""
    timeout_seconds: int = 60


def _csc_failure(entry: CscEntry, what: str, exc: BaseException) -> SigningError:
    detail = str(exc) or exc.__class__.__name__
    cause = exc.__cause__
    if cause is not None and str(cause):
        detail = f"{detail} ({cause})"
    return SigningError(
        f"the remote signing service {entry.service_url} (credential '{entry.credential_id}') "
        f"{what}: {detail}",
        f"Dịch vụ ký số từ xa {entry.service_url} không ký được cho '{entry.credential_id}': "
        "kiểm tra kết nối, mã truy cập và mã PIN của người ký",
        transient=unreachable(exc),
    )


def unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it wraps) says a service did not answer: no connection, a
    timeout, a failure on its side (HTTP 5xx, 429). A refusal (HTTP 4xx: unknown
    credential, wrong PIN, bad token) is not."""
    import aiohttp

    cause: BaseException | None = exc
    for _ in range(8):
        if cause is None:
            return False
        if isinstance(cause, aiohttp.ClientResponseError):
            return cause.status >= 500 or cause.status == 429
        if isinstance(cause, (aiohttp.ClientConnectionError, TimeoutError, ConnectionError)):
            return True
        if type(cause).__name__ == "TimestampRequestError":  # pyHanko: the TSA failed
            return True
        cause = cause.__cause__ or cause.__context__
    return False


@functools.cache
def _csc_classes() -> tuple[Any, Any]:
    """The pyHanko CSC signer (and its authorisation), holding an HTTP session only
    while it signs.

    pyHanko runs each signature in an event loop of its own (``asyncio.run``); an
    ``aiohttp`` session belongs to the loop it was made in. So the signer makes its
    session inside ``async_sign_raw`` (credential authorisation and ``signHash`` on the
    same connection) and closes it before returning, whichever loop that is."""
    import aiohttp
    from pyhanko.sign.general import SigningError as PyHankoSigningError
    from pyhanko.sign.signers.csc_signer import CSCAuthorizationManager, CSCSigner

    class Authorization(CSCAuthorizationManager):
        """``credentials/authorize`` for every signature, bound to its digest (the
        services that require hash pinning, SCAL 2, and those that do not alike)."""

        def __init__(self, entry: CscEntry, pin: str | None, *args: Any) -> None:
            super().__init__(*args)
            self.entry = entry
            self.pin = pin
            self.session: aiohttp.ClientSession | None = None

        async def authorize_signature(self, hash_b64s: list[str]) -> Any:
            assert self.session is not None, "authorised only while signing"
            request = self.format_csc_auth_request(
                pin=self.pin, hash_b64s=hash_b64s, description="thidua"
            )
            async with self.session.post(
                self.csc_session_info.endpoint_url("credentials/authorize"),
                headers=self.auth_headers,
                json=request,
                raise_for_status=True,
                timeout=aiohttp.ClientTimeout(total=self.entry.timeout_seconds),
            ) as response:
                answer = await response.json()
            return self.parse_csc_auth_response(answer)

    class Signer(CSCSigner):
        auth_manager: Authorization
        failure: BaseException | None = None

        async def _do_commit(self, batch: Any) -> None:
            try:
                await super()._do_commit(batch)
            except BaseException as exc:  # kept: pyHanko reports only "no results"
                self.failure = exc
                raise

        async def async_sign_raw(
            self, data: bytes, digest_algorithm: str, dry_run: bool = False
        ) -> bytes:
            if dry_run:  # pyHanko sizes the signature's placeholder: no request
                return await super().async_sign_raw(data, digest_algorithm, dry_run=True)
            entry = self.auth_manager.entry
            self.failure = None
            try:
                async with aiohttp.ClientSession() as session:
                    self.session = session
                    self.auth_manager.session = session
                    try:
                        return await super().async_sign_raw(data, digest_algorithm)
                    finally:
                        self.auth_manager.session = None
            except (aiohttp.ClientError, TimeoutError, PyHankoSigningError, KeyError) as exc:
                cause = self.failure or exc
                raise _csc_failure(entry, "refused or failed to sign", cause) from cause

    return Authorization, Signer


@dataclass(frozen=True)
class CscKey:
    entry: CscEntry
    kind: str = "csc"

    @contextmanager
    def open(self) -> Iterator[signers.Signer]:
        import aiohttp
        from pyhanko.sign.general import SigningError as PyHankoSigningError
        from pyhanko.sign.signers.csc_signer import (
            CSCServiceSessionInfo,
            fetch_certs_in_csc_credential,
        )

        entry = self.entry
        token = os.environ.get(entry.token_env, "") if entry.token_env else ""
        pin = os.environ.get(entry.pin_env, "") if entry.pin_env else ""
        for variable, value in ((entry.token_env, token), (entry.pin_env, pin)):
            if variable and not value:
                raise SigningError(
                    f"the remote signing service of {entry.username} needs environment "
                    f"variable {variable}, which is empty",
                    f"Chưa có mã truy cập dịch vụ ký số từ xa của người ký (biến môi trường "
                    f"{variable})",
                )
        session_info = CSCServiceSessionInfo(
            service_url=entry.service_url.rstrip("/"),
            credential_id=entry.credential_id,
            oauth_token=token or None,
        )

        async def credential() -> Any:
            async with aiohttp.ClientSession() as session:
                return await fetch_certs_in_csc_credential(
                    session, session_info, timeout=entry.timeout_seconds
                )

        try:
            # Blocking callers only (a worker thread): this thread has no event loop.
            info = asyncio.run(credential())
        except (aiohttp.ClientError, TimeoutError, OSError, PyHankoSigningError) as exc:
            raise _csc_failure(entry, "did not describe the credential", exc) from exc
        authorization, signer = _csc_classes()
        yield signer(
            session=None,  # made for each signature, in pyHanko's event loop
            auth_manager=authorization(entry, pin or None, session_info, info),
            sign_timeout=entry.timeout_seconds,
        )


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


_CSC_FIELDS = {"service_url", "credential_id", "token_env", "pin_env", "timeout_seconds"}


def load_csc_entries(settings: Settings) -> dict[str, CscEntry]:
    """The CSC signers file (``THIDUA_CSC_SIGNERS``), by username; empty when the setting
    is empty. Raises ``SignerConfigurationError`` (one line) on a bad file.

    The file is a JSON object::

        {"chutich": {"service_url": "https://rs.ca.example.vn/api",
                     "credential_id": "a1b2c3", "token_env": "CSC_TOKEN_CHUTICH",
                     "pin_env": "CSC_PIN_CHUTICH"}}

    ``token_env`` (the service's OAuth2 bearer token), ``pin_env`` (the credential's
    PIN) and ``timeout_seconds`` (default 60) are optional; the secrets themselves are
    never in the file."""
    path = settings.csc_signers
    if path is None:
        return {}
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CscConfigurationError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise CscConfigurationError(f"{path} is not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise CscConfigurationError(f"{path} must be a JSON object keyed by username")
    entries: dict[str, CscEntry] = {}
    for username, spec in raw.items():
        if not isinstance(spec, dict):
            raise CscConfigurationError(f"{path}: '{username}' must be an object")
        unknown = set(spec) - _CSC_FIELDS
        if unknown:
            raise CscConfigurationError(
                f"{path}: '{username}' has unknown field(s) {', '.join(sorted(unknown))}"
            )
        values = {k: v.strip() for k, v in spec.items() if isinstance(v, str) and v.strip()}
        missing = [k for k in ("service_url", "credential_id") if k not in values]
        if missing:
            raise CscConfigurationError(
                f"{path}: '{username}' needs {', '.join(missing)} (non-empty text)"
            )
        if not values["service_url"].startswith(("https://", "http://")):
            raise CscConfigurationError(f"{path}: '{username}': service_url must be an http(s) URL")
        timeout = spec.get("timeout_seconds", 60)
        if not isinstance(timeout, int) or isinstance(timeout, bool) or not 1 <= timeout <= 600:
            raise CscConfigurationError(
                f"{path}: '{username}': timeout_seconds must be a whole number of seconds, 1-600"
            )
        entries[username] = CscEntry(
            username=username,
            service_url=values["service_url"],
            credential_id=values["credential_id"],
            token_env=values.get("token_env", ""),
            pin_env=values.get("pin_env", ""),
            timeout_seconds=timeout,
        )
    return entries


@dataclass(frozen=True)
class ExternalKey:
    """A signer who signs on their own computer: the engine holds their certificate
    (and its issuers) only."""

    username: str
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()
    kind: str = "external"

    @contextmanager
    def open(self) -> Iterator[signers.Signer]:
        raise SigningError(
            f"{self.username} signs on their own computer (THIDUA_EXTERNAL_SIGNERS): the "
            "server cannot sign for them; start the external signing instead",
            "Người ký dùng thiết bị ký số trên máy của mình: máy chủ không ký thay được, hãy "
            "chọn «Ký bằng thiết bị ký số trên máy của bạn»",
        )
        yield  # pragma: no cover - a generator for contextmanager


def load_external_entries(settings: Settings) -> dict[str, ExternalKey]:
    """The external signers file (``THIDUA_EXTERNAL_SIGNERS``), by username; empty when
    the setting is empty. Raises ``ExternalConfigurationError`` (one line) on a bad file
    or an unreadable certificate.

    The file is a JSON object::

        {"chutich": {"certificate": "/etc/thidua/signers/chutich.pem"}}

    The PEM file holds the signer's certificate first, then its issuers (optional when
    the issuer is a trusted root)."""
    path = settings.external_signers
    if path is None:
        return {}
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ExternalConfigurationError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise ExternalConfigurationError(f"{path} is not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise ExternalConfigurationError(f"{path} must be a JSON object keyed by username")
    entries: dict[str, ExternalKey] = {}
    for username, spec in raw.items():
        if not isinstance(spec, dict):
            raise ExternalConfigurationError(f"{path}: '{username}' must be an object")
        unknown = set(spec) - {"certificate"}
        if unknown:
            raise ExternalConfigurationError(
                f"{path}: '{username}' has unknown field(s) {', '.join(sorted(unknown))}"
            )
        cert_path = spec.get("certificate")
        if not isinstance(cert_path, str) or not cert_path.strip():
            raise ExternalConfigurationError(
                f"{path}: '{username}' needs certificate (the path of a PEM file)"
            )
        try:
            certificates = x509.load_pem_x509_certificates(Path(cert_path).read_bytes())
        except OSError as exc:
            raise ExternalConfigurationError(
                f"{path}: '{username}': cannot read {cert_path}: {exc.strerror}"
            ) from None
        except ValueError:
            raise ExternalConfigurationError(
                f"{path}: '{username}': {cert_path} holds no PEM certificate"
            ) from None
        entries[username] = ExternalKey(
            username=username, certificate=certificates[0], chain=tuple(certificates[1:])
        )
    return entries


def server_held_keys_allowed(settings: Settings) -> bool:
    return settings.environment != "production" or settings.allow_server_held_keys


def signing_key_for(
    settings: Settings, *, username: str, identity_p12: bytes | None
) -> SigningKey | None:
    """The key ``username`` signs with (the order of the module's docstring): their
    PKCS#11 token when the PKCS#11 signers file names them, else their remote signing
    service when the CSC signers file does, else their own computer (``ExternalKey``)
    when the external signers file does, else their server-held PKCS#12
    (``identity_p12``) where that is allowed; None when they have none. Raises
    ``SignerConfigurationError`` (a bad signers file) and ``ServerHeldKeyRefused``
    (production, PKCS#12 only, not allowed)."""
    entry = load_pkcs11_entries(settings).get(username)
    if entry is not None:
        return Pkcs11Key(entry)
    remote = load_csc_entries(settings).get(username)
    if remote is not None:
        return CscKey(remote)
    external = load_external_entries(settings).get(username)
    if external is not None:
        return external
    if identity_p12 is None:
        return None
    if not server_held_keys_allowed(settings):
        raise ServerHeldKeyRefused()
    return Pkcs12Key(identity_p12, settings.signing_key_passphrase)
