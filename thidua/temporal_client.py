"""Connecting to Temporal with the engine's data converter: JSON payloads that also
carry ``date`` values (decision dates), encrypted by the payload codec."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import temporalio.converter
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.converter import (
    AdvancedJSONEncoder,
    CompositePayloadConverter,
    DefaultPayloadConverter,
    JSONPlainPayloadConverter,
    JSONTypeConverter,
)

from .codec import SEAL, EncryptionCodec, KeyRing
from .settings import Settings


class _DateEncoder(AdvancedJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, date) and not isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


class _DateTypeConverter(JSONTypeConverter):
    def to_typed_value(self, hint: type, value: Any) -> Any:
        if hint is date and isinstance(value, str):
            return date.fromisoformat(value)
        return JSONTypeConverter.Unhandled


class PayloadConverter(CompositePayloadConverter):
    """The default converters, with a JSON one that round-trips ``datetime.date``."""

    def __init__(self) -> None:
        converters = [
            JSONPlainPayloadConverter(
                encoder=_DateEncoder, custom_type_converters=[_DateTypeConverter()]
            )
            if isinstance(converter, JSONPlainPayloadConverter)
            else converter
            for converter in DefaultPayloadConverter.default_encoding_payload_converters
        ]
        super().__init__(*converters)

    def to_payloads(self, values: Sequence[Any]) -> list[Payload]:
        """Payloads of sealed types (``SEALED = True`` on the class: a ballot sheet) carry
        the seal mark, so the codec encrypts them with a sealed key."""
        payloads = super().to_payloads(values)
        for value, payload in zip(values, payloads, strict=True):
            if getattr(type(value), "SEALED", False) is True:
                payload.metadata[SEAL] = b"ballot"
        return payloads


def key_ring(settings: Settings) -> KeyRing:
    return KeyRing.load(settings.payload_encryption_key, settings.payload_keyring_path)


def data_converter(settings: Settings) -> temporalio.converter.DataConverter:
    return dataclasses.replace(
        temporalio.converter.DataConverter.default,
        payload_converter_class=PayloadConverter,
        payload_codec=EncryptionCodec(key_ring(settings)),
    )


async def connect(settings: Settings, *, identity: str | None = None) -> Client:
    return await Client.connect(
        settings.resolved_temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),
        identity=identity,
    )
