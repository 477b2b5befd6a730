"""A ballot can never be read back, by anyone: after a session where every member voted
differently, no GET endpoint (JSON), no page, no CSV export and no document (minutes,
decision) shows any member's choice — for every role, the members themselves included;
no database table links a member to a choice, no stored value holds one; and the
workflow history Temporal keeps (which its Web UI shows) is encrypted.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from importlib import import_module

import pypdf
import pytest
from sqlalchemy import JSON, String, Text, select
from temporalio.client import Client

from api.routers import ROUTER_MODULES
from domain.vocabulary import Stage
from models import Base, CouncilSession, DecisionItem, DossierItem

from ..pages.conftest import Person

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

MEMBERS = ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq", "uyvien.xdd")
ROLES = (
    "canbo.vanphong",
    "canbo.tdp1",
    "thuongtruc",
    "chutich",
    "phochutich",
    "uyvien.vhxh",
    "uyvien.mttq",
    "uyvien.xdd",
    "kiemtra",
    "quantri",
    "thanhpho",
    "trunguong",
    None,
)
CHOICE_TOKENS = {"agree", "disagree", "abstain"}
CHOICE_LABELS = ("Đồng ý", "Không đồng ý", "Không biểu quyết", "Agree", "Disagree", "Abstain")
BLOCK_TAGS = re.compile(
    r"<(?:/?(?:li|tr|p|div|dd|dt|section|h\d|ul|ol|table|tbody|thead|form|"
    r"fieldset|legend|label|br)\b)[^>]*>",
    re.I,
)
TAGS = re.compile(r"<[^>]+>")
# The absent member's written opinion: in the minutes under her name, nowhere else.
WRITTEN_OPINION = "Vắng mặt vì đi công tác; gửi ý kiến bằng văn bản về hai trường hợp."


async def voted_session(harness) -> dict:
    """Two nominations; five members voting five different ways; both pass (3 of 5)."""
    first = (await harness.nominate(person="Nguyễn Thị Hoa"))["id"]
    second = (await harness.nominate(person="Đặng Thị Thủy"))["id"]
    for nomination_id in (first, second):
        await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {})
    session = await harness.convene([first, second])
    ballots = {
        "chutich": ({first: "agree", second: "disagree"}, "in_person"),
        "phochutich": ({first: "disagree", second: "agree"}, "in_person"),
        "uyvien.vhxh": ({first: "abstain", second: "agree"}, "in_person"),
        "uyvien.mttq": ({first: "agree", second: "abstain"}, "written"),
        "uyvien.xdd": ({first: "agree", second: "agree"}, "in_person"),
    }
    for member, (choices, mode) in ballots.items():
        if mode == "written":
            cast = await harness.post(
                member,
                f"/api/v1/council-sessions/{session['id']}/ballot",
                {
                    "mode": mode,
                    "choices": {str(k): v for k, v in choices.items()},
                    "written_opinion": WRITTEN_OPINION,
                },
            )
            assert cast.status_code == 201, cast.text
        else:
            await harness.vote(session["id"], member, choices, mode=mode)
    for nomination_id in (first, second):
        await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)
    decision = await harness.draft_decision([first, second])
    signed = await harness.sign(decision["id"])
    await harness.wait_stage(first, Stage.GRANTED)
    return {
        "session": session["id"],
        "nominations": [first, second],
        "decision": decision["id"],
        "decision_document": signed["document_id"],
    }


def get_paths(values: dict[str, list]) -> Iterator[str]:
    """Every GET route of the application, its path parameters filled with real ids."""
    for module in ROUTER_MODULES:
        for route in import_module(module).router.routes:
            if "GET" not in getattr(route, "methods", ()):
                continue
            names = re.findall(r"{(\w+)}", route.path)
            combos = [route.path]
            for name in names:
                combos = [
                    c.replace("{" + name + "}", str(v))
                    for c in combos
                    for v in values.get(name, [1])
                ]
            yield from combos


def json_leaks(payload, where: str = "$") -> list[str]:
    """Choice values anywhere in a JSON document (tallies are numbers under keys named
    agree/disagree/abstain: those are counts, not choices)."""
    found = []
    if isinstance(payload, dict):
        for key, value in payload.items():
            # The catalogue's "vote" names a rule (secret ballot, show of hands), a plain
            # word that is no choice; anything else under these keys is suspect.
            is_rule = (
                key.lower() == "vote"
                and isinstance(value, str)
                and (value.strip().lower() not in CHOICE_TOKENS)
            )
            if key.lower() in ("choice", "choices", "vote", "votes", "ballot") and not is_rule:
                found.append(f"{where}.{key}")
            found += json_leaks(value, f"{where}.{key}")
    elif isinstance(payload, list):
        for index, value in enumerate(payload):
            found += json_leaks(value, f"{where}[{index}]")
    elif isinstance(payload, str) and payload.strip().lower() in CHOICE_TOKENS:
        found.append(f"{where}={payload!r}")
    return found


def lines_of_html(html: str) -> list[str]:
    return [" ".join(TAGS.sub(" ", part).split()) for part in BLOCK_TAGS.split(html)]


def text_leaks(lines: list[str], names: list[str]) -> list[str]:
    """A line that names a member and shows a choice label is a member's choice."""
    return [
        line
        for line in lines
        if any(name in line for name in names) and any(label in line for label in CHOICE_LABELS)
    ]


async def test_no_role_can_read_a_ballot_back(harness):
    made = await voted_session(harness)
    async with harness.factory() as db:
        session_row = await db.get(CouncilSession, made["session"])
        item_ids = list((await db.execute(select(DecisionItem.id))).scalars())
        dossier_ids = list((await db.execute(select(DossierItem.id))).scalars())[:2]
    member_names = [harness.ids.users[m] and m for m in MEMBERS]
    async with harness.factory() as db:
        from models import User

        member_names = [
            u.full_name
            for u in (await db.execute(select(User).where(User.username.in_(MEMBERS)))).scalars()
        ]
    values = {
        "session_id": [made["session"]],
        "nomination_id": made["nominations"],
        "decision_id": [made["decision"]],
        "document_id": [session_row.minutes_document_id, made["decision_document"]],
        "item_id": item_ids + dossier_ids,
        "person_id": [harness.ids.people["Nguyễn Thị Hoa"]],
        "campaign_id": [1],
        "exemplar_id": [1],
        "collective_id": [1],
        "household_id": [1],
        "code": ["giay_khen"],
    }
    assert session_row.minutes_document_id, "the minutes exist (they are checked too)"
    paths = sorted(set(get_paths(values)))
    leaks: list[str] = []
    seen = {"json": 0, "html": 0, "pdf": 0, "csv": 0}
    opinions_seen = 0
    for username in ROLES:
        person = Person(harness, username)
        try:
            for path in paths:
                if path.startswith("/api/"):
                    headers = harness.headers(username) if username else {}
                    response = await harness.http.get(path, headers=headers)
                else:
                    response = await person.get(path)
                if response.status_code != 200:
                    continue
                kind = response.headers.get("content-type", "")
                where = f"{username or 'anonymous'} GET {path}"
                if "json" in kind:
                    seen["json"] += 1
                    leaks += [f"{where}: {leak}" for leak in json_leaks(response.json())]
                    leaks += [
                        f"{where}: {line}"
                        for line in text_leaks(
                            json.dumps(response.json(), ensure_ascii=False).split("},"),
                            member_names,
                        )
                    ]
                elif "html" in kind:
                    seen["html"] += 1
                    leaks += [
                        f"{where}: {line}"
                        for line in text_leaks(lines_of_html(response.text), member_names)
                    ]
                    if "/ballot" in path and " checked" in response.text:
                        leaks.append(f"{where}: a choice is pre-selected on the ballot form")
                elif "pdf" in kind:
                    seen["pdf"] += 1
                    text = "\n".join(
                        page.extract_text() or ""
                        for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
                    )
                    opinions_seen += " ".join(text.split()).count(WRITTEN_OPINION)
                    leaks += [
                        f"{where}: {line}" for line in text_leaks(text.splitlines(), member_names)
                    ]
                elif "csv" in kind:
                    seen["csv"] += 1
                    leaks += [
                        f"{where}: {line}"
                        for line in text_leaks(response.text.splitlines(), member_names)
                    ]
        finally:
            await person.aclose()
    assert not leaks, "\n".join(leaks[:20])
    # The check looked at real content: the session as JSON and as a page, the minutes,
    # the audit export, for the people entitled to them.
    assert seen["json"] > 100 and seen["html"] > 100 and seen["pdf"] >= 2 and seen["csv"] >= 1, seen
    assert opinions_seen, "the minutes carry the absent member's written opinion"
    closed = (await harness.get("thuongtruc", f"/api/v1/council-sessions/{made['session']}")).json()
    assert [i["agree"] for i in closed["items"]] == [3, 3]  # the tallies, and only those
    assert sorted(m["has_voted"] for m in closed["members"]) == [True] * 5


async def test_no_table_or_stored_value_links_a_member_to_a_choice(harness):
    made = await voted_session(harness)
    person_columns = {"member_id", "user_id", "actor_user_id", "voter_id", "person_id"}
    for table in Base.metadata.sorted_tables:
        columns = {c.name for c in table.columns}
        choice_columns = {c for c in columns if re.search(r"choice|vote|opinion", c)}
        assert not (columns & person_columns and choice_columns), (table.name, choice_columns)

    found = []
    async with harness.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            texts = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            if not texts:
                continue
            for row in (await connection.execute(select(*texts))).all():
                for column, value in zip(texts, row, strict=True):
                    serialised = json.dumps(value, ensure_ascii=False) if value is not None else ""
                    if re.search(r'"(?:agree|disagree|abstain)"', serialised) or (
                        isinstance(value, str) and value.strip().lower() in CHOICE_TOKENS
                    ):
                        found.append(f"{table.name}.{column.name}: {serialised[:120]}")
                    if WRITTEN_OPINION in serialised:  # it lives in the minutes only
                        found.append(f"{table.name}.{column.name}: the written opinion")
    assert not found, found

    # What Temporal stores (and its Web UI shows) is ciphertext: read the session's
    # history without the engine's key, as anyone with access to Temporal could.
    raw = Client(harness.client.service_client, namespace=harness.client.namespace)
    history = await raw.get_workflow_handle(f"council-session-{made['session']}").fetch_history()
    blob = history.to_json()
    assert "update_accepted" in blob.lower() or "updateAccepted" in blob  # the ballots are in it
    for token in ("disagree", "abstain", '"agree"', "written_opinion", "choices"):
        assert token not in blob, token
