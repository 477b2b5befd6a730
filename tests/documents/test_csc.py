"""The official's key at a remote signing service (issue 18): a decision signed through
the Cloud Signature Consortium API verifies as the chairman's, PAdES B-LT, long after
his certificate expired.

The service is certomancer-csc-dummy, in this process on a loopback port the test
chooses, with the PKI of ``data/csc-pki.yml`` (fixed dates: the signer's certificate
expires at the end of 2039, its root in 2060). Its CRLs are served on the same port, at
the address the certificates name, as a certification provider publishes them."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from temporalio.exceptions import ApplicationError

from activities.documents.renderer import render_html_to_pdf
from activities.signers import (
    CscEntry,
    CscKey,
    SignerConfigurationError,
    SigningError,
    load_csc_entries,
    signing_certificate,
    signing_key_for,
)
from activities.signing import check_signing_certificate, sign_pdf
from api.services.verification import VerificationStatus, verify_pdf
from domain.vocabulary import DecisionStatus
from models import Decision, Document
from thidua.db import transaction
from thidua.pki import certificate_sha256
from thidua.settings import Settings

from .factories import World, add_decision, add_nomination
from .helpers import flip_one_signed_byte, issue, stored_pdf

SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

PKI_CONFIG = Path(__file__).parent / "data" / "csc-pki.yml"
SIGNER_EXPIRES = datetime(2039, 12, 31, tzinfo=UTC)  # csc-pki.yml, the chairman's
AFTER_EXPIRY = datetime(2041, 3, 1, 2, 0, tzinfo=UTC)  # the application's clock


@dataclass(frozen=True)
class CscService:
    url: str  # the service URL of a CSC signers file (before /csc/v1/...)
    root: x509.Certificate

    def credential(self, label: str) -> str:
        return f"csc/{label}"


@pytest.fixture
def csc_service(tmp_path: Path) -> Iterator[CscService]:
    pytest.importorskip("csc_dummy", reason="pip install certomancer-csc-dummy (the test extra)")
    import yaml
    from aiohttp import web
    from certomancer.integrations.aiohttp_animator import build_animator_app
    from certomancer.registry import CertomancerConfig
    from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams

    folder = tmp_path / "csc"
    (folder / "keys").mkdir(parents=True)
    for label in ("root", "chutich", "revoked"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (folder / "keys" / f"{label}.key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    config = CertomancerConfig(
        yaml.safe_load(PKI_CONFIG.read_text(encoding="utf-8")),
        key_search_dir=str(folder),
        external_url_prefix=f"{base}/ca",
    )
    with warnings.catch_warnings():  # the stand-in keys its app with plain strings
        warnings.simplefilter("ignore", web.NotAppKeyWarning)
        # SCAL 2: every authorisation is bound to the digest it signs.
        service = CSCWithCertomancer(
            config, service_params=DummyServiceParams(hash_pinning_required=True)
        )
    service.register_routes()
    service.app.add_subapp("/ca", build_animator_app(config.pki_archs, with_web_ui=False))

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner = web.AppRunner(service.app)
    asyncio.run_coroutine_threadsafe(runner.setup(), loop).result(30)
    asyncio.run_coroutine_threadsafe(web.SockSite(runner, listener).start(), loop).result(30)
    root = x509.load_der_x509_certificate(config.get_pki_arch("csc").get_cert("root").dump())
    try:
        yield CscService(url=base, root=root)
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()


def trusting(settings: Settings, service: CscService) -> Settings:
    """The ward trusts the provider's root: its PEM in ``pki_dir/trusted``."""
    trusted = settings.pki_dir / "trusted"
    trusted.mkdir(parents=True, exist_ok=True)
    (trusted / "csc-root.pem").write_bytes(service.root.public_bytes(serialization.Encoding.PEM))
    return settings


def with_csc_signers(settings: Settings, tmp_path: Path, signers: dict, **overrides) -> Settings:
    path = tmp_path / "csc-signers.json"
    path.write_text(json.dumps(signers), encoding="utf-8")
    return settings.model_copy(update={"csc_signers": path, **overrides})


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
async def test_a_pdf_signed_at_the_remote_service_is_b_lt_after_the_certificate_expired(
    doc_factory, doc_settings, csc_service
):
    settings = trusting(doc_settings, csc_service)
    key = CscKey(
        CscEntry(
            username="chutich",
            service_url=csc_service.url,
            credential_id=csc_service.credential("chutich"),
        )
    )
    certificate = await asyncio.to_thread(signing_certificate, key)
    assert certificate.not_valid_after_utc == SIGNER_EXPIRES < AFTER_EXPIRY
    plain = await asyncio.to_thread(render_html_to_pdf, "<p>Quyết định khen thưởng</p>")

    signed = await asyncio.to_thread(
        sign_pdf,
        plain,
        key,
        field_name="Sig",
        box=(300, 100, 500, 170),
        page=0,
        signer_label="Tăng Văn Quân",
        settings=settings,  # B-LT: the development TSA, the provider's CRL embedded
    )

    async with doc_factory() as session:
        report = await verify_pdf(session, signed, settings, now=AFTER_EXPIRY)
        tampered = await verify_pdf(
            session, flip_one_signed_byte(signed), settings, now=AFTER_EXPIRY
        )
    assert report.status == VerificationStatus.UNREGISTERED, report.problems  # valid, trusted
    assert report.trusted and report.intact and report.covers_whole_file
    assert report.level == "B-LT"
    assert report.timestamp_time is not None and report.timestamp_time < SIGNER_EXPIRES
    assert report.validated_at == report.timestamp_time  # not 2041: the timestamp's time
    assert report.signer_name == "Tăng Văn Quân"
    assert tampered.status == VerificationStatus.TAMPERED


@SQLITE
async def test_a_decision_signed_through_the_csc_service_verifies_as_the_chairmans(
    doc_factory, doc_settings, world, csc_service, tmp_path, monkeypatch
):
    monkeypatch.setenv("THIDUA_TEST_CSC_TOKEN", "token-of-the-ward")
    settings = with_csc_signers(
        trusting(doc_settings, csc_service),
        tmp_path,
        {
            "chutich": {
                "service_url": csc_service.url,
                "credential_id": csc_service.credential("chutich"),
                "token_env": "THIDUA_TEST_CSC_TOKEN",
            }
        },
        # Production, no server-held key allowed: the service is the only way to sign.
        environment="production",
        allow_server_held_keys=False,
        allow_development_tsa=True,
    )
    decision = await _decision(doc_factory, world)

    issued = await issue(doc_factory, settings, decision.id, world.chairman)

    pdf = await stored_pdf(doc_factory, settings, issued.document_id)
    async with doc_factory() as session:
        report = await verify_pdf(session, pdf, settings, now=AFTER_EXPIRY)
        document = await session.get(Document, issued.document_id)
    assert report.status == VerificationStatus.AUTHENTIC, report.problems
    assert report.level == "B-LT" and report.signer_name == "Tăng Văn Quân"
    async with doc_factory() as session:
        tampered = await verify_pdf(session, flip_one_signed_byte(pdf), settings, now=AFTER_EXPIRY)
    assert tampered.status == VerificationStatus.TAMPERED
    credential_cert = await asyncio.to_thread(
        signing_certificate, signing_key_for(settings, username="chutich", identity_p12=None)
    )
    assert document.signer_certificate_sha256 == certificate_sha256(credential_cert)


@SQLITE
async def test_a_credential_the_service_does_not_know_spends_no_number_and_says_so(
    doc_factory, doc_settings, world, csc_service, tmp_path
):
    settings = with_csc_signers(
        trusting(doc_settings, csc_service),
        tmp_path,
        {"chutich": {"service_url": csc_service.url, "credential_id": "csc/khong-co"}},
    )
    decision = await _decision(doc_factory, world)
    with pytest.raises(ApplicationError) as raised:
        await issue(doc_factory, settings, decision.id, world.chairman)
    assert raised.value.type == "SigningIdentityUnusable" and raised.value.non_retryable
    assert "csc/khong-co" in str(raised.value)
    async with doc_factory() as session:
        stored = await session.get(Decision, decision.id)
    assert stored.status == DecisionStatus.AWAITING_SIGNATURE and stored.number is None


def test_an_unreachable_service_or_a_missing_token_is_named(monkeypatch):
    # Nothing listens there: the port of a socket just closed.
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    entry = CscEntry(username="chutich", service_url=f"http://127.0.0.1:{port}", credential_id="c1")
    with pytest.raises(SigningError, match=f"127.0.0.1:{port}") as raised:
        signing_certificate(CscKey(entry))
    assert "ký số từ xa" in raised.value.message_vi

    monkeypatch.delenv("THIDUA_TEST_CSC_TOKEN", raising=False)
    tokenless = CscEntry(
        username="chutich",
        service_url=f"http://127.0.0.1:{port}",
        credential_id="c1",
        token_env="THIDUA_TEST_CSC_TOKEN",
    )
    with pytest.raises(SigningError, match="THIDUA_TEST_CSC_TOKEN"):
        signing_certificate(CscKey(tokenless))


def test_a_csc_signers_file_that_cannot_be_used_is_named(tmp_path):
    settings = Settings(environment="test", data_dir=tmp_path)
    bad = {
        "not json": "[",
        "no credential": json.dumps({"chutich": {"service_url": "https://rs.example.vn"}}),
        "a secret in the file": json.dumps(
            {"chutich": {"service_url": "https://x", "credential_id": "c", "pin": "1234"}}
        ),
        "not a url": json.dumps(
            {"chutich": {"service_url": "rs.example.vn", "credential_id": "c"}}
        ),
        "timeout": json.dumps(
            {"chutich": {"service_url": "https://x", "credential_id": "c", "timeout_seconds": "9"}}
        ),
    }
    expected = {
        "not json": "not JSON",
        "no credential": "credential_id",
        "a secret in the file": "unknown field(s) pin",
        "not a url": "http(s) URL",
        "timeout": "timeout_seconds",
    }
    for case, text in bad.items():
        path = tmp_path / f"{case}.json"
        path.write_text(text)
        with pytest.raises(SignerConfigurationError) as raised:
            load_csc_entries(settings.model_copy(update={"csc_signers": path}))
        assert expected[case] in str(raised.value)

    # A signer in both files signs with the token: the key on the signing host first.
    both = tmp_path / "both.json"
    both.write_text(
        json.dumps({"chutich": {"service_url": "https://rs.example.vn/", "credential_id": "c"}})
    )
    tokens = tmp_path / "tokens.json"
    tokens.write_text(
        json.dumps({"chutich": {"token_label": "T", "key_label": "K", "pin_env": "P"}})
    )
    configured = settings.model_copy(
        update={"csc_signers": both, "pkcs11_signers": tokens, "pkcs11_module": "/m.so"}
    )
    assert signing_key_for(configured, username="chutich", identity_p12=b"p12").kind == "pkcs11"
    only_csc = configured.model_copy(update={"pkcs11_signers": None})
    key = signing_key_for(only_csc, username="chutich", identity_p12=b"p12")
    assert key is not None and key.kind == "csc"


def test_signer_check_asks_the_service_and_names_the_certificate(
    csc_service, doc_settings, tmp_path
):
    signers = tmp_path / "csc-signers.json"
    signers.write_text(
        json.dumps(
            {
                "chutich": {
                    "service_url": csc_service.url,
                    "credential_id": csc_service.credential("chutich"),
                    "token_env": "THIDUA_TEST_CSC_TOKEN",
                }
            }
        )
    )
    trusting(doc_settings, csc_service)
    env = {
        **os.environ,
        "THIDUA_DATA_DIR": str(tmp_path),
        "THIDUA_PKI_PATH": str(doc_settings.pki_dir),
        "THIDUA_CSC_SIGNERS": str(signers),
        "THIDUA_TEST_CSC_TOKEN": "token-of-the-ward",
    }
    thidua = str(Path(sys.executable).parent / "thidua")
    result = subprocess.run(
        [thidua, "signer", "check", "--username", "chutich"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Tăng Văn Quân" in result.stdout and "csc/chutich" in result.stdout
    assert "2039-12-31" in result.stdout
    assert "not among the trusted roots" not in result.stderr

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"chutich": {"service_url": csc_service.url}}))
    result = subprocess.run(
        [thidua, "check"],
        env={**env, "THIDUA_CSC_SIGNERS": str(bad)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "THIDUA_CSC_SIGNERS" in result.stderr and "credential_id" in result.stderr


@SQLITE
async def test_a_credential_revoked_before_signing_signs_nothing_and_says_so(
    doc_settings, csc_service
):
    # csc-pki.yml: the provider revoked this credential's certificate in 2025 (key
    # compromise); its CRL, published where the certificate says, lists it.
    settings = trusting(doc_settings, csc_service)
    key = CscKey(
        CscEntry(
            username="chutich",
            service_url=csc_service.url,
            credential_id=csc_service.credential("revoked"),
        )
    )
    certificate = await asyncio.to_thread(signing_certificate, key)

    # Before a number is spent (the issuing activity's check) ...
    with pytest.raises(SigningError, match="revoked") as raised:
        await asyncio.to_thread(check_signing_certificate, settings, certificate)
    assert "thu hồi" in raised.value.message_vi
    # ... and at signing: no signature is made.
    plain = await asyncio.to_thread(render_html_to_pdf, "<p>Quyết định</p>")
    with pytest.raises(SigningError, match="revoked"):
        await asyncio.to_thread(
            sign_pdf,
            plain,
            key,
            field_name="Sig",
            box=(300, 100, 500, 170),
            page=0,
            signer_label="Tăng Văn Quân",
            settings=settings,
        )
    # The credential in good standing passes the same check.
    good = CscKey(
        CscEntry(
            username="chutich",
            service_url=csc_service.url,
            credential_id=csc_service.credential("chutich"),
        )
    )
    await asyncio.to_thread(
        check_signing_certificate, settings, await asyncio.to_thread(signing_certificate, good)
    )


@SQLITE
async def test_a_bad_csc_signers_file_is_named_in_the_activitys_refusal(
    doc_factory, doc_settings, world, tmp_path
):
    settings = with_csc_signers(
        doc_settings, tmp_path, {"chutich": {"service_url": "https://rs.example.vn"}}
    )
    decision = await _decision(doc_factory, world)
    with pytest.raises(ApplicationError) as raised:
        await issue(doc_factory, settings, decision.id, world.chairman)
    assert raised.value.type == "SigningIdentityUnusable" and raised.value.non_retryable
    assert "THIDUA_CSC_SIGNERS" in str(raised.value) and "credential_id" in str(raised.value)
    assert "PKCS11" not in str(raised.value)
