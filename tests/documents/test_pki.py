"""Signing identities: the development CA is made once and reused, every chairman and
vice-chairman gets a certificate once, and an operator's real PKCS#12 replaces it with
clear errors for a wrong password or an expired certificate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from sqlalchemy import select

from models import SigningIdentity
from tests.clock import machine_now
from thidua.db import transaction
from thidua.pki import (
    SigningIdentityError,
    active_identity,
    ensure_dev_ca,
    ensure_dev_identities,
    import_pkcs12,
    issue_dev_certificate,
    pack_pkcs12,
    trust_roots,
)

from ..conftest import make_settings

SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _operator_p12(settings, *, expired: bool = False, password: bytes = b"mat-khau") -> bytes:
    """A PKCS#12 as a certificate provider would hand it over (here from the dev CA)."""
    ca_cert, ca_key = ensure_dev_ca(settings)
    cert, key = issue_dev_certificate(
        ca_cert,
        ca_key,
        common="Tăng Văn Quân",
        organisation="Ủy ban nhân dân phường Thạch Khôi",
        valid_days=365,
        valid_from=machine_now() - timedelta(days=400) if expired else None,
    )
    return pack_pkcs12(key, cert, [ca_cert], password)


def test_the_development_ca_is_created_once_and_reused(tmp_path):
    settings = make_settings("sqlite+aiosqlite:///unused", tmp_path, pki_path=tmp_path / "pki")
    first_cert, _ = ensure_dev_ca(settings)
    second_cert, _ = ensure_dev_ca(settings)
    assert first_cert == second_cert
    assert first_cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    key_file = settings.pki_dir / "dev-ca" / "ca-key.pem"
    assert b"ENCRYPTED PRIVATE KEY" in key_file.read_bytes()
    assert trust_roots(settings) == [first_cert]

    # A restart with another passphrase cannot open the key: a clear error, not a new CA.
    changed = make_settings(
        "sqlite+aiosqlite:///unused",
        tmp_path,
        pki_path=tmp_path / "pki",
        signing_key_passphrase="another-passphrase",
    )
    with pytest.raises(SigningIdentityError) as raised:
        ensure_dev_ca(changed)
    assert raised.value.field == "signing_key_passphrase"


def test_trusted_roots_include_the_operators_pem_files(tmp_path):
    settings = make_settings("sqlite+aiosqlite:///unused", tmp_path, pki_path=tmp_path / "pki")
    dev_ca, key = ensure_dev_ca(settings)
    other, _ = issue_dev_certificate(dev_ca, key, common="Root khác", organisation="Nhà cung cấp")
    (settings.pki_dir / "trusted").mkdir()
    (settings.pki_dir / "trusted" / "provider.pem").write_bytes(
        other.public_bytes(serialization.Encoding.PEM)
    )
    assert trust_roots(settings) == [dev_ca, other]


@SQLITE
async def test_every_signer_gets_one_development_identity(doc_factory, doc_settings, world):
    assert await ensure_dev_identities(doc_factory, doc_settings) == 2
    assert await ensure_dev_identities(doc_factory, doc_settings) == 0
    async with doc_factory() as session:
        identities = (await session.execute(select(SigningIdentity))).scalars().all()
    by_user = {i.user_id: i for i in identities}
    assert set(by_user) == {world.chairman.id, world.vice_chairman.id}
    chairman = by_user[world.chairman.id]
    assert chairman.source == "dev_ca" and chairman.active
    assert chairman.authority_id == world.authority.id
    cert = x509.load_pem_x509_certificate(chairman.certificate_pem.encode())
    assert (
        cert.subject.rfc4514_string() == "C=VN,O=Ủy ban nhân dân phường Thạch Khôi,CN=Tăng Văn Quân"
    )
    # The key rests encrypted with the engine's passphrase.
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(chairman.pkcs12, b"wrong")
    key, loaded, _ = pkcs12.load_key_and_certificates(
        chairman.pkcs12, doc_settings.signing_key_passphrase.encode()
    )
    assert key is not None and loaded == cert


@SQLITE
async def test_an_imported_certificate_replaces_the_previous_identity(
    doc_factory, doc_settings, world
):
    await ensure_dev_identities(doc_factory, doc_settings)
    data = _operator_p12(doc_settings)
    async with transaction(doc_factory) as session:
        imported = await import_pkcs12(
            session,
            user_id=world.chairman.id,
            authority_id=world.authority.id,
            data=data,
            password="mat-khau",
            settings=doc_settings,
        )
        imported_id = imported.id
    async with doc_factory() as session:
        active = await active_identity(
            session, user_id=world.chairman.id, authority_id=world.authority.id
        )
        assert active.id == imported_id and active.source == "imported"
        all_of_chairman = (
            (
                await session.execute(
                    select(SigningIdentity).where(SigningIdentity.user_id == world.chairman.id)
                )
            )
            .scalars()
            .all()
        )
        assert sorted(i.active for i in all_of_chairman) == [False, True]
        # Re-encrypted: the operator's password no longer opens it, the engine's does.
        with pytest.raises(ValueError):
            pkcs12.load_key_and_certificates(active.pkcs12, b"mat-khau")
        pkcs12.load_key_and_certificates(
            active.pkcs12, doc_settings.signing_key_passphrase.encode()
        )
    # Importing the same file again is harmless.
    async with transaction(doc_factory) as session:
        again = await import_pkcs12(
            session,
            user_id=world.chairman.id,
            authority_id=world.authority.id,
            data=data,
            password="mat-khau",
            settings=doc_settings,
        )
        assert again.id == imported_id


@SQLITE
async def test_import_errors_name_the_field(doc_factory, doc_settings, world):
    async def attempt(data: bytes, password: str) -> SigningIdentityError:
        with pytest.raises(SigningIdentityError) as raised:
            async with transaction(doc_factory) as session:
                await import_pkcs12(
                    session,
                    user_id=world.chairman.id,
                    authority_id=world.authority.id,
                    data=data,
                    password=password,
                    settings=doc_settings,
                )
        return raised.value

    wrong = await attempt(_operator_p12(doc_settings), "khong-dung")
    assert wrong.field == "password" and "Mật khẩu" in wrong.message_vi

    expired = await attempt(_operator_p12(doc_settings, expired=True), "mat-khau")
    assert expired.field == "file" and "hết hạn" in expired.message_vi

    garbage = await attempt(b"not a certificate", "x")
    assert garbage.field == "file" and "PKCS#12" in garbage.message_vi

    ca_cert, ca_key = ensure_dev_ca(doc_settings)
    only_cert = pkcs12.serialize_key_and_certificates(
        b"x", None, None, [ca_cert], serialization.BestAvailableEncryption(b"mat-khau")
    )
    missing_key = await attempt(only_cert, "mat-khau")
    assert missing_key.field == "file" and "khóa bí mật" in missing_key.message_vi

    async with doc_factory() as session:
        assert (await session.execute(select(SigningIdentity))).first() is None


def test_a_certificate_without_signing_usage_is_refused(tmp_path):
    from thidua.pki import check_usable

    settings = make_settings("sqlite+aiosqlite:///unused", tmp_path, pki_path=tmp_path / "pki")
    ca_cert, _ = ensure_dev_ca(settings)  # a CA certificate: key usage is certificate signing
    with pytest.raises(SigningIdentityError) as raised:
        check_usable(ca_cert)
    assert "ký số" in raised.value.message_vi
    assert ca_cert.not_valid_after_utc > machine_now() + timedelta(days=365)
