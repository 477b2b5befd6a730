"""The tamper-evident audit trail: the hash of an event, and the checks over a chain.

Pure functions over plain data (no I/O): the writer (``models.audit``), the migration
that chains an existing trail (0008), the seal activity and ``thidua audit verify`` all
compute the same bytes from here.

**Chains.** Every audit event belongs to the chain of its subject,
``chain_key = "<subject_type>:<subject_id>"`` (``nomination:12``, ``council_session:3``,
``campaign:2026``…), numbered from 1 by ``chain_seq``. Each event carries the hash of the
previous event of its chain (``prev_hash``; ``""`` for the first) and its own ``hash``.
One chain per subject means that a year-end burst of nominations writes many chains in
parallel instead of queueing on one global head.

**The hash (version 1), so that an auditor can recompute it without this code.** Build a
JSON object with exactly these keys:

    action, actor_name, actor_role, actor_user_id, chain_key, changes, event_key,
    from_stage, level, nomination_id, occurred_at, prev_hash, reason, recorded_at,
    subject_id, subject_type, to_stage

with the values as stored (NULL → ``null``; ``level`` as its text value; ``changes`` as
the stored JSON value; ``occurred_at`` and ``recorded_at`` in UTC as
``YYYY-MM-DDTHH:MM:SS.ffffffZ``, six digits of microseconds). Serialise it with sorted
keys, separators ``","`` and ``":"``, non-ASCII characters kept as UTF-8 (Python:
``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``), encode as
UTF-8 and take the SHA-256, in lowercase hex. The database ``id`` is not hashed (the
database assigns it), nor ``chain_seq``: the order is what ``prev_hash`` links, and a
sequence number changed on its own reads as a reordering, not as an edited event.

**Seals.** A seal lists every chain's head, ``{chain_key: [chain_seq, hash]}``; its root
is the SHA-256 (hex) of that object serialised as above; the root (as its 64 ASCII hex
characters) is signed with the engine's Ed25519 audit-seal key, whose public key is on
the public portal. A chain whose head is behind a published seal has lost its newest
events.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

HASHED_FIELDS = (
    "action",
    "actor_name",
    "actor_role",
    "actor_user_id",
    "chain_key",
    "changes",
    "event_key",
    "from_stage",
    "level",
    "nomination_id",
    "occurred_at",
    "prev_hash",
    "reason",
    "recorded_at",
    "subject_id",
    "subject_type",
    "to_stage",
)


def chain_key(subject_type: str, subject_id: int) -> str:
    return f"{subject_type}:{subject_id}"


def canonical_time(moment: datetime) -> str:
    """UTC, microseconds, ``Z``; a naive value is taken as UTC (SQLite hands those back)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return canonical_time(value)
    if isinstance(value, StrEnum):
        return value.value
    return value


def event_hash(fields: Mapping[str, Any]) -> str:
    """The hash of one event from its stored values (see the module docstring).

    ``changes`` goes through a JSON round trip first, so the hash is that of the value
    the database stores (integer keys become text, tuples lists) whoever computes it."""
    content = {name: _plain(fields.get(name)) for name in HASHED_FIELDS}
    content["changes"] = json.loads(json.dumps(content["changes"] or {}))
    return hashlib.sha256(canonical_json(content)).hexdigest()


def seal_root(heads: Mapping[str, tuple[int, str] | list[Any]]) -> str:
    return hashlib.sha256(
        canonical_json({key: [int(seq), str(h)] for key, (seq, h) in heads.items()})
    ).hexdigest()


class Tampering(StrEnum):
    EDITED = "edited"  # the event's content no longer gives its hash
    INSERTED = "inserted"  # an event that does not link to the one before it
    DELETED = "deleted"  # the link points to a missing event, or the head is behind the seal
    REORDERED = "reordered"  # the events are there but not in their order


@dataclass(frozen=True, slots=True)
class ChainProblem:
    chain_key: str
    kind: Tampering
    chain_seq: int
    event_id: int | None
    event_key: str
    detail: str  # in English, for the command line
    # What the page words in the reader's language: a code and its values
    # (api/i18n_audit_chain.py, ``ac_reason_<code>``).
    reason: str = ""
    values: tuple[tuple[str, int], ...] = ()

    def line(self) -> str:
        who = f"event {self.event_id} ({self.event_key})" if self.event_id else self.event_key
        return (
            f"{self.kind.value}: chain {self.chain_key} seq {self.chain_seq}: {who}: {self.detail}"
        )


def check_chain(
    key: str,
    events: Iterable[Mapping[str, Any]],
    sealed_head: tuple[int, str] | list[Any] | None = None,
) -> ChainProblem | None:
    """The first problem of one chain, or None.

    ``events`` are the stored rows of the chain (``id``, ``chain_seq``, ``hash`` and the
    hashed fields) in ``chain_seq`` order. ``sealed_head`` is ``[chain_seq, hash]`` of the
    chain in the last published seal, if any: without it the deletion of the newest
    events cannot be told from a chain that simply ended there."""
    rows = list(events)
    position_of = {row["hash"]: position for position, row in enumerate(rows, start=1)}

    def problem(
        row: Mapping[str, Any], kind: Tampering, detail: str, reason: str, **values: int
    ) -> ChainProblem:
        return ChainProblem(
            key,
            kind,
            int(row["chain_seq"]),
            row.get("id"),
            str(row["event_key"]),
            detail,
            reason,
            tuple(values.items()),
        )

    expected_prev = ""
    for position, row in enumerate(rows, start=1):
        seq = int(row["chain_seq"])
        if event_hash(row) != row["hash"]:
            return problem(
                row, Tampering.EDITED, "its content no longer gives its hash", "content_changed"
            )
        if row["prev_hash"] != expected_prev:
            if row["prev_hash"] == "":
                return problem(
                    rows[0],
                    Tampering.INSERTED,
                    f"the chain's first event is number {seq}",
                    "first_numbered",
                    seq=seq,
                )
            earlier = position_of.get(row["prev_hash"])
            if earlier is None:
                return problem(
                    row, Tampering.DELETED, "the event before it is missing", "previous_missing"
                )
            if earlier < position - 1:
                return problem(
                    rows[earlier],
                    Tampering.INSERTED,
                    "it stands between two events that link to each other",
                    "between_linked",
                )
            return problem(
                row, Tampering.REORDERED, "the event it follows comes after it", "follows_later"
            )
        if seq != position:
            return problem(
                row,
                Tampering.REORDERED,
                f"numbered {seq} at place {position}",
                "misnumbered",
                seq=seq,
                position=position,
            )
        expected_prev = row["hash"]
    if sealed_head is not None:
        sealed_seq, sealed_hash = int(sealed_head[0]), str(sealed_head[1])
        if len(rows) < sealed_seq:
            return ChainProblem(
                key,
                Tampering.DELETED,
                len(rows) + 1,
                None,
                f"events {len(rows) + 1}..{sealed_seq}",
                f"the newest events are gone: the last seal has this chain up to {sealed_seq}",
                "newest_gone",
                (("sealed", sealed_seq),),
            )
        if sealed_seq > 0 and rows[sealed_seq - 1]["hash"] != sealed_hash:
            return problem(
                rows[sealed_seq - 1],
                Tampering.EDITED,
                "the chain was rewritten since the seal",
                "rewritten",
            )
    return None
