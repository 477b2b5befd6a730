"""Bad configuration gives one clear line (never a traceback), and exit status 2."""

from __future__ import annotations

import fcntl
import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.clock import machine_now

THIDUA = str(Path(sys.executable).parent / "thidua")


def run(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [THIDUA, *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout
    )


def one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("thidua: error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_malformed_temporal_address(tmp_path):
    line = one_error_line(
        run("check", env={"THIDUA_DATA_DIR": str(tmp_path), "THIDUA_TEMPORAL_ADDRESS": "localhost"})
    )
    assert "THIDUA_TEMPORAL_ADDRESS" in line and "host:port" in line


def test_an_unreachable_database(tmp_path):
    line = one_error_line(
        run(
            "migrate",
            env={
                "THIDUA_DATA_DIR": str(tmp_path),
                "THIDUA_DATABASE_URL": "postgresql://thidua:secret@127.0.0.1:1/thidua",
            },
        )
    )
    assert "cannot reach the database" in line and "secret" not in line


def test_an_unknown_database_driver(tmp_path):
    line = one_error_line(
        run(
            "migrate", env={"THIDUA_DATA_DIR": str(tmp_path), "THIDUA_DATABASE_URL": "oracle://x/y"}
        )
    )
    assert "THIDUA_DATABASE_URL" in line


def test_the_http_port_in_use(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        line = one_error_line(
            run("up", env={"THIDUA_DATA_DIR": str(tmp_path), "THIDUA_HTTP_PORT": str(port)})
        )
    assert f"port {port}" in line and "already in use" in line


def test_a_second_up_on_the_same_data_folder_says_so(tmp_path):
    lock = open(tmp_path / "thidua-up.lock", "a+")  # what a running `thidua up` holds
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        lock.write("4242")
        lock.flush()
        line = one_error_line(
            run("up", env={"THIDUA_DATA_DIR": str(tmp_path), "THIDUA_HTTP_PORT": "0"})
        )
    finally:
        lock.close()
    assert "already running (pid 4242)" in line


def test_a_malformed_catalogue_file_stops_the_engine(tmp_path):
    catalogue = tmp_path / "catalogue"
    subprocess.run(
        ["cp", "-r", str(Path(__file__).parents[2] / "catalogue"), str(catalogue)], check=True
    )
    rule_set = catalogue / "nd152-2025.yaml"
    rule_set.write_text(rule_set.read_text().replace('threshold: "≥80%"', 'threshold: "≥ 8O%"', 1))
    line = one_error_line(
        run("check", env={"THIDUA_DATA_DIR": str(tmp_path), "THIDUA_CATALOGUE_DIR": str(catalogue)})
    )
    assert "nd152-2025.yaml" in line and "threshold" in line


def test_importing_a_signer_certificate_with_a_wrong_password(tmp_path):
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tăng Văn Quân")])
    now = machine_now()  # a certificate's validity is checked against the machine's clock
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    p12 = tmp_path / "chutich.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"chutich",
            key,
            certificate,
            None,
            serialization.BestAvailableEncryption(b"right-password"),
        )
    )
    env = {"THIDUA_DATA_DIR": str(tmp_path), "THIDUA_P12_PASSWORD": "wrong-password"}
    assert run("seed", env=env, timeout=120).returncode == 0
    line = one_error_line(
        run("signer", "import", "--username", "chutich", "--p12", str(p12), env=env)
    )
    assert "password" in line


def test_importing_the_organisations_certificate_for_its_clerks(tmp_path):
    """``signer import --organisation ID``: the authority's own certificate (no person),
    the one its clerks (văn thư) apply when they issue a signed document."""
    import datetime as dt
    import sqlite3

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "UBND phường Thạch Khôi")])
    now = machine_now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    p12 = tmp_path / "ubnd.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"ubnd", key, certificate, None, serialization.BestAvailableEncryption(b"secret")
        )
    )
    env = {"THIDUA_DATA_DIR": str(tmp_path), "THIDUA_P12_PASSWORD": "secret"}
    assert run("seed", env=env, timeout=120).returncode == 0
    database = tmp_path / "thidua.sqlite3"
    with sqlite3.connect(database) as db:
        (authority_id,) = db.execute(
            "SELECT id FROM authorities WHERE name = 'Ủy ban nhân dân phường Thạch Khôi'"
        ).fetchone()
    result = run(
        "signer", "import", "--organisation", str(authority_id), "--p12", str(p12), env=env
    )
    assert result.returncode == 0, result.stderr
    assert f"for authority {authority_id}" in result.stdout
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT user_id, active FROM signing_identities WHERE authority_id = ? "
            "AND subject LIKE '%Thạch Khôi%' AND source = 'imported'",
            (authority_id,),
        ).fetchall()
    assert rows == [(None, 1)]
