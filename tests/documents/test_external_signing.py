"""Signing on the official's own machine (issue 18): the engine prepares the decision
and what is to be signed, a local signing agent it never sees into signs it, and the
engine embeds the answer, timestamped with the revocation data (PAdES B-LT).

The stand-in agent is another process holding a PKCS#12 the test gives only to it (the
official's token, in effect): the engine side of the test knows the certificate and
nothing else."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
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

from activities.documents.renderer import render_html_to_pdf
from activities.external_signing import (
    ExternalSignatureRejected,
    PreparedSignature,
    finish_external_signature,
    prepare_external_signature,
)
from api.services.verification import VerificationStatus, verify_pdf
from thidua.pki import certificate_sha256, ensure_dev_ca, issue_dev_certificate, pack_pkcs12
from thidua.settings import Settings

from .helpers import flip_one_signed_byte

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

AGENT_PASSWORD = "mat-khau-token"
# The stand-in for the government CA's signing agent: reads what to sign on stdin, signs
# it with the token's key (a PKCS#12 only it opens), writes the raw signature to stdout.
# "data": it hashes and signs the signed attributes; "hash": it signs their digest.
AGENT = r"""
import sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.serialization import pkcs12

p12, password, mode = sys.argv[1], sys.argv[2], sys.argv[3]
key, _cert, _chain = pkcs12.load_key_and_certificates(open(p12, "rb").read(), password.encode())
data = sys.stdin.buffer.read()
if mode == "hash":
    signature = key.sign(data, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
else:
    signature = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
sys.stdout.buffer.write(signature)
"""


@dataclass(frozen=True)
class Agent:
    """The official's machine: the engine knows only ``certificate``."""

    certificate: x509.Certificate
    p12: Path

    def sign(self, prepared: PreparedSignature, mode: str = "data") -> bytes:
        data = prepared.digest_to_sign if mode == "hash" else prepared.to_sign
        result = subprocess.run(
            [sys.executable, "-c", AGENT, str(self.p12), AGENT_PASSWORD, mode],
            input=data,
            capture_output=True,
            timeout=60,
            check=True,
        )
        return result.stdout


def _agent(settings: Settings, folder: Path, name: str = "Tăng Văn Quân") -> Agent:
    ca_cert, ca_key = ensure_dev_ca(settings)
    cert, key = issue_dev_certificate(
        ca_cert, ca_key, common=name, organisation="UBND phường Thạch Khôi"
    )
    folder.mkdir(parents=True, exist_ok=True)
    p12 = folder / "token.p12"
    p12.write_bytes(pack_pkcs12(key, cert, [ca_cert], AGENT_PASSWORD.encode()))
    return Agent(certificate=cert, p12=p12)


@pytest.fixture
def agent(doc_settings, tmp_path) -> Agent:
    return _agent(doc_settings, tmp_path / "official-machine")


async def _prepare(settings: Settings, certificate: x509.Certificate) -> PreparedSignature:
    plain = await asyncio.to_thread(render_html_to_pdf, "<p>Quyết định khen thưởng</p>")
    ca_cert, _ = ensure_dev_ca(settings)
    return await asyncio.to_thread(
        prepare_external_signature,
        plain,
        certificate,
        [ca_cert],
        field_name="ChuKyChuTich",
        box=(300, 100, 500, 170),
        page=0,
        signer_label="Tăng Văn Quân",
        settings=settings,
    )


def _pyhanko_status(pdf: bytes, root: x509.Certificate):
    reader = PdfFileReader(io.BytesIO(pdf))
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))]
    )
    return validate_pdf_signature(reader.embedded_signatures[0], context)


@pytest.mark.parametrize("mode", ["data", "hash"])
async def test_a_signature_made_on_the_officials_machine_is_b_lt_after_expiry(
    doc_factory, doc_settings, agent, mode
):
    prepared = await _prepare(doc_settings, agent.certificate)
    # What the engine persists while it waits for the official: text, then read back.
    state = prepared.to_json()

    signature = await asyncio.to_thread(agent.sign, PreparedSignature.from_json(state), mode)

    signed = await asyncio.to_thread(
        finish_external_signature,
        PreparedSignature.from_json(state),
        signature,
        settings=doc_settings,
    )
    after_expiry = agent.certificate.not_valid_after_utc + timedelta(days=400)
    async with doc_factory() as session:
        report = await verify_pdf(session, signed, doc_settings, now=after_expiry)
        tampered = await verify_pdf(
            session, flip_one_signed_byte(signed), doc_settings, now=after_expiry
        )
    assert report.status == VerificationStatus.UNREGISTERED, report.problems  # valid, trusted
    assert report.intact and report.trusted and report.covers_whole_file
    assert report.level == "B-LT"
    assert report.timestamp_time is not None
    assert report.timestamp_time < agent.certificate.not_valid_after_utc
    assert report.validated_at == report.timestamp_time
    assert report.signer_name == "Tăng Văn Quân"
    assert tampered.status == VerificationStatus.TAMPERED

    # pyHanko, as an outside party runs it: the official's certificate, intact, and only
    # the revocation data after the signed revision.
    dev_ca, _ = ensure_dev_ca(doc_settings)
    status = await asyncio.to_thread(_pyhanko_status, signed, dev_ca)
    assert status.bottom_line and status.modification_level.name == "LTA_UPDATES"
    assert status.signing_cert.sha256.hex() == certificate_sha256(agent.certificate)


async def test_an_answer_from_another_key_is_refused_and_the_state_stays_usable(
    doc_factory, doc_settings, agent, tmp_path
):
    prepared = await _prepare(doc_settings, agent.certificate)
    other = _agent(doc_settings, tmp_path / "another-token", name="Nguyễn Văn Khác")

    with pytest.raises(ExternalSignatureRejected) as raised:
        await asyncio.to_thread(
            finish_external_signature,
            prepared,
            await asyncio.to_thread(other.sign, prepared),
            settings=doc_settings,
        )
    assert "không khớp" in raised.value.message_vi
    # Garbage is refused the same way.
    with pytest.raises(ExternalSignatureRejected):
        finish_external_signature(prepared, b"\x00" * 256, settings=doc_settings)

    signed = await asyncio.to_thread(
        finish_external_signature,
        prepared,
        await asyncio.to_thread(agent.sign, prepared),
        settings=doc_settings,
    )
    async with doc_factory() as session:
        report = await verify_pdf(
            session, signed, doc_settings, now=agent.certificate.not_valid_before_utc
        )
    assert report.status == VerificationStatus.UNREGISTERED and report.level == "B-LT"


def test_without_settings_the_signature_is_b_b(doc_settings, agent):
    plain = render_html_to_pdf("<p>Tờ trình</p>")
    prepared = prepare_external_signature(
        plain,
        agent.certificate,
        field_name="Sig",
        box=(300, 100, 500, 170),
        page=0,
        signer_label="Tăng Văn Quân",
    )
    signed = finish_external_signature(prepared, agent.sign(prepared))
    dev_ca, _ = ensure_dev_ca(doc_settings)
    status = _pyhanko_status(signed, dev_ca)
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"


async def test_external_signers_are_configured_by_certificate_and_checked(
    doc_settings, agent, tmp_path, capsys
):
    import argparse
    import json

    from activities.signers import (
        ExternalConfigurationError,
        load_external_entries,
        signing_key_for,
    )
    from thidua.cli import cmd_signer_check

    ca_cert, _ = ensure_dev_ca(doc_settings)
    pem = tmp_path / "chutich.pem"
    pem.write_bytes(
        agent.certificate.public_bytes(serialization.Encoding.PEM)
        + ca_cert.public_bytes(serialization.Encoding.PEM)
    )
    signers = tmp_path / "external.json"
    signers.write_text(json.dumps({"chutich": {"certificate": str(pem)}}))
    settings = doc_settings.model_copy(update={"external_signers": signers})

    [entry] = load_external_entries(settings).values()
    assert entry.certificate == agent.certificate and list(entry.chain) == [ca_cert]
    # Their own computer before a server-held key; a remote service before their computer.
    key = signing_key_for(settings, username="chutich", identity_p12=b"p12")
    assert key is not None and key.kind == "external"
    csc = tmp_path / "csc.json"
    csc.write_text(json.dumps({"chutich": {"service_url": "https://rs.vn", "credential_id": "c"}}))
    both = settings.model_copy(update={"csc_signers": csc})
    assert signing_key_for(both, username="chutich", identity_p12=None).kind == "csc"

    assert await cmd_signer_check(settings, argparse.Namespace(username="chutich")) == 0
    shown = capsys.readouterr().out
    assert "Tăng Văn Quân" in shown and "own computer" in shown and "valid from" in shown

    for text, expected in (
        ("[", "not JSON"),
        (json.dumps({"chutich": {}}), "needs certificate"),
        (json.dumps({"chutich": {"certificate": str(tmp_path / "none.pem")}}), "cannot read"),
        (json.dumps({"chutich": {"certificate": str(signers)}}), "no PEM certificate"),
        (json.dumps({"chutich": {"certificate": str(pem), "pin": "1"}}), "unknown field"),
    ):
        signers.write_text(text)
        with pytest.raises(ExternalConfigurationError, match=expected) as raised:
            load_external_entries(settings)
        assert raised.value.variable == "THIDUA_EXTERNAL_SIGNERS"
