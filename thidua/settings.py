"""Settings: one pydantic-settings class, environment prefix ``THIDUA_``.

Every value has a development default so that ``thidua up`` works on a fresh machine;
the secrets refuse their defaults outside development (``THIDUA_ENVIRONMENT``).
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Development defaults. They are public (they are in this file), so production refuses them.
DEV_SECRET_KEY = "dev-only-secret-key-change-me-0123456789abcdef"
DEV_PAYLOAD_KEY = "ZGV2LW9ubHktcGF5bG9hZC1rZXktMzJieXRlcy0hISE="  # base64 of 32 bytes
DEV_SIGNING_PASSPHRASE = "dev-only-signing-passphrase"

EMBEDDED = "embedded"
_HOST_PORT = re.compile(r"^[A-Za-z0-9.\-]+:\d{1,5}$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="THIDUA_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "test", "production"] = "development"

    # Where the embedded defaults keep their state (SQLite files, PKI, uploaded files).
    data_dir: Path = PROJECT_ROOT / "data"

    # Application database. Empty means a SQLite file under data_dir.
    database_url: str = ""

    # Temporal: "embedded" means the engine starts and supervises its own
    # `temporal server start-dev` with a SQLite file under data_dir.
    temporal_address: str = EMBEDDED
    temporal_namespace: str = "default"
    task_queue: str = "thidua"
    # The task queue of the hosts that hold the signing keys (a USB token or an HSM
    # attached to one machine): the signer's and the organisation's signatures run only
    # on a worker started there with `thidua worker --signing`. Empty: any worker signs.
    # Decisions drafted while it is set keep it (it is part of their workflow's input).
    signing_task_queue: str = ""
    temporal_embedded_port: int = 7233
    temporal_ui_port: int = 8233
    # Seconds the embedded server may take to answer before `up` gives up.
    temporal_startup_timeout: float = 60.0

    # HTTP
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    public_base_url: str = ""  # used in mails and on documents; defaults to http://host:port
    # The deployment's name, shown to people not signed in (the sign-in page, the public
    # portal): "Ủy ban nhân dân phường Thạch Khôi" for one ward, "Thi đua - Khen thưởng
    # thành phố Hải Phòng" for a city of wards. A signed-in person sees their own committee.
    deployment_name: str = ""
    # The reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (IP
    # addresses or networks, comma-separated; empty: none). Sign-in and public-form limits
    # count the client address: behind a proxy nobody trusts, everyone is the proxy.
    trusted_proxies: str = "127.0.0.1,::1"

    # Secrets
    secret_key: str = DEV_SECRET_KEY  # signs session cookies, CSRF tokens and JWTs
    payload_encryption_key: str = DEV_PAYLOAD_KEY  # encrypts workflow payloads (ballots!)
    # The keys `thidua keys rotate` adds (JSON, owner-readable only); empty means
    # data_dir/payload-keys.json. Every process (api, worker) reads the same file.
    payload_keyring: Path | None = None
    # The Temporal UI's address(es), allowed to call the engine's codec endpoint (/codec)
    # from an operator's browser; empty: the embedded UI (http://127.0.0.1:<ui port> and
    # http://localhost:<ui port>). Comma-separated origins, never "*".
    codec_allowed_origins: str = ""
    signing_key_passphrase: str = DEV_SIGNING_PASSPHRASE  # protects stored PKCS#12 keys
    access_token_minutes: int = 30
    session_cookie_minutes: int = 8 * 60
    # How long a one-time link to choose a password (first administrator, reset) works.
    password_link_hours: int = Field(default=24, ge=1, le=7 * 24)

    # Mail
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "Hệ thống Thi đua - Khen thưởng <thidua@thachkhoi.example.vn>"
    mail_enabled: bool = True

    # Rules
    catalogue_dir: Path = PROJECT_ROOT / "catalogue"
    city_override: str = "hai-phong"  # file name under catalogue/overrides, "" for none
    # Extra non-working / working days announced each year (ISO dates, comma separated)
    calendar_extra_holidays: str = ""
    calendar_extra_working_days: str = ""

    # Council: which conflicts of interest recuse a member from an agenda item
    # (self: the member is the nominee; household: same household; unit_head: the member
    # heads the nominee's unit).
    recusal_rules: str = "self,household,unit_head"

    # Signing: where the development CA and trusted roots live (default data_dir/pki)
    pki_path: Path | None = None
    # The audit trail's seal (issue 18): how often the Temporal Schedule "audit-seal"
    # signs the heads of every audit chain (0: no schedule is created).
    audit_seal_interval_hours: int = Field(default=24, ge=0)
    # Signing keys on a PKCS#11 device of the signing host (the worker's): an HSM or the
    # officials' USB tokens. The module is the device's PKCS#11 library (SoftHSM2:
    # /usr/lib/softhsm/libsofthsm2.so); the signers file (JSON, by username) names each
    # signer's token, key and certificate labels and the environment variable holding the
    # PIN (activities/signers.py). Empty: nobody signs with a token.
    pkcs11_module: str = ""
    pkcs11_signers: Path | None = None
    # Signing keys held by a remote signing service speaking the Cloud Signature
    # Consortium API (CSC v1, a "remote signing" / "ký số từ xa" provider): a JSON file by
    # username naming each signer's service URL, credential id and the environment
    # variables holding the service token and the credential PIN (activities/signers.py).
    csc_signers: Path | None = None
    # Signers who sign on their own computer, with their USB token and their CA's signing
    # agent (the key never reaches a server): a JSON file by username naming each one's
    # certificate (a PEM file with their certificate and its issuers). The engine
    # prepares what to sign and waits for the agent's answer (activities/external_signing.py).
    external_signers: Path | None = None
    # Server-held PKCS#12 keys (`thidua signer import`, the development CA) are for
    # development; production refuses them unless this says otherwise.
    allow_server_held_keys: bool = False
    # The RFC 3161 timestamp authority signatures are timestamped by (PAdES B-LT, issue
    # 18). Empty: the development timestamp authority of the development CA, in-process
    # (development and tests); production refuses to sign without one unless
    # THIDUA_ALLOW_DEVELOPMENT_TSA=true (a demonstration on the development CA). Signing
    # with a TSA URL fetches the certificates' revocation data (CRL/OCSP) to embed it.
    tsa_url: str = ""
    allow_development_tsa: bool = False

    # Uploads
    upload_max_bytes: int = 10 * 1024 * 1024
    upload_allowed_types: str = "application/pdf,image/jpeg,image/png"

    # Logging
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"

    # Demo data is seeded by `up` into an empty database.
    seed_demo: bool = True

    # Workflows a worker keeps in memory between their tasks. One evicted from this cache is
    # rebuilt from its whole history at its next task (a replay through the sandbox), so a
    # year-end burst with more nominations open at once than this costs far more CPU
    # (bench/README.md). Each cached workflow holds well under a MiB.
    worker_max_cached_workflows: int = Field(default=1000, ge=1)

    @field_validator("temporal_address")
    @classmethod
    def _temporal_address_shape(cls, value: str) -> str:
        if value != EMBEDDED and not _HOST_PORT.match(value):
            raise ValueError(
                f"'{value}' is not host:port (for example 127.0.0.1:7233) nor 'embedded'"
            )
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _trusted_proxies_are_addresses(cls, value: str) -> str:
        for item in (part.strip() for part in value.split(",")):
            if not item:
                continue
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"'{item}' is not an IP address or network (for example 172.18.0.0/16); "
                    "name the proxies, never '*'"
                ) from None
        return value

    @field_validator("pkcs11_signers", "csc_signers", "external_signers", mode="before")
    @classmethod
    def _empty_signers_file_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("payload_keyring", mode="before")
    @classmethod
    def _empty_keyring_is_the_default(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _refuse_default_secrets_outside_development(self) -> Settings:
        if self.environment == "production":
            defaults = {
                "THIDUA_SECRET_KEY": self.secret_key == DEV_SECRET_KEY,
                "THIDUA_PAYLOAD_ENCRYPTION_KEY": self.payload_encryption_key == DEV_PAYLOAD_KEY,
                "THIDUA_SIGNING_KEY_PASSPHRASE": self.signing_key_passphrase
                == DEV_SIGNING_PASSPHRASE,
            }
            still_default = [name for name, is_default in defaults.items() if is_default]
            if still_default:
                raise ValueError(
                    "production refuses the development defaults of "
                    + ", ".join(still_default)
                    + ": set them in the environment"
                )
            if len(self.secret_key) < 32:
                raise ValueError("THIDUA_SECRET_KEY must be at least 32 characters")
        return self

    # Derived values -------------------------------------------------------------------

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'thidua.sqlite3'}"

    @property
    def temporal_is_embedded(self) -> bool:
        return self.temporal_address == EMBEDDED

    @property
    def resolved_temporal_address(self) -> str:
        if self.temporal_is_embedded:
            return f"127.0.0.1:{self.temporal_embedded_port}"
        return self.temporal_address

    @property
    def resolved_public_base_url(self) -> str:
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        host = "127.0.0.1" if self.http_host in ("0.0.0.0", "::") else self.http_host
        return f"http://{host}:{self.http_port}"

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [part.strip() for part in self.trusted_proxies.split(",") if part.strip()]

    @property
    def allowed_upload_types(self) -> frozenset[str]:
        return frozenset(t.strip() for t in self.upload_allowed_types.split(",") if t.strip())

    @property
    def codec_origins(self) -> frozenset[str]:
        given = [o.strip().rstrip("/") for o in self.codec_allowed_origins.split(",")]
        if any(given):
            return frozenset(o for o in given if o and o != "*")
        port = self.temporal_ui_port
        return frozenset({f"http://127.0.0.1:{port}", f"http://localhost:{port}"})

    @property
    def payload_keyring_path(self) -> Path:
        return self.payload_keyring or self.data_dir / "payload-keys.json"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def pki_dir(self) -> Path:
        return self.pki_path or self.data_dir / "pki"


def redacted(settings: Settings) -> dict[str, object]:
    """The settings as a dict fit for logs: secrets and passwords masked."""
    masked = {"secret_key", "payload_encryption_key", "signing_key_passphrase", "smtp_password"}
    values = settings.model_dump()
    for name in masked:
        if values.get(name):
            values[name] = "***"
    url = values.get("database_url") or ""
    values["database_url"] = re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", str(url))
    return values


@lru_cache
def get_settings() -> Settings:
    return Settings()


__all__ = ["Settings", "get_settings", "redacted", "EMBEDDED", "Field"]
