"""Schemathesis over the OpenAPI document: every operation of the JSON API, with generated
data (valid and invalid), authenticated, against the real app, a seeded database, the
worker and a Temporal test server. No answer may be a server error (5xx), and every
documented answer must match its response schema.

How it runs: the app is served by uvicorn inside the test's event loop (where the
harness's engine and Temporal client live); Schemathesis and Hypothesis drive it over
HTTP from a worker thread, so the loop stays free to answer. Each operation gets a
bounded, derandomized number of examples (reproducible); half of them aim at objects
that exist (a submitted nomination, an open council session, a decision awaiting its
signature, the running campaign, an exemplar...) so the commands reach the workflows
instead of stopping at "no such thing".

Three passes: as the ward's standing-body officer (who may do the most), as a unit
officer (who proposes), and once more as the standing officer with a control character
(C0, DEL or C1: U+0000 included, which PostgreSQL cannot store) put into one string of
every example, its path, query or body: each must be refused, never a 5xx; a fourth as
the deployment's administrator over the administration. PostgreSQL runs all four, SQLite
the first and the fourth with fewer examples (``EXAMPLES``). The login, objection and
verification rate limits are raised for the test: they would otherwise turn most examples
of those operations into 429s.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from domain.vocabulary import Stage

pytestmark = pytest.mark.timeout(420)

MAX_EXAMPLES = 4  # per operation, per generation mode, per pass
SECOND_PASS_EXAMPLES = 3  # valid data only: invalid data is refused before any role matters
CONTROL_PASS_EXAMPLES = 3  # valid data with one control character in it
# The administration (accounts, registry, councils, history, imports) as the deployment's
# administrator: the other passes' users are refused there before any input is read.
ADMIN_PASS_EXAMPLES = 4
# PostgreSQL runs every pass in full: it is the stricter database (lengths, NUL, integer
# ranges) and production's. SQLite runs the first and the administrator's passes, every
# operation in both generation modes, with fewer examples: the unit officer's pass and the
# control characters are refused by the application before the database, the same on both
# (a NUL reaching the database would fail on PostgreSQL first). That keeps the suite
# within its 20 minutes as the API grows.
EXAMPLES = {
    "postgresql": (MAX_EXAMPLES, SECOND_PASS_EXAMPLES, CONTROL_PASS_EXAMPLES, ADMIN_PASS_EXAMPLES),
    "sqlite": (3, 0, 0, 2),
}
ADMIN_PATHS = ("/api/v1/admin", "/api/v1/imports", "/api/v1/users")


# ---------------------------------------------------------------------------------------
# The world the examples aim at


async def prepare_world(h) -> dict[str, Any]:
    """Objects in stages where the commands are live, by path-parameter name."""
    from tests.campaigns.helpers import launch_campaign, this_year

    reception = (await h.nominate())["id"]
    council = (await h.nominate(person="Đặng Thị Thủy"))["id"]
    await h.ok("thuongtruc", f"/api/v1/nominations/{council}/accept", {})
    session = await h.convene([council])
    draft = (await h.nominate(submit=False))["id"]
    campaign_id = await launch_campaign(h, await this_year(h))  # the seeded plan, this year
    exemplar = await h.ok(
        "canbo.vanphong",
        f"/api/v1/campaigns/{campaign_id}/exemplars",
        {
            "title": "Gương cán bộ tận tụy",
            "subject_kind": "individual",
            "person_id": h.ids.people["Nguyễn Thị Hoa"],
            "proposing_unit_id": h.ids.units["tk-van-phong"],
            "content_area_code": "cai-cach-hanh-chinh",
            "evidence": "Không để hồ sơ trễ hạn",
        },
        status=201,
    )
    await h.wait_stage(council, Stage.IN_COUNCIL)
    # A decision awaiting its signature: another nomination through its council.
    decided = (
        await h.nominate(
            person="Lê Thị Hương", unit_user="canbo.truonghoc", unit_code="tk-th-thach-khoi"
        )
    )["id"]
    await h.ok("thuongtruc", f"/api/v1/nominations/{decided}/accept", {})
    voted = await h.convene([decided])
    for member in ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq", "uyvien.xdd"):
        await h.vote(voted["id"], member, {decided: "agree"})
    await h.wait_stage(decided, Stage.AWAITING_DECISION)
    decision = await h.draft_decision([decided])
    return {
        "nomination_id": [reception, council, draft, decided],
        "session_id": [session["id"], voted["id"]],
        "campaign_id": [campaign_id],
        "exemplar_id": [exemplar["id"]],
        "person_id": [h.ids.people["Nguyễn Thị Hoa"]],
        "collective_id": list(h.ids.collectives.values())[:1],
        "household_id": list(h.ids.households.values())[:1],
        "code": ["giay_khen", "cstdcs"],
        "milestone_code": ["so-ket-2026", "mid_term_review"],
        "item_id": [1],
        "notice_id": [1],
        "document_id": [1],
        "decision_id": [decision["id"]],
    }


# ---------------------------------------------------------------------------------------
# Serving the app in the test's loop


@contextlib.asynccontextmanager
async def served(app):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, lifespan="off", log_level="critical", access_log=False)
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


# ---------------------------------------------------------------------------------------
# Driving Schemathesis (in a worker thread)


# ---------------------------------------------------------------------------------------
# Control characters in the generated strings

CONTROL_CHARACTERS = [chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))]


def _string_places(value: Any, at: tuple = ()) -> list[tuple]:
    """The paths (keys and positions) to every string inside ``value``."""
    if isinstance(value, str):
        return [at]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _string_places(v, (*at, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _string_places(v, (*at, i))]
    return []


def _put(value: Any, at: tuple, character: str, position: int) -> Any:
    if not at:
        cut = position % (len(value) + 1)
        return value[:cut] + character + value[cut:]
    head, rest = at[0], at[1:]
    if isinstance(value, dict):
        return {**value, head: _put(value[head], rest, character, position)}
    return [_put(v, rest, character, position) if i == head else v for i, v in enumerate(value)]


# Kept in a multi-line text field (a reason): an answer may accept them.
LINE_CHARACTERS = frozenset("\t\n\r")


def _holds_a_refused_character(case) -> bool:
    """Whether a string of the case's path, query or body holds a control character no
    field accepts."""
    sent = [case.path_parameters, case.query, case.body]
    return any(
        ch in CONTROL_CHARACTERS and ch not in LINE_CHARACTERS
        for at in _string_places(sent)
        for ch in _at(sent, at)
    )


def _at(value: Any, at: tuple) -> Any:
    for step in at:
        value = value[step]
    return value


def with_a_control_character(_context, value: Any):
    """``value`` (a body, a query, the path parameters) with a control character put into
    one of its strings, when it has any."""
    places = _string_places(value)
    if not places:
        return st.just(value)
    return st.tuples(
        st.sampled_from(places), st.sampled_from(CONTROL_CHARACTERS), st.integers(0, 1000)
    ).map(lambda drawn: _put(value, *drawn))


def control_character_schema(app):
    """The app's schema whose every generated example carries a control character."""
    schema = schemathesis.openapi.from_dict(app.openapi())
    for container in ("body", "query", "path_parameters"):
        schema.hook(f"flatmap_{container}")(with_a_control_character)
    return schema


@dataclass
class Findings:
    server_errors: list[str] = field(default_factory=list)
    schema_mismatches: list[str] = field(default_factory=list)
    calls: int = 0
    control_character_refusals: int = 0
    control_characters_accepted: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)


def _strategy(operation, mode: GenerationMode, world: dict[str, list]):
    generated = operation.as_strategy(generation_mode=mode)
    names = [p.name for p in operation.iter_parameters() if p.location == "path"]
    if not names or mode != GenerationMode.POSITIVE or not all(n in world for n in names):
        return generated
    aimed = st.fixed_dictionaries({n: st.sampled_from(world[n]) for n in names}).flatmap(
        lambda values: operation.as_strategy(generation_mode=mode, path_parameters=values)
    )
    return st.one_of(aimed, generated)


def _describe(case, response) -> str:
    body = response.text[:300] if response is not None else ""
    status = response.status_code if response is not None else "exception"
    sent = case.body if not isinstance(case.body, bytes | bytearray) else "<bytes>"
    try:
        sent = json.dumps(sent, ensure_ascii=False, default=str)[:300]
    except TypeError:
        sent = repr(sent)[:300]
    return (
        f"{case.method} {case.formatted_path} query={case.query} → {status}: {body}\n"
        f"    body sent: {sent}"
    )


def _check(
    case, response, mode: GenerationMode, findings: Findings, label: str, reported: set
) -> None:
    key = f"{response.status_code // 100}xx"
    findings.statuses[key] = findings.statuses.get(key, 0) + 1
    if response.status_code == 422 and '"control_character"' in response.text:
        findings.control_character_refusals += 1
    elif response.status_code < 400 and _holds_a_refused_character(case):
        findings.control_characters_accepted.append(f"[{label}] {_describe(case, response)}")
    try:
        case.validate_response(response, checks=[not_a_server_error])
    except BaseExceptionGroup:  # schemathesis' FailureGroup
        if (case.operation.label, mode) not in reported:  # one report per operation and mode
            reported.add((case.operation.label, mode))
            findings.server_errors.append(f"[{label}/{mode.value}] {_describe(case, response)}")
        return
    if mode != GenerationMode.POSITIVE or response.status_code >= 400:
        return  # invalid input, or an error: its body has the one shape of api/errors.py
    try:
        case.validate_response(
            response, checks=[response_schema_conformance, status_code_conformance]
        )
    except BaseExceptionGroup as exc:  # schemathesis' FailureGroup
        findings.schema_mismatches.append(
            f"[{label}] {_describe(case, response)}\n    {str(exc)[:400]}"
        )


def _exercise(operation, mode: GenerationMode, world, max_examples: int, call, check):
    @hypothesis.settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, mode, world))
    def exercise(case):
        check(case, call(case), mode)

    return exercise


def run_schemathesis(
    schema,
    base_url: str,
    headers: dict[str, str],
    world: dict[str, list],
    max_examples: int,
    label: str,
    modes=(GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
    paths: tuple[str, ...] = ("/",),
) -> Findings:
    findings = Findings()
    reported: set = set()
    http = requests.Session()

    def call(case):
        findings.calls += 1
        return case.call(base_url=base_url, session=http, headers=headers, timeout=60)

    def check(case, response, mode):
        _check(case, response, mode, findings, label, reported)

    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(paths):
            continue
        for mode in modes:
            started = time.monotonic()
            try:
                _exercise(operation, mode, world, max_examples, call, check)()
            except hypothesis.errors.Unsatisfiable:
                continue  # nothing to make invalid (no parameters, no body)
            except Exception:
                findings.server_errors.append(
                    f"[{label}/{mode.value}] {operation.label}: the run failed\n"
                    f"{traceback.format_exc()[-1500:]}"
                )
            finally:
                findings.seconds[f"{operation.label} {mode.value}"] = time.monotonic() - started
    http.close()
    return findings


def raise_rate_limits(monkeypatch) -> None:
    import api.services.objections as objections
    import api.services.sign_in_limits as sign_in_limits
    import api.services.verification as verification

    monkeypatch.setattr(sign_in_limits, "PAIR_FAILURES", 100_000)
    monkeypatch.setattr(sign_in_limits, "ACCOUNT_FAILURES", 100_000)
    monkeypatch.setattr(objections, "OBJECTIONS_PER_ADDRESS", 100_000)
    monkeypatch.setattr(objections, "OBJECTIONS_PER_CONTACT", 100_000)
    monkeypatch.setattr(verification, "VERIFY_PER_MINUTE", 100_000)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
async def test_no_operation_answers_a_server_error(harness, backend, monkeypatch):
    first_examples, second_examples, control_examples, admin_examples = EXAMPLES[backend]
    raise_rate_limits(monkeypatch)
    world = await prepare_world(harness)
    schema = schemathesis.openapi.from_dict(harness.app.openapi())
    operations = sum(1 for _ in schema.get_all_operations())
    assert operations >= 70, operations  # the whole API, not a stub of it

    async with served(harness.app) as base_url:
        first = await asyncio.to_thread(
            run_schemathesis,
            schema,
            base_url,
            harness.headers("thuongtruc"),
            world,
            first_examples,
            "thuongtruc",
        )
        second = Findings()
        if second_examples:
            second = await asyncio.to_thread(
                run_schemathesis,
                schema,
                base_url,
                harness.headers("canbo.vanphong"),
                world,
                second_examples,
                "canbo.vanphong",
                (GenerationMode.POSITIVE,),
            )
        third = Findings()
        if control_examples:
            third = await asyncio.to_thread(
                run_schemathesis,
                control_character_schema(harness.app),
                base_url,
                harness.headers("thuongtruc"),
                world,
                control_examples,
                "control characters",
                (GenerationMode.POSITIVE,),
            )
        fourth = await asyncio.to_thread(
            run_schemathesis,
            schema,
            base_url,
            harness.headers("quantri"),
            world,
            admin_examples,
            "quantri",
            paths=ADMIN_PATHS,
        )

    slowest = sorted(first.seconds.items(), key=lambda kv: -kv[1])[:12]
    print("slowest:", *(f"{k}: {v:.1f}s" for k, v in slowest), sep="\n  ")
    server_errors = (
        first.server_errors + second.server_errors + third.server_errors + fourth.server_errors
    )
    mismatches = (
        first.schema_mismatches
        + second.schema_mismatches
        + third.schema_mismatches
        + fourth.schema_mismatches
    )
    accepted = third.control_characters_accepted
    passes = (first, second, third, fourth)
    print("\npasses: " + " + ".join(f"{sum(p.seconds.values()):.0f}s" for p in passes))
    print(
        f"\n{operations} operations, {sum(p.calls for p in passes)} calls: "
        + " / ".join(str(p.statuses) for p in passes)
        + f"; {third.control_character_refusals} control characters refused"
    )
    assert not server_errors, "server errors:\n" + "\n".join(server_errors)
    assert not mismatches, "responses that break their schema:\n" + "\n".join(mismatches)
    # The examples reached the engine: some succeeded, most were refused cleanly.
    assert first.statuses.get("2xx", 0) > 50, first.statuses
    assert not accepted, "control characters accepted:\n" + "\n".join(accepted[:20])
    # The administration was reached as its administrator, not only refused.
    assert fourth.statuses.get("2xx", 0) > 20, fourth.statuses
    # The control characters reached the checks (the hooks were applied).
    assert not control_examples or third.control_character_refusals > 50, third.statuses
