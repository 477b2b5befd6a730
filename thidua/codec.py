"""AES-GCM encryption of every Temporal payload.

Workflow histories hold ballot sheets (secret), objectors' names and contacts, and
nominees' data. Temporal stores payloads as given, and anyone with access to its
database or Web UI could read them; encrypting in the client keeps them opaque outside
this engine (Temporal's recommended "payload codec").
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable, Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID = b"thidua-key-id"


class EncryptionCodec(PayloadCodec):
    def __init__(self, key: bytes, key_id: str = "default") -> None:
        if len(key) not in (16, 24, 32):
            raise ValueError("the payload encryption key must be 16, 24 or 32 bytes")
        self._aes = AESGCM(key)
        self._key_id = key_id.encode()

    @classmethod
    def from_base64(cls, key_b64: str, key_id: str = "default") -> EncryptionCodec:
        try:
            key = base64.b64decode(key_b64, validate=True)
        except ValueError as exc:
            raise ValueError("THIDUA_PAYLOAD_ENCRYPTION_KEY is not valid base64") from exc
        return cls(key, key_id)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return list(self._decrypt_all(payloads))

    def _encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(12)
        data = nonce + self._aes.encrypt(nonce, payload.SerializeToString(), None)
        return Payload(metadata={"encoding": ENCODING, KEY_ID.decode(): self._key_id}, data=data)

    def _decrypt_all(self, payloads: Iterable[Payload]) -> Iterable[Payload]:
        for payload in payloads:
            if payload.metadata.get("encoding", b"") != ENCODING:
                # Payloads written by other clients (e.g. the CLI) pass unchanged.
                yield payload
                continue
            data = payload.data
            clear = self._aes.decrypt(data[:12], data[12:], None)
            yield Payload.FromString(clear)
