"""A decision is its number together with its issuer and year: the ward's and the city's
first decisions of a year are both "01/QĐ-UBND". Every look-up by number (verification
API and page, the public decisions API) names the issuer of each decision it finds and
takes the issuer to find one; the portal heads each decision with its issuer and lists
decisions only as awarded, a submission (tờ trình) apart as "forwarded to" the next level."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from api.app import build_state, create_app
from domain.vocabulary import DecisionKind, DecisionStatus
from models import Decision, DecisionItem
from tests.clock import fixed_clock
from thidua.db import transaction

from .factories import World, add_nomination

NUMBER = "01/QĐ-UBND"


@pytest.fixture
async def client(doc_settings) -> AsyncIterator[httpx.AsyncClient]:
    state = build_state(doc_settings)
    state.clock = fixed_clock()
    app = create_app(doc_settings, state=state)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client
    await state.engine.dispose()


@dataclass
class FirstDecisions:
    ward: int
    city: int
    submission: int


async def _issued(
    session, world: World, *, authority_id: int, kind: DecisionKind, number_text: str, name: str
) -> int:
    nomination = await add_nomination(session, world, name=name)
    decision = Decision(
        authority_id=authority_id,
        kind=kind,
        status=DecisionStatus.ISSUED,
        title=f"Về việc tặng Giấy khen cho bà {name}",
        drafted_by_user_id=world.officer.id,
        year=2027,
        number=1,
        number_text=number_text,
        issued_on=date(2027, 1, 5),
        signed_at=datetime(2027, 1, 5, 3, tzinfo=UTC),
    )
    session.add(decision)
    await session.flush()
    session.add(
        DecisionItem(
            decision_id=decision.id,
            nomination_id=nomination.id,
            position=1,
            nominee_name=name,
            award_code=nomination.award_code,
        )
    )
    await session.flush()
    return decision.id


@pytest.fixture
async def first_decisions(doc_factory, world) -> FirstDecisions:
    """The ward's and the city's first decisions of 2027 (both 01/QĐ-UBND) and the ward's
    first submission (01/TTr-UBND)."""
    async with transaction(doc_factory) as session:
        return FirstDecisions(
            ward=await _issued(
                session,
                world,
                authority_id=world.authority.id,
                kind=DecisionKind.DECISION,
                number_text=NUMBER,
                name="Nguyễn Thị Hoa",
            ),
            city=await _issued(
                session,
                world,
                authority_id=world.city_authority.id,
                kind=DecisionKind.DECISION,
                number_text=NUMBER,
                name="Đặng Thị Thủy",
            ),
            submission=await _issued(
                session,
                world,
                authority_id=world.authority.id,
                kind=DecisionKind.SUBMISSION,
                number_text="01/TTr-UBND",
                name="Lê Thị Mai",
            ),
        )


def section(page: str, section_id: str) -> str:
    """The HTML of one ``<section id=…>`` of a page."""
    start = page.index(f'<section id="{section_id}"')
    return page[start : page.index("</section>", start)]


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


async def test_a_number_alone_names_both_issuers_and_the_issuer_picks_one(
    client, first_decisions, world
):
    both = await client.get("/api/v1/verify", params={"number": NUMBER, "year": 2027})
    assert both.status_code == 200
    body = both.json()
    assert {d["decision_id"] for d in body["decisions"]} == {
        first_decisions.ward,
        first_decisions.city,
    }
    assert {(i["authority_id"], i["authority_name"]) for i in body["issuers"]} == {
        (world.authority.id, "Ủy ban nhân dân phường Thạch Khôi"),
        (world.city_authority.id, "Ủy ban nhân dân thành phố Hải Phòng"),
    }
    for found in body["decisions"]:
        # Each names its issuer, and the address of that one decision alone.
        assert query_of(found["verify_url"]) == {
            "number": NUMBER,
            "year": "2027",
            "authority_id": str(found["authority_id"]),
        }

    city = await client.get(
        "/api/v1/verify",
        params={"number": NUMBER, "year": 2027, "authority_id": world.city_authority.id},
    )
    [only] = city.json()["decisions"]
    assert only["decision_id"] == first_decisions.city
    assert only["authority_name"] == "Ủy ban nhân dân thành phố Hải Phòng"
    assert [a["name"] for a in only["awardees"]] == ["Đặng Thị Thủy"]
    assert len(city.json()["issuers"]) == 1

    # A submission is no decision: not found by its number.
    submission = await client.get("/api/v1/verify", params={"number": "01/TTr-UBND"})
    assert submission.json()["found"] is False
    refused = await client.get("/api/v1/verify", params={"number": NUMBER, "authority_id": 0})
    assert refused.status_code == 422


async def test_the_verification_page_says_which_issuer_and_links_each(
    client, first_decisions, world
):
    page = await client.get("/xac-minh", params={"number": NUMBER, "year": "2027"})
    assert page.status_code == 200
    assert 'id="several-issuers"' in page.text
    assert page.text.count('class="lookup-item"') == 2
    assert f"{NUMBER} · Ủy ban nhân dân phường Thạch Khôi" in page.text
    assert f"{NUMBER} · Ủy ban nhân dân thành phố Hải Phòng" in page.text
    # The issuer can be chosen in the form.
    assert f'<option value="{world.city_authority.id}">' in page.text

    ward = await client.get(
        "/xac-minh",
        params={"number": NUMBER, "year": "2027", "authority_id": str(world.authority.id)},
    )
    assert ward.text.count('class="lookup-item"') == 1
    assert f'data-authority="{world.authority.id}"' in ward.text
    assert "Nguyễn Thị Hoa" in ward.text and "Đặng Thị Thủy" not in ward.text
    assert 'id="several-issuers"' not in ward.text
    assert f'<option value="{world.authority.id}" selected>' in ward.text

    wrong = await client.get("/xac-minh", params={"number": NUMBER, "authority_id": "abc"})
    assert wrong.status_code == 422 and 'id="authority_id-error"' in wrong.text


async def test_the_portal_lists_decisions_only_each_with_its_issuer(client, first_decisions, world):
    listed = await client.get("/api/v1/public/decisions")
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert {d["id"] for d in items} == {first_decisions.ward, first_decisions.city}
    assert listed.json()["total"] == 2
    for item in items:
        assert query_of(item["verify_url"])["authority_id"] == str(item["authority_id"])

    by_number = await client.get("/api/v1/public/decisions", params={"number": NUMBER})
    assert by_number.json()["total"] == 2
    ward = await client.get(
        "/api/v1/public/decisions",
        params={"number": NUMBER, "authority_id": world.authority.id, "year": 2027},
    )
    assert [d["id"] for d in ward.json()["items"]] == [first_decisions.ward]
    assert ward.json()["items"][0]["authority_name"] == "Ủy ban nhân dân phường Thạch Khôi"

    portal = await client.get("/cong-khai")
    assert portal.status_code == 200
    awarded = section(portal.text, "decisions")
    assert awarded.count('class="card decision-item"') == 2
    assert "01/TTr-UBND" not in awarded and "Lê Thị Mai" not in awarded
    # The submission is there, as what it is: forwarded to the city, which decides.
    forwarded = section(portal.text, "forwarded")
    assert forwarded.count('class="card forwarded-item"') == 1
    assert "01/TTr-UBND · Ủy ban nhân dân phường Thạch Khôi" in forwarded
    assert "Trình Ủy ban nhân dân thành phố Hải Phòng" in forwarded
    assert "Lê Thị Mai" in forwarded and "/api/v1/documents/" not in forwarded
    assert f"{NUMBER} · Ủy ban nhân dân thành phố Hải Phòng" in portal.text
    assert f"{NUMBER} · Ủy ban nhân dân phường Thạch Khôi" in portal.text
