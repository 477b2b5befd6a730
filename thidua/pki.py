"""Signing identities: a development certificate authority, the demo signers'
certificates, and the import of operators' real PKCS#12 files.

Every private key rests in the database as PKCS#12 encrypted with
``settings.signing_key_passphrase``; the development CA lives under ``settings.pki_dir``
(its key encrypted with the same passphrase). Documents are verified against
``trust_roots(settings)``: the development CA plus any PEM file an operator drops into
``pki_dir/trusted`` (the root of the real certificates they import).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import format_vn_date
from domain.vocabulary import Role
from models import Authority, RoleGrant, SigningIdentity, User

from .db import SessionFactory, create_engine, create_session_factory, transaction
from .settings import Settings

DEV_CA_FOLDER = "dev-ca"
TRUSTED_FOLDER = "trusted"
DEV_CA_COMMON_NAME = "CA phát triển Thi đua - Khen thưởng (thử nghiệm)"
DEV_CA_YEARS = 20
DEV_SIGNER_YEARS = 6  # past 2031 for a CA made in 2026 (issue 18: B-LT signatures)
DEV_TSA_YEARS = 10
DEV_TSA_FILE = "tsa.pem"  # the development timestamp authority: certificate and key
DEV_CRL_DAYS = 7
DEV_REVOKED_FILE = "revoked.json"  # the development CA's revocations, by serial number
SIGNER_ROLES = (Role.CHAIRMAN, Role.VICE_CHAIRMAN)


class SigningIdentityError(ValueError):
    """A signing identity cannot be imported or used; names the input at fault."""

    def __init__(self, field: str, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.field = field
        self.message_vi = message_vi
        self.message_en = message_en


# ---------------------------------------------------------------------------------------
# Certificates


def certificate_sha256(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def subject_text(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()


def _passphrase(settings: Settings) -> bytes:
    return settings.signing_key_passphrase.encode("utf-8")


def _fit(text: str, limit: int = 64) -> str:
    """X.509 limits CN and O to 64 bytes of UTF-8; Vietnamese letters take two or three."""
    while len(text.encode("utf-8")) > limit:
        text = text[:-1]
    return text.strip()


def _name(common: str, organisation: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, _fit(common))]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)))
    attributes.append(x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"))
    return x509.Name(attributes)


def _key_usage(*, signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signer,
        content_commitment=signer,  # non-repudiation: the signer stands by the content
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signer,
        crl_sign=not signer,
        encipher_only=False,
        decipher_only=False,
    )


def _new_ca() -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = _name(DEV_CA_COMMON_NAME, "thidua development")
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * DEV_CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signer=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def ensure_dev_ca(settings: Settings) -> tuple[x509.Certificate, PrivateKeyTypes]:
    """The development CA, created on first use and reused afterwards.

    Creation is race-safe between processes (the API and the worker may start together):
    the CA is written to a private folder that is then renamed into place; whoever
    renames second finds the folder taken and loads the winner's CA."""
    folder = settings.pki_dir / DEV_CA_FOLDER
    if not (folder / "ca.pem").exists():
        settings.pki_dir.mkdir(parents=True, exist_ok=True)
        cert, key = _new_ca()
        staging = Path(tempfile.mkdtemp(dir=settings.pki_dir, prefix=".dev-ca-"))
        try:
            (staging / "ca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
            key_pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(_passphrase(settings)),
            )
            key_file = staging / "ca-key.pem"
            key_file.write_bytes(key_pem)
            os.chmod(key_file, 0o600)
            try:
                os.rename(staging, folder)
            except OSError:
                if not (folder / "ca.pem").exists():
                    raise
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    cert = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes())
    try:
        key = serialization.load_pem_private_key(
            (folder / "ca-key.pem").read_bytes(), password=_passphrase(settings)
        )
    except ValueError as exc:
        raise SigningIdentityError(
            "signing_key_passphrase",
            "Không mở được khóa của CA phát triển: mật khẩu ký số (THIDUA_SIGNING_KEY_PASSPHRASE) đã thay đổi?",
            "Cannot open the development CA key: did THIDUA_SIGNING_KEY_PASSPHRASE change?",
        ) from exc
    return cert, key


def ensure_dev_tsa(settings: Settings) -> tuple[x509.Certificate, PrivateKeyTypes]:
    """The development timestamp authority's certificate (issued by the development CA,
    extended key usage timeStamping only) and key, created on first use.

    Certificate and encrypted key share one file, linked into place so that two
    processes creating it at once both end up with the same pair."""
    ca_cert, ca_key = ensure_dev_ca(settings)
    target = settings.pki_dir / DEV_CA_FOLDER / DEV_TSA_FILE
    if not target.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(
                _name("TSA phát triển Thi đua - Khen thưởng (thử nghiệm)", "thidua development")
            )
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(max(now - timedelta(days=1), ca_cert.not_valid_before_utc))
            .not_valid_after(
                min(now + timedelta(days=365 * DEV_TSA_YEARS), ca_cert.not_valid_after_utc)
            )
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(signer=True), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
        )
        pem = cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(_passphrase(settings)),
        )
        fd, staging = tempfile.mkstemp(dir=target.parent, prefix=".tsa-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
            os.chmod(staging, 0o600)
            try:
                os.link(staging, target)
            except FileExistsError:
                pass  # another process won: use its pair
        finally:
            os.unlink(staging)
    data = target.read_bytes()
    cert = x509.load_pem_x509_certificate(data)
    key_pem = data[data.index(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") :]
    return cert, serialization.load_pem_private_key(key_pem, password=_passphrase(settings))


def dev_ca_crl(
    settings: Settings, *, now: datetime | None = None
) -> x509.CertificateRevocationList:
    """A fresh certificate revocation list of the development CA (machine clock), to be
    embedded in signatures: this update a few minutes back, the next in ``DEV_CRL_DAYS``.
    It lists what ``revoke_dev_certificate`` revoked (a deactivated identity is not
    revoked: its certificate stays good for what it signed)."""
    ca_cert, ca_key = ensure_dev_ca(settings)
    now = now or datetime.now(UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - timedelta(minutes=5))
        .next_update(now + timedelta(days=DEV_CRL_DAYS))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
    )
    for revocation in dev_revocations(settings):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(revocation.serial_number)
            .revocation_date(revocation.revoked_at)
            .add_extension(x509.CRLReason(revocation.reason), critical=False)
            .build()
        )
    return builder.sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]


@dataclass(frozen=True)
class DevRevocation:
    serial_number: int
    revoked_at: datetime
    reason: x509.ReasonFlags


def dev_revocations(settings: Settings) -> list[DevRevocation]:
    """What the development CA revoked (``pki_dir/dev-ca/revoked.json``), oldest first."""
    path = settings.pki_dir / DEV_CA_FOLDER / DEV_REVOKED_FILE
    if not path.exists():
        return []
    raw = json.loads(path.read_text(encoding="utf-8"))
    revocations = [
        DevRevocation(
            serial_number=int(serial, 16),
            revoked_at=datetime.fromisoformat(entry["revoked_at"]),
            reason=x509.ReasonFlags(entry.get("reason", "unspecified")),
        )
        for serial, entry in raw.items()
    ]
    return sorted(revocations, key=lambda r: r.revoked_at)


def revoke_dev_certificate(
    settings: Settings,
    cert: x509.Certificate,
    *,
    revoked_at: datetime,
    reason: x509.ReasonFlags = x509.ReasonFlags.key_compromise,
) -> None:
    """Revoke a certificate of the development CA as of ``revoked_at`` (which may lie in
    the past: a key found compromised today was compromised since then). Its CRLs list it
    from now on; signatures made after ``revoked_at`` verify as revoked, and it can no
    longer sign. A second call for the same certificate replaces the first."""
    ca_cert, _ = ensure_dev_ca(settings)
    if cert.issuer != ca_cert.subject:
        raise SigningIdentityError(
            "certificate",
            "Chứng thư số không do CA phát triển cấp: chỉ nhà cung cấp đã cấp mới thu hồi được",
            "The certificate was not issued by the development CA: only its issuer revokes it",
        )
    folder = settings.pki_dir / DEV_CA_FOLDER
    path = folder / DEV_REVOKED_FILE
    raw = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    raw[f"{cert.serial_number:x}"] = {
        "revoked_at": revoked_at.astimezone(UTC).isoformat(),
        "reason": reason.value,
        "subject": subject_text(cert),
    }
    fd, staging = tempfile.mkstemp(dir=folder, prefix=".revoked-")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(raw, out, ensure_ascii=False, indent=1)
    os.replace(staging, path)


def trust_roots(settings: Settings) -> list[x509.Certificate]:
    """The certificates a signature must chain to: the development CA (when one exists)
    and every certificate in the PEM files of ``pki_dir/trusted``."""
    roots: list[x509.Certificate] = []
    dev_ca = settings.pki_dir / DEV_CA_FOLDER / "ca.pem"
    if dev_ca.exists():
        roots.append(x509.load_pem_x509_certificate(dev_ca.read_bytes()))
    trusted = settings.pki_dir / TRUSTED_FOLDER
    if trusted.is_dir():
        for pem in sorted([*trusted.glob("*.pem"), *trusted.glob("*.crt")]):
            roots.extend(x509.load_pem_x509_certificates(pem.read_bytes()))
    return roots


def issue_dev_certificate(
    ca_cert: x509.Certificate,
    ca_key: PrivateKeyTypes,
    *,
    common: str,
    organisation: str,
    valid_days: int = 365 * DEV_SIGNER_YEARS,
    valid_from: datetime | None = None,
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A signer certificate (CN = the person, O = the authority, C = VN) from ``ca_cert``,
    valid ``valid_days`` from ``valid_from`` (default: now, backdated a day for clocks)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = valid_from or datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common, organisation))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=0 if valid_from else 1))
        .not_valid_after(now + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signer=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return cert, key


def pack_pkcs12(
    key: PrivateKeyTypes,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    passphrase: bytes,
    friendly_name: str = "thidua signer",
) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode("utf-8"),
        key,  # type: ignore[arg-type]
        cert,
        chain or None,
        serialization.BestAvailableEncryption(passphrase),
    )


@dataclass(frozen=True)
class UnpackedIdentity:
    key: PrivateKeyTypes
    certificate: x509.Certificate
    chain: list[x509.Certificate]


def unpack_pkcs12(data: bytes, password: str | bytes | None) -> UnpackedIdentity:
    """Open a PKCS#12 file; a clear error names the input at fault."""
    try:
        asn1_pkcs12.Pfx.load(data)["auth_safe"]  # a cheap structural check
    except Exception as exc:
        raise SigningIdentityError(
            "file",
            "Tệp không phải là tệp chứng thư số PKCS#12 (.p12, .pfx)",
            "The file is not a PKCS#12 (.p12, .pfx) certificate file",
        ) from exc
    secret = password.encode("utf-8") if isinstance(password, str) else password
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, secret or None)
    except ValueError as exc:
        raise SigningIdentityError(
            "password",
            "Mật khẩu của tệp chứng thư số không đúng",
            "Wrong password for the PKCS#12 file",
        ) from exc
    if key is None or cert is None:
        raise SigningIdentityError(
            "file",
            "Tệp chứng thư số phải chứa cả chứng thư và khóa bí mật của người ký",
            "The PKCS#12 file must hold both the signer's certificate and private key",
        )
    return UnpackedIdentity(key=key, certificate=cert, chain=list(chain))


def check_usable(cert: x509.Certificate, *, now: datetime | None = None) -> None:
    """Refuse a certificate that cannot sign today: expired, not yet valid, or whose
    key usage forbids signatures."""
    now = now or datetime.now(UTC)
    if cert.not_valid_after_utc <= now:
        raise SigningIdentityError(
            "file",
            f"Chứng thư số đã hết hạn ngày {format_vn_date(cert.not_valid_after_utc)}",
            f"The certificate expired on {cert.not_valid_after_utc:%Y-%m-%d}",
        )
    if cert.not_valid_before_utc > now:
        raise SigningIdentityError(
            "file",
            f"Chứng thư số chỉ có hiệu lực từ ngày {format_vn_date(cert.not_valid_before_utc)}",
            f"The certificate is valid only from {cert.not_valid_before_utc:%Y-%m-%d}",
        )
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.content_commitment):
        raise SigningIdentityError(
            "file",
            "Chứng thư số không được phép dùng để ký (thiếu mục đích ký số)",
            "The certificate's key usage does not allow signing",
        )


# ---------------------------------------------------------------------------------------
# Identities in the database


def _identity_row(
    *, user_id: int | None, authority_id: int, cert: x509.Certificate, p12: bytes, source: str
) -> SigningIdentity:
    return SigningIdentity(
        user_id=user_id,
        authority_id=authority_id,
        subject=subject_text(cert),
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        certificate_sha256=certificate_sha256(cert),
        pkcs12=p12,
        source=source,
        not_after=cert.not_valid_after_utc,
        active=True,
    )


async def ensure_dev_identities(session_factory: SessionFactory, settings: Settings) -> int:
    """Give every chairman and vice-chairman without an active signing identity one from
    the development CA, and every authority with a clerk (văn thư) its organisation's
    identity (``organisation_identity``). Returns how many were created; a second call
    creates none."""
    ca_cert, ca_key = await asyncio.to_thread(ensure_dev_ca, settings)
    async with transaction(session_factory) as session:
        signers = (
            await session.execute(
                select(User.id, User.full_name, Authority.id, Authority.name)
                .join(RoleGrant, RoleGrant.user_id == User.id)
                .join(Authority, Authority.unit_id == RoleGrant.unit_id)
                .where(RoleGrant.role.in_(SIGNER_ROLES), User.is_active.is_(True))
                .distinct()
                .order_by(User.id, Authority.id)
            )
        ).all()
        equipped = set(
            await session.execute(
                select(SigningIdentity.user_id, SigningIdentity.authority_id).where(
                    SigningIdentity.active.is_(True)
                )
            )
        )
        missing: list[tuple[int | None, str, int, str]] = [
            (row[0], row[1], row[2], row[3]) for row in signers if (row[0], row[2]) not in equipped
        ]
        # The organisation's own certificate (CN = O = the authority's name) for each
        # authority with a clerk (văn thư), who applies it when issuing.
        with_clerk = (
            await session.execute(
                select(Authority.id, Authority.name)
                .join(RoleGrant, RoleGrant.unit_id == Authority.unit_id)
                .join(User, User.id == RoleGrant.user_id)
                .where(RoleGrant.role == Role.CLERK, User.is_active.is_(True))
                .distinct()
                .order_by(Authority.id)
            )
        ).all()
        missing += [
            (None, name, authority_id, name)
            for authority_id, name in with_clerk
            if (None, authority_id) not in equipped
        ]
        for user_id, full_name, authority_id, authority_name in missing:
            cert, key = await asyncio.to_thread(
                issue_dev_certificate,
                ca_cert,
                ca_key,
                common=full_name,
                organisation=authority_name,
            )
            p12 = pack_pkcs12(key, cert, [ca_cert], _passphrase(settings), full_name)
            session.add(
                _identity_row(
                    user_id=user_id, authority_id=authority_id, cert=cert, p12=p12, source="dev_ca"
                )
            )
        return len(missing)


async def import_pkcs12(
    session: AsyncSession,
    *,
    user_id: int | None,
    authority_id: int,
    data: bytes,
    password: str,
    settings: Settings,
) -> SigningIdentity:
    """Make an operator's real certificate the user's signing identity for the authority.

    The key is re-encrypted with the engine's passphrase; the user's previous identities
    for that authority are deactivated. Raises ``SigningIdentityError`` naming the field
    (``file``, ``password``, ``user_id``, ``authority_id``). The caller commits.
    Without ``user_id``: the authority's own identity (``organisation_identity``)."""
    if user_id is not None and await session.get(User, user_id) is None:
        raise SigningIdentityError(
            "user_id", f"Không có người dùng số {user_id}", f"No user with id {user_id}"
        )
    if await session.get(Authority, authority_id) is None:
        raise SigningIdentityError(
            "authority_id",
            f"Không có cơ quan ban hành số {authority_id}",
            f"No authority with id {authority_id}",
        )
    unpacked = unpack_pkcs12(data, password)
    check_usable(unpacked.certificate)
    p12 = pack_pkcs12(
        unpacked.key,
        unpacked.certificate,
        unpacked.chain,
        _passphrase(settings),
        common_name(unpacked.certificate),
    )
    digest = certificate_sha256(unpacked.certificate)
    await session.execute(
        update(SigningIdentity)
        .where(
            SigningIdentity.user_id.is_(None)
            if user_id is None
            else SigningIdentity.user_id == user_id,
            SigningIdentity.authority_id == authority_id,
            SigningIdentity.certificate_sha256 != digest,
        )
        .values(active=False)
    )
    existing = (
        await session.execute(
            select(SigningIdentity).where(SigningIdentity.certificate_sha256 == digest)
        )
    ).scalar_one_or_none()
    if existing is not None:
        if existing.user_id != user_id:
            raise SigningIdentityError(
                "file",
                "Chứng thư số này đã được gán cho một người dùng khác",
                "This certificate already belongs to another user",
            )
        existing.authority_id = authority_id
        existing.pkcs12 = p12
        existing.source = "imported"
        existing.active = True
        await session.flush()
        return existing
    identity = _identity_row(
        user_id=user_id,
        authority_id=authority_id,
        cert=unpacked.certificate,
        p12=p12,
        source="imported",
    )
    session.add(identity)
    await session.flush()
    return identity


async def active_identity(
    session: AsyncSession, *, user_id: int, authority_id: int
) -> SigningIdentity | None:
    return (
        await session.execute(
            select(SigningIdentity)
            .where(
                SigningIdentity.user_id == user_id,
                SigningIdentity.authority_id == authority_id,
                SigningIdentity.active.is_(True),
            )
            .order_by(SigningIdentity.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def organisation_identity(
    session: AsyncSession, *, authority_id: int
) -> SigningIdentity | None:
    """The authority's own signing identity (no person), which its clerks apply."""
    return (
        await session.execute(
            select(SigningIdentity)
            .where(
                SigningIdentity.user_id.is_(None),
                SigningIdentity.authority_id == authority_id,
                SigningIdentity.active.is_(True),
            )
            .order_by(SigningIdentity.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


def organisation_signer_name(authority_id: int) -> str:
    """The organisation's entry in the PKCS#11 signers file (``THIDUA_PKCS11_SIGNERS``):
    its token or HSM key, used by every clerk of the authority."""
    return f"org:{authority_id}"


async def import_signer(
    settings: Settings,
    *,
    username: str,
    pkcs12_path: Path,
    password: str,
    authority_id: int | None = None,
) -> SigningIdentity:
    """For the CLI: import ``pkcs12_path`` as the signing identity of ``username``.

    Without ``authority_id`` the authority is the one where the user is chairman or
    vice-chairman (it must be exactly one)."""
    engine = create_engine(settings.resolved_database_url, pool_size=1)
    try:
        async with transaction(create_session_factory(engine)) as session:
            user = (
                await session.execute(select(User).where(User.username == username))
            ).scalar_one_or_none()
            if user is None:
                raise SigningIdentityError(
                    "username",
                    f"Không có người dùng '{username}'",
                    f"No user named '{username}'",
                )
            if authority_id is None:
                candidates = (
                    (
                        await session.execute(
                            select(Authority.id)
                            .join(RoleGrant, RoleGrant.unit_id == Authority.unit_id)
                            .where(RoleGrant.user_id == user.id, RoleGrant.role.in_(SIGNER_ROLES))
                            .distinct()
                        )
                    )
                    .scalars()
                    .all()
                )
                if len(candidates) != 1:
                    raise SigningIdentityError(
                        "authority_id",
                        "Cần chỉ rõ cơ quan ban hành: người dùng là Chủ tịch/Phó Chủ tịch của "
                        f"{len(candidates)} cơ quan",
                        f"Name the authority: the user signs for {len(candidates)} authorities",
                    )
                authority_id = candidates[0]
            try:
                data = await asyncio.to_thread(Path(pkcs12_path).read_bytes)
            except OSError as exc:
                raise SigningIdentityError(
                    "file", f"Không đọc được tệp {pkcs12_path}", f"Cannot read {pkcs12_path}: {exc}"
                ) from exc
            return await import_pkcs12(
                session,
                user_id=user.id,
                authority_id=authority_id,
                data=data,
                password=password,
                settings=settings,
            )
    finally:
        await engine.dispose()
