"""The key that signs the audit trail's seals (issue 18): Ed25519, made on first use.

It lives beside the development CA under ``settings.pki_dir/audit-seal``: ``key.pem``
(PKCS#8, encrypted with ``settings.signing_key_passphrase``) and ``public.pem``. The
public key is published on the public portal with every seal, so that anyone can check a
seal with a stock tool; ``thidua audit verify`` checks seals against ``public.pem``.
Ed25519 rather than a document certificate: a seal is a machine statement of the
engine, not a person's signature, and a 64-byte signature over a hash needs no CMS.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .settings import Settings

FOLDER = "audit-seal"


def _folder(settings: Settings) -> Path:
    return settings.pki_dir / FOLDER


def ensure_seal_key(settings: Settings) -> Ed25519PrivateKey:
    """The seal key, created on first use (race-safe: written aside, then renamed)."""
    folder = _folder(settings)
    if not (folder / "key.pem").exists():
        settings.pki_dir.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        staging = Path(tempfile.mkdtemp(dir=settings.pki_dir, prefix=".audit-seal-"))
        (staging / "public.pem").write_bytes(public_pem(key.public_key()).encode("ascii"))
        key_file = staging / "key.pem"
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(
                    settings.signing_key_passphrase.encode("utf-8")
                ),
            )
        )
        os.chmod(key_file, 0o600)
        try:
            os.rename(staging, folder)
        except OSError:
            for leftover in staging.iterdir():
                leftover.unlink()
            staging.rmdir()
            if not (folder / "key.pem").exists():
                raise
    loaded = serialization.load_pem_private_key(
        (folder / "key.pem").read_bytes(),
        password=settings.signing_key_passphrase.encode("utf-8"),
    )
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{folder / 'key.pem'} is not an Ed25519 key")
    return loaded


def published_public_key(settings: Settings) -> Ed25519PublicKey | None:
    """The public key on disk (None before the first seal)."""
    path = _folder(settings) / "public.pem"
    if not path.exists():
        return None
    loaded = serialization.load_pem_public_key(path.read_bytes())
    return loaded if isinstance(loaded, Ed25519PublicKey) else None


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_public_pem(pem: str) -> Ed25519PublicKey | None:
    try:
        loaded = serialization.load_pem_public_key(pem.encode("ascii"))
    except ValueError:
        return None
    return loaded if isinstance(loaded, Ed25519PublicKey) else None


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 (hex) of the raw 32-byte public key."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def sign_root(key: Ed25519PrivateKey, root: str) -> str:
    return base64.b64encode(key.sign(root.encode("ascii"))).decode("ascii")


def signature_valid(key: Ed25519PublicKey, root: str, signature: str) -> bool:
    try:
        key.verify(base64.b64decode(signature), root.encode("ascii"))
    except (InvalidSignature, ValueError):
        return False
    return True
