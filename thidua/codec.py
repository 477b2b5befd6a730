"""AES-GCM encryption of every Temporal payload, with keys that rotate.

Workflow histories hold ballot sheets (secret), objectors' names and contacts, and
nominees' data. Temporal stores payloads as given, and anyone with access to its
database or Web UI could read them; encrypting in the client keeps them opaque outside
this engine (Temporal's recommended "payload codec").

Keys rotate without making running workflows unreadable: the codec holds a key ring by
key id, encrypts new payloads with the ring's active key and decrypts each payload with
the key it names (``thidua-key-id``). A campaign that lives five years keeps replaying
across any number of rotations, as long as its keys stay in the ring.

Ballot sheets are sealed: the payload converter marks them (``SEAL``) and the codec
encrypts them with a key derived from the active key for sealed payloads only. The codec
the Temporal UI reaches (``for_operators``) holds no sealed key: it hands a ballot back
still encrypted, so no operator reads how a member voted.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID = "thidua-key-id"
# Set by the payload converter on the payloads of sealed types (ballot sheets); the codec
# then encrypts them with the sealed key of the active key.
SEAL = "thidua-seal"
SEALED_SUFFIX = "/sealed"
# The key from THIDUA_PAYLOAD_ENCRYPTION_KEY: every payload written before key rotation
# existed names it.
DEFAULT_KEY_ID = "default"


class KeyRingError(ValueError):
    """The key ring cannot be read, or a payload names a key it does not hold."""


def _decode_key(key_b64: str, name: str) -> bytes:
    try:
        key = base64.b64decode(key_b64, validate=True)
    except ValueError as exc:
        raise KeyRingError(f"{name} is not valid base64") from exc
    if len(key) not in (16, 24, 32):
        raise KeyRingError(f"{name}: a payload encryption key must be 16, 24 or 32 bytes")
    return key


@dataclass(frozen=True)
class KeyRing:
    """Payload keys by id; ``active`` encrypts new payloads."""

    keys: dict[str, bytes]
    active: str = DEFAULT_KEY_ID
    sealed: bool = True  # holds the sealed (ballot) keys
    _aead: dict[str, AESGCM] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.active not in self.keys:
            raise KeyRingError(f"the active payload key '{self.active}' is not in the key ring")

    @classmethod
    def single(cls, key_b64: str, key_id: str = DEFAULT_KEY_ID) -> KeyRing:
        return cls({key_id: _decode_key(key_b64, "THIDUA_PAYLOAD_ENCRYPTION_KEY")}, key_id)

    @classmethod
    def load(cls, default_key_b64: str, path: Path | None) -> KeyRing:
        """The key from the environment (id ``default``) and, when the file exists, the
        keys ``thidua keys rotate`` added there."""
        keys = {DEFAULT_KEY_ID: _decode_key(default_key_b64, "THIDUA_PAYLOAD_ENCRYPTION_KEY")}
        active = DEFAULT_KEY_ID
        if path is not None and path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                for key_id, key_b64 in data["keys"].items():
                    keys[str(key_id)] = _decode_key(str(key_b64), f"{path}: key '{key_id}'")
                active = str(data["active"])
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
                if isinstance(exc, KeyRingError):
                    raise
                raise KeyRingError(f"{path} is not a payload key ring: {exc}") from exc
        return cls(keys, active)

    def for_operators(self) -> KeyRing:
        """The same keys without the sealed ones (the Temporal UI's codec endpoint)."""
        return KeyRing(dict(self.keys), self.active, sealed=False)

    def cipher(self, key_id: str) -> AESGCM:
        """The cipher for a key id as payloads name it (``k2`` or ``k2/sealed``)."""
        if key_id in self._aead:
            return self._aead[key_id]
        base, _, suffix = key_id.partition("/")
        if base not in self.keys or (suffix and (suffix != "sealed" or not self.sealed)):
            raise KeyRingError(
                f"a payload is encrypted with key '{key_id}', which this key ring does not "
                "hold (THIDUA_PAYLOAD_KEYRING: keep every key that running workflows use)"
            )
        key = self.keys[base]
        if suffix:
            key = HKDF(
                algorithm=hashes.SHA256(),
                length=len(key),
                salt=None,
                info=b"thidua sealed ballot payloads",
            ).derive(key)
        self._aead[key_id] = AESGCM(key)
        return self._aead[key_id]


def rotate(path: Path, default_key_b64: str) -> str:
    """Add a new key to the ring file and make it the active one; returns its id. The file
    is written whole to a temporary name then renamed, readable by its owner only."""
    current = KeyRing.load(default_key_b64, path)
    key_id = f"k-{secrets.token_hex(4)}"
    while key_id in current.keys:  # pragma: no cover - 32 random bits
        key_id = f"k-{secrets.token_hex(4)}"
    stored = {
        k: base64.b64encode(v).decode() for k, v in current.keys.items() if k != DEFAULT_KEY_ID
    }
    stored[key_id] = base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump({"active": key_id, "keys": stored}, out, indent=2)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    return key_id


class EncryptionCodec(PayloadCodec):
    def __init__(self, ring: KeyRing) -> None:
        self._ring = ring

    @classmethod
    def from_base64(cls, key_b64: str, key_id: str = DEFAULT_KEY_ID) -> EncryptionCodec:
        return cls(KeyRing.single(key_b64, key_id))

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return list(self._decrypt_all(payloads))

    def _encrypt(self, payload: Payload) -> Payload:
        key_id = self._ring.active
        if payload.metadata.get(SEAL):
            key_id += SEALED_SUFFIX
        nonce = os.urandom(12)
        sealed = self._ring.cipher(key_id).encrypt(nonce, payload.SerializeToString(), None)
        return Payload(
            metadata={"encoding": ENCODING, KEY_ID: key_id.encode()}, data=nonce + sealed
        )

    def _decrypt_all(self, payloads: Iterable[Payload]) -> Iterable[Payload]:
        for payload in payloads:
            if payload.metadata.get("encoding", b"") != ENCODING:
                # Payloads written by other clients (e.g. the CLI) pass unchanged.
                yield payload
                continue
            key_id = payload.metadata.get(KEY_ID, DEFAULT_KEY_ID.encode()).decode()
            if key_id.endswith(SEALED_SUFFIX) and not self._ring.sealed:
                yield payload  # a ballot: stays encrypted for whoever holds no sealed key
                continue
            data = payload.data
            clear = self._ring.cipher(key_id).decrypt(data[:12], data[12:], None)
            yield Payload.FromString(clear)
