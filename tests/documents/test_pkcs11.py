"""The official's own key: a decision signed on a PKCS#11 token (SoftHSM2, as Debian ships
it, standing in for the government CA's USB token or an HSM) verifies as the chairman's,
and production refuses the server-held PKCS#12 unless told otherwise.

The token lives in this run's temporary folder (SOFTHSM2_CONF points there); the
chairman's key and certificate come from the development CA and are written into it
as a sensitive, non-extractable key, the way a CA's token holds them."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import func, select
from temporalio.exceptions import ApplicationError

from activities.documents.renderer import render_html_to_pdf
from activities.signers import (
    Pkcs11Entry,
    Pkcs11Key,
    SignerConfigurationError,
    load_pkcs11_entries,
)
from activities.signing import sign_pdf
from api.services.verification import VerificationStatus, verify_pdf
from domain.vocabulary import DecisionStatus, SignerCapacity
from models import Decision, Document, SigningIdentity
from tests.clock import machine_now
from thidua.db import transaction
from thidua.pki import (
    certificate_sha256,
    ensure_dev_ca,
    ensure_dev_identities,
    issue_dev_certificate,
)
from thidua.settings import Settings

from .factories import World, add_decision, add_nomination
from .helpers import flip_one_signed_byte, issue, stored_pdf
from .pdftools import pdf_text

SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL = "UBND Thach Khoi"
USER_PIN = "204812"
SO_PIN = "20481632"
PIN_ENV = "THIDUA_TEST_PKCS11_PIN"


@dataclass(frozen=True)
class SoftToken:
    module: str
    label: str
    pin: str
    conf: Path


@pytest.fixture(scope="session")
def soft_token(tmp_root: Path) -> Iterator[SoftToken]:
    """One SoftHSM2 token for the run, made before this process loads the module (SoftHSM
    reads SOFTHSM2_CONF once, when it is initialised)."""
    tool = shutil.which("softhsm2-util")
    if tool is None or not Path(SOFTHSM_MODULE).is_file():
        pytest.skip("SoftHSM2 is not installed (apt-get install softhsm2; scripts/setup.sh --test)")
    pytest.importorskip("pkcs11", reason="python-pkcs11 is not installed (pyhanko[pkcs11])")
    folder = tmp_root / "softhsm"
    (folder / "tokens").mkdir(parents=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [tool, "--init-token", "--free", "--label", TOKEN_LABEL, "--pin", USER_PIN]
        + ["--so-pin", SO_PIN],
        check=True,
        capture_output=True,
    )
    yield SoftToken(module=SOFTHSM_MODULE, label=TOKEN_LABEL, pin=USER_PIN, conf=conf)
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


def put_on_token(token: SoftToken, key, cert: x509.Certificate, label: str) -> None:
    """Write a private key (sensitive, never extractable) and its certificate into the
    token under ``label``, as a CA does when it issues a token."""
    import pkcs11
    from pkcs11 import Attribute, ObjectClass
    from pkcs11.util.rsa import decode_rsa_private_key
    from pkcs11.util.x509 import decode_x509_certificate

    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    object_id = certificate_sha256(cert)[:16].encode("ascii")
    with (
        pkcs11.lib(token.module)
        .get_token(token_label=token.label)
        .open(rw=True, user_pin=token.pin) as session
    ):
        session.create_object(
            {
                **decode_rsa_private_key(key_der),
                Attribute.TOKEN: True,
                Attribute.PRIVATE: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.LABEL: label,
                Attribute.ID: object_id,
            }
        )
        session.create_object(
            {
                **decode_x509_certificate(cert.public_bytes(serialization.Encoding.DER)),
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.TOKEN: True,
                Attribute.LABEL: label,
                Attribute.ID: object_id,
            }
        )


def chairman_on_token(
    token: SoftToken, settings: Settings, world: World, label: str
) -> x509.Certificate:
    """The chairman's certificate from the development CA, key and certificate on the
    token; returns the certificate."""
    ca_cert, ca_key = ensure_dev_ca(settings)
    cert, key = issue_dev_certificate(
        ca_cert, ca_key, common=world.chairman.full_name, organisation=world.authority.name
    )
    put_on_token(token, key, cert, label)
    return cert


def with_signers_file(
    settings: Settings, tmp_path: Path, signers: dict[str, dict[str, str]], **overrides
) -> Settings:
    path = tmp_path / "pkcs11-signers.json"
    path.write_text(json.dumps(signers), encoding="utf-8")
    return settings.model_copy(update={"pkcs11_signers": path, **overrides})


def _validate(pdf: bytes, roots: list[x509.Certificate]):
    reader = PdfFileReader(io.BytesIO(pdf))
    context = ValidationContext(
        trust_roots=[
            asn1_x509.Certificate.load(r.public_bytes(serialization.Encoding.DER)) for r in roots
        ]
    )
    return validate_pdf_signature(reader.embedded_signatures[0], context)


async def _decision(doc_factory, world: World) -> Decision:
    async with transaction(doc_factory) as session:
        return await add_decision(
            session,
            world,
            [
                await add_nomination(session, world, name=name)
                for name in ("Nguyễn Thị Hoa", "Trần Văn Dũng")
            ],
        )


@SQLITE
async def test_a_decision_signed_on_the_chairmans_token_verifies_as_his(
    doc_factory, doc_settings, world, soft_token, tmp_path, monkeypatch
):
    cert = chairman_on_token(soft_token, doc_settings, world, "chu-tich-1")
    monkeypatch.setenv(PIN_ENV, soft_token.pin)
    # Production, no server-held key allowed: the token is the only way to sign.
    settings = with_signers_file(
        doc_settings,
        tmp_path,
        {
            "chutich": {
                "token_label": soft_token.label,
                "key_label": "chu-tich-1",
                "pin_env": PIN_ENV,
            }
        },
        pkcs11_module=soft_token.module,
        environment="production",
        allow_server_held_keys=False,
        allow_development_tsa=True,  # PAdES B-LT on the development CA (issue 18)
    )
    decision = await _decision(doc_factory, world)

    issued = await issue(doc_factory, settings, decision.id, world.chairman)

    pdf = await stored_pdf(doc_factory, settings, issued.document_id)
    # pyHanko's validator, as an outside party runs it: intact, trusted, the chairman's.
    dev_ca, _ = ensure_dev_ca(settings)
    status = await asyncio.to_thread(_validate, pdf, [dev_ca])
    assert status.intact and status.valid and status.trusted and status.bottom_line
    # PAdES B-LT: only the revocation data (DSS) follows the signed revision.
    assert status.coverage.name == "ENTIRE_REVISION"
    assert status.modification_level.name == "LTA_UPDATES"
    assert status.signing_cert.sha256.hex() == certificate_sha256(cert)
    assert "Tăng Văn Quân" in status.signing_cert.subject.human_friendly
    # The engine's own verification: an authentic decision of this engine, his signature.
    async with doc_factory() as session:
        report = await verify_pdf(session, pdf, settings, now=machine_now())
        document = await session.get(Document, issued.document_id)
        server_held = await session.scalar(
            select(func.count())
            .select_from(SigningIdentity)
            .where(SigningIdentity.user_id == world.chairman.id)
        )
    assert report.status == VerificationStatus.AUTHENTIC
    assert report.signer_name == "Tăng Văn Quân"
    assert document.signer_certificate_sha256 == certificate_sha256(cert)
    assert server_held == 0  # no copy of his key anywhere on the server


@SQLITE
async def test_the_vice_chairman_signs_for_the_chairman_with_his_own_token(
    doc_factory, doc_settings, world, soft_token, tmp_path, monkeypatch
):
    """Delegated signing (KT. CHỦ TỊCH): the vice-chairman signs with the key on his own
    token, never the chairman's; the decision says on whose behalf."""
    ca_cert, ca_key = ensure_dev_ca(doc_settings)
    cert, key = issue_dev_certificate(
        ca_cert, ca_key, common=world.vice_chairman.full_name, organisation=world.authority.name
    )
    put_on_token(soft_token, key, cert, "pho-chu-tich-1")
    monkeypatch.setenv(PIN_ENV, soft_token.pin)
    settings = with_signers_file(
        doc_settings,
        tmp_path,
        {
            world.vice_chairman.username: {
                "token_label": soft_token.label,
                "key_label": "pho-chu-tich-1",
                "pin_env": PIN_ENV,
            }
        },
        pkcs11_module=soft_token.module,
        environment="production",
        allow_server_held_keys=False,
        allow_development_tsa=True,
    )
    decision = await _decision(doc_factory, world)

    issued = await issue(
        doc_factory, settings, decision.id, world.vice_chairman, SignerCapacity.DEPUTY
    )

    pdf = await stored_pdf(doc_factory, settings, issued.document_id)
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Thị Thanh Hương" in pdf_text(pdf)
    # Checked long after his certificate expired: valid as of its timestamp (B-LT).
    after_expiry = cert.not_valid_after_utc + timedelta(days=400)
    async with doc_factory() as session:
        report = await verify_pdf(session, pdf, settings, now=after_expiry)
        tampered = await verify_pdf(session, flip_one_signed_byte(pdf), settings, now=after_expiry)
        document = await session.get(Document, issued.document_id)
    assert report.status == VerificationStatus.AUTHENTIC and report.level == "B-LT"
    assert report.validated_at == report.timestamp_time < cert.not_valid_after_utc
    assert report.signer_name == "Nguyễn Thị Thanh Hương"
    assert document.signer_certificate_sha256 == certificate_sha256(cert)
    assert tampered.status == VerificationStatus.TAMPERED


@SQLITE
async def test_a_wrong_pin_spends_no_number_and_says_so(
    doc_factory, doc_settings, world, soft_token, tmp_path, monkeypatch
):
    chairman_on_token(soft_token, doc_settings, world, "chu-tich-2")
    monkeypatch.setenv(PIN_ENV, "000000")
    settings = with_signers_file(
        doc_settings,
        tmp_path,
        {
            "chutich": {
                "token_label": soft_token.label,
                "key_label": "chu-tich-2",
                "pin_env": PIN_ENV,
            }
        },
        pkcs11_module=soft_token.module,
    )
    decision = await _decision(doc_factory, world)
    with pytest.raises(ApplicationError) as raised:
        await issue(doc_factory, settings, decision.id, world.chairman)
    assert raised.value.type == "SigningIdentityUnusable" and raised.value.non_retryable
    assert "PIN" in str(raised.value) and PIN_ENV in str(raised.value)

    # A key label the token does not hold: named, and still no number spent.
    monkeypatch.setenv(PIN_ENV, soft_token.pin)
    settings = with_signers_file(
        doc_settings,
        tmp_path,
        {"chutich": {"token_label": soft_token.label, "key_label": "khong-co", "pin_env": PIN_ENV}},
        pkcs11_module=soft_token.module,
    )
    with pytest.raises(ApplicationError) as raised:
        await issue(doc_factory, settings, decision.id, world.chairman)
    assert raised.value.type == "SigningIdentityUnusable" and "khong-co" in str(raised.value)
    async with doc_factory() as session:
        stored = await session.get(Decision, decision.id)
        assert stored.status == DecisionStatus.AWAITING_SIGNATURE
        assert stored.number is None


@SQLITE
async def test_production_refuses_a_server_held_key_unless_allowed(
    doc_factory, doc_settings, world
):
    await ensure_dev_identities(doc_factory, doc_settings)  # the chairman's PKCS#12
    decision = await _decision(doc_factory, world)
    production = doc_settings.model_copy(
        update={"environment": "production", "allow_development_tsa": True}
    )

    with pytest.raises(ApplicationError) as raised:
        await issue(doc_factory, production, decision.id, world.chairman)
    assert raised.value.type == "ServerHeldKeyRefused" and raised.value.non_retryable
    assert "THIDUA_ALLOW_SERVER_HELD_KEYS" in str(raised.value)
    assert "Tăng Văn Quân" in str(raised.value)
    async with doc_factory() as session:
        stored = await session.get(Decision, decision.id)
        assert stored.status == DecisionStatus.AWAITING_SIGNATURE and stored.number is None

    allowed = production.model_copy(update={"allow_server_held_keys": True})
    issued = await issue(doc_factory, allowed, decision.id, world.chairman)
    assert issued.number_text == "01/QĐ-UBND"


# ---------------------------------------------------------------------------------------
# Configuration: one clear line


def test_a_signers_file_that_cannot_be_used_is_named(tmp_path):
    settings = Settings(environment="test", data_dir=tmp_path)
    bad = {
        "not json": "{",
        "no pin": json.dumps({"chutich": {"token_label": "T", "key_label": "K"}}),
        "typo": json.dumps(
            {"chutich": {"token_label": "T", "key_label": "K", "pin_env": "P", "pin": "1"}}
        ),
        "no module": json.dumps(
            {"chutich": {"token_label": "T", "key_label": "K", "pin_env": "P"}}
        ),
    }
    expected = {
        "not json": "not JSON",
        "no pin": "pin_env",
        "typo": "unknown field(s) pin",
        "no module": "THIDUA_PKCS11_MODULE",
    }
    for case, text in bad.items():
        path = tmp_path / f"{case}.json"
        path.write_text(text)
        with pytest.raises(SignerConfigurationError, match=re.escape(expected[case])):
            load_pkcs11_entries(settings.model_copy(update={"pkcs11_signers": path}))
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"chutich": {"token_label": "T", "key_label": "K", "pin_env": "P"}}))
    entry = load_pkcs11_entries(
        settings.model_copy(update={"pkcs11_signers": good, "pkcs11_module": "/m.so"})
    )["chutich"]
    assert (entry.module, entry.cert_label) == ("/m.so", "K")


THIDUA = str(Path(sys.executable).parent / "thidua")
PRODUCTION_ENV = {
    "THIDUA_ENVIRONMENT": "production",
    "THIDUA_SECRET_KEY": "s" * 40,
    "THIDUA_PAYLOAD_ENCRYPTION_KEY": "c2VjcmV0LWtleS1mb3ItdGhlLWNvbXBvc2UtdGVzdCE=",
    "THIDUA_SIGNING_KEY_PASSPHRASE": "a-production-passphrase",
}


def _thidua(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [THIDUA, *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=120
    )


def _error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("thidua: error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_the_commands_refuse_bad_signing_configuration_in_one_line(tmp_path):
    bad = tmp_path / "signers.json"
    bad.write_text('{"chutich": {"token_label": "T"}}')
    line = _error_line(
        _thidua("check", env={"THIDUA_DATA_DIR": str(tmp_path), "THIDUA_PKCS11_SIGNERS": str(bad)})
    )
    assert "THIDUA_PKCS11_SIGNERS" in line and "key_label" in line

    p12 = tmp_path / "chutich.p12"
    p12.write_bytes(b"unread")
    line = _error_line(
        _thidua(
            "signer", "import", "--username", "chutich", "--p12", str(p12),
            env={"THIDUA_DATA_DIR": str(tmp_path), **PRODUCTION_ENV},
        )
    )  # fmt: skip
    assert "THIDUA_ALLOW_SERVER_HELD_KEYS" in line


@SQLITE
def test_signer_check_opens_the_token_and_names_the_certificate(
    soft_token, doc_settings, world, tmp_path
):
    cert = chairman_on_token(soft_token, doc_settings, world, "chu-tich-3")
    signers = tmp_path / "signers.json"
    signers.write_text(
        json.dumps(
            {
                "chutich": {
                    "token_label": soft_token.label,
                    "key_label": "chu-tich-3",
                    "pin_env": PIN_ENV,
                }
            }
        )
    )
    env = {
        "THIDUA_DATA_DIR": str(tmp_path),
        "THIDUA_PKI_PATH": str(doc_settings.pki_dir),
        "THIDUA_PKCS11_MODULE": soft_token.module,
        "THIDUA_PKCS11_SIGNERS": str(signers),
        "SOFTHSM2_CONF": str(soft_token.conf),
        PIN_ENV: soft_token.pin,
    }
    result = _thidua("signer", "check", "--username", "chutich", env=env)
    assert result.returncode == 0, result.stderr
    assert "Tăng Văn Quân" in result.stdout and "chu-tich-3" in result.stdout
    assert f"{cert.not_valid_after_utc:%Y-%m-%d}" in result.stdout
    assert "not among the trusted roots" not in result.stderr  # the dev CA is trusted

    line = _error_line(
        _thidua("signer", "check", "--username", "chutich", env={**env, PIN_ENV: ""})
    )
    assert PIN_ENV in line


@SQLITE
async def test_two_signatures_at_once_on_one_token_both_hold(
    doc_factory, doc_settings, world, soft_token, monkeypatch
):
    """A PKCS#11 login belongs to the whole process: two decisions signed at the same
    moment on one token must not log each other out."""
    cert = chairman_on_token(soft_token, doc_settings, world, "chu-tich-4")
    monkeypatch.setenv(PIN_ENV, soft_token.pin)
    key = Pkcs11Key(
        Pkcs11Entry(
            username="chutich",
            module=soft_token.module,
            token_label=soft_token.label,
            key_label="chu-tich-4",
            cert_label="chu-tich-4",
            pin_env=PIN_ENV,
        )
    )
    plain = await asyncio.to_thread(render_html_to_pdf, "<p>Quyết định</p>")

    def sign(label: str) -> bytes:
        return sign_pdf(
            plain, key, field_name="Sig", box=(300, 100, 500, 170), page=0, signer_label=label
        )

    signed = await asyncio.gather(*(asyncio.to_thread(sign, f"Ký {n}") for n in range(4)))
    dev_ca, _ = ensure_dev_ca(doc_settings)
    for pdf in signed:
        status = await asyncio.to_thread(_validate, pdf, [dev_ca])
        assert status.bottom_line
        assert status.signing_cert.sha256.hex() == certificate_sha256(cert)
