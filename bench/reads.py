"""reads: how fast the nominations list, the deadlines board and a nomination's page answer
with 10,000 and 100,000 nominations in the database, on SQLite and on PostgreSQL.

For each database and size: a fresh database (migrations + the demo seed) filled by the
data builder of `bench/pages.py` (`populate`: realistic projection rows for every stage
and level, due moments, who must act, escalations, ~4 audit events and 3 dossier items
per nomination, objections, council sessions with agendas, issued decisions with their
awardees, notices), inserted in bulk, then ANALYZE. Then each read is timed both as the
JSON API (`/api/v1/...`, bearer token) and as the HTML page people open (session
cookie): the real application over ASGI in one process (httpx, no network), p50 and p95
over ``repeat`` requests after 3 warm-ups, and the SQL statements one request runs.
As the server does at start-up (api/app.py), ``gc.collect(); gc.freeze()`` once the
application is built (``--no-gc-freeze`` to leave the collector as is)."""

from __future__ import annotations

import gc
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, select

from .common import (
    Progress,
    environment,
    environment_line,
    fmt_seconds,
    fresh_database,
    markdown_table,
    say,
    summary,
    work_dir,
    write_results,
)

TARGET_P95_MS = 100.0


@dataclass
class Read:
    kind: str  # list, board, nomination
    label: str
    surface: str  # api or page
    username: str
    path: str


def reads_of(ids: dict[str, int], page_100: bool = True) -> list[Read]:
    rows: list[tuple[str, str, str, str, str | None]] = [
        ("list", "list, page 1", "thuongtruc", "/nominations", "/api/v1/nominations"),
        (
            "list",
            "list, search + open only",
            "thuongtruc",
            "/nominations?q=Hoa&open_only=1",
            "/api/v1/nominations?q=Hoa&open_only=true",
        ),
        (
            "list",
            "list, search without diacritics",
            "thuongtruc",
            "/nominations?q=nguyen+van",
            "/api/v1/nominations?q=nguyen+van",
        ),
        (
            "list",
            "list, search finding nothing",
            "thuongtruc",
            "/nominations?q=khong+ai+ten+nay",
            "/api/v1/nominations?q=khong+ai+ten+nay",
        ),
        # The auditor's trail (a page only: there is no JSON face).
        (
            "list",
            "audit trail, search without diacritics",
            "kiemtra",
            "/audit?q=nguyen+van",
            None,
        ),
        # The registry's people search (the pickers and the administrator's list): 20,000
        # people at 100,000 nominations, searched without diacritics.
        (
            "list",
            "people search without diacritics",
            "quantri",
            "/admin/people?q=nguyen+thi",
            "/api/v1/people?q=nguyen+thi",
        ),
        (
            "list",
            "list, one stage",
            "thuongtruc",
            "/nominations?stage=awaiting_council",
            "/api/v1/nominations?stage=awaiting_council",
        ),
        (
            "list",
            "list, unit officer (own unit)",
            "canbo.vanphong",
            "/nominations",
            "/api/v1/nominations",
        ),
        ("board", "deadlines board", "thuongtruc", "/deadlines", "/api/v1/boards/deadlines"),
        ("board", "deadlines board, city", "thanhpho", "/deadlines", "/api/v1/boards/deadlines"),
        (
            "nomination",
            "nomination page (open)",
            "thuongtruc",
            f"/nominations/{ids['open_nomination']}",
            f"/api/v1/nominations/{ids['open_nomination']}",
        ),
        (
            "nomination",
            "nomination page (granted)",
            "canbo.vanphong",
            f"/nominations/{ids['granted_nomination']}",
            f"/api/v1/nominations/{ids['granted_nomination']}",
        ),
    ]
    if page_100:
        rows.insert(
            1,
            (
                "list",
                "list, page 100",
                "thuongtruc",
                "/nominations?page=100",
                "/api/v1/nominations?page=100",
            ),
        )
    out = []
    for kind, label, user, page, api in rows:
        if api is not None:
            out.append(Read(kind, label, "api", user, api))
        out.append(Read(kind, label, "page", user, page))
    return out


async def build_app(database, folder: Path):
    from api.app import create_app
    from api.state import AppState, make_templates
    from thidua.db import create_session_factory
    from thidua.settings import Settings

    settings = Settings(
        environment="test",
        database_url=database.url,
        data_dir=folder,
        mail_enabled=False,
        log_level="WARNING",
        temporal_address="127.0.0.1:1",
    )
    state = AppState(
        settings=settings,
        engine=database.engine,
        writer=create_session_factory(database.engine, writer=True),
        reader=create_session_factory(database.engine, writer=False),
        templates=make_templates(),
    )
    return settings, create_app(settings, state=state)


async def time_reads(
    app, settings, database, reads: list[Read], repeat: int, progress: Progress
) -> list[dict[str, Any]]:
    from api.deps import SESSION_COOKIE, session_signer
    from models import User
    from thidua.security import create_access_token

    async with database.factory() as session:
        users = {u.username: u.id for u in (await session.execute(select(User))).scalars()}
    statements = {"n": 0}

    def count(*_args: Any, **_kwargs: Any) -> None:
        statements["n"] += 1

    engine = database.engine
    event.listen(engine.sync_engine, "before_cursor_execute", count)
    clients: dict[tuple[str, str], httpx.AsyncClient] = {}
    results = []
    try:
        for read in reads:
            key = (read.surface, read.username)
            if key not in clients:
                client = httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app),
                    base_url="http://testserver",
                    timeout=120,
                )
                user_id = users[read.username]
                if read.surface == "api":
                    token = create_access_token(settings.secret_key, user_id, 24 * 60)[0]
                    client.headers["Authorization"] = f"Bearer {token}"
                else:
                    client.cookies.set(
                        SESSION_COOKIE,
                        session_signer(settings).dumps(
                            {"uid": user_id, "sid": secrets.token_urlsafe(16)}
                        ),
                        domain="testserver.local",
                    )
                clients[key] = client
            client = clients[key]
            for _ in range(3):
                response = await client.get(read.path)
            if response.status_code != 200:
                raise RuntimeError(
                    f"{read.label} ({read.surface}) {read.path}: HTTP "
                    f"{response.status_code} {response.text[:300]}"
                )
            total = None
            if read.surface == "api" and read.kind == "list":
                total = response.json()["total"]
            samples = []
            statements["n"] = 0
            for _ in range(repeat):
                started = time.perf_counter()
                response = await client.get(read.path)
                samples.append(time.perf_counter() - started)
                progress.advance()
            stats = summary(samples)
            results.append(
                {
                    **asdict(read),
                    "status": response.status_code,
                    "statements": round(statements["n"] / repeat),
                    "list_total": total,
                    "bytes": len(response.content),
                    **{k: stats[k] for k in ("p50", "p95", "max", "mean")},
                }
            )
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
        for client in clients.values():
            await client.aclose()
    return results


async def one(backend: str, size: int, repeat: int, gc_freeze: bool, quiet: bool) -> dict[str, Any]:
    from . import pages

    folder = work_dir(f"reads-{backend}-{size}")
    async with fresh_database(backend, folder, signers=False, pool_size=5) as database:
        say(
            f"reads: {backend}, inserting {size:,} nominations and what hangs off them", quiet=quiet
        )
        started = time.perf_counter()
        counts = await pages.populate(database.factory, size)
        insert_seconds = time.perf_counter() - started
        await database.analyze()
        database_bytes = await database.size_bytes()
        ids = await pages.first_ids(database.factory)
        settings, app = await build_app(database, folder)
        reads = reads_of(ids)
        if gc_freeze:
            gc.collect()
            gc.freeze()
        progress = Progress(f"reads {backend} {size:,}", len(reads) * repeat, enabled=not quiet)
        try:
            timings = await time_reads(app, settings, database, reads, repeat, progress)
        finally:
            progress.close()
            if gc_freeze:
                gc.unfreeze()
    return {
        "backend": backend,
        "size": size,
        "counts": counts,
        "insert_seconds": insert_seconds,
        "database_bytes": database_bytes,
        "reads": timings,
    }


async def run(
    sizes: list[int],
    *,
    backends: list[str],
    repeat: int = 40,
    gc_freeze: bool = True,
    quiet: bool = False,
    results_dir: Path | None = None,
) -> dict[str, Any]:
    env = environment()
    sets = []
    for size in sizes:
        for backend in backends:
            sets.append(await one(backend, size, repeat, gc_freeze, quiet))
            gc.collect()
    worst = max((r["p95"] for s in sets for r in s["reads"]), default=float("nan"))
    payload: dict[str, Any] = {
        "benchmark": "reads",
        "environment": env,
        "sizes": sizes,
        "backends": backends,
        "repeat": repeat,
        "gc_freeze": gc_freeze,
        "target_p95_ms": TARGET_P95_MS,
        "worst_p95_seconds": worst,
        "target_met": worst * 1000 < TARGET_P95_MS,
        "sets": sets,
    }
    payload["markdown"] = report(payload)
    payload["files"] = [
        str(p) for p in write_results("reads", payload, payload["markdown"], results_dir)
    ]
    return payload


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def report(payload: dict[str, Any]) -> str:
    sets = payload["sets"]
    lines = [
        f"### Reads: list, board and nomination page ({', '.join(f'{s:,}' for s in payload['sizes'])} "
        f"nominations; {', '.join(payload['backends'])})",
        "",
        environment_line(payload["environment"]),
        f"{payload['repeat']} requests per read after 3 warm-ups, httpx over ASGI in one process "
        "(no network), "
        + (
            "gc.freeze() after start-up as the server does."
            if payload["gc_freeze"]
            else "garbage collector left as is."
        ),
        "",
    ]
    for s in sets:
        c = s["counts"]
        lines.append(
            f"- {s['backend']} {s['size']:,}: {c['audit_events']:,} audit events, "
            f"{c['dossier_items']:,} dossier items, {c['council_sessions']:,} council "
            f"sessions, {c['decisions']:,} decisions; inserted in "
            f"{fmt_seconds(s['insert_seconds'])}; database {s['database_bytes'] / 2**20:.0f} MiB"
        )
    lines.append("")
    header = ["read", "surface"]
    for s in sets:
        tag = f"{s['backend']} {s['size']:,}"
        header += [f"{tag} p50 ms", f"{tag} p95 ms"]
    backends = list(dict.fromkeys(s["backend"] for s in sets))
    header.append("SQL statements (" + " / ".join(backends) + ")")
    rows = []
    for index, first in enumerate(sets[0]["reads"]):
        row = [first["label"], first["surface"]]
        for s in sets:
            r = s["reads"][index]
            row += [_ms(r["p50"]), _ms(r["p95"])]
        row.append(
            " / ".join(
                "-".join(
                    sorted(
                        {str(s["reads"][index]["statements"]) for s in sets if s["backend"] == b},
                        key=int,
                    )
                )
                for b in backends
            )
        )
        rows.append(row)
    lines += [markdown_table(header, rows, align_right_from=2), ""]
    worst = max(
        (
            (r["p95"], r["label"], r["surface"], s["backend"], s["size"])
            for s in sets
            for r in s["reads"]
        ),
        default=None,
    )
    if worst:
        lines.append(
            f"Slowest p95: {_ms(worst[0])} ms ({worst[1]}, {worst[2]}, {worst[3]}, "
            f"{worst[4]:,} nominations); target p95 < {payload['target_p95_ms']:g} ms: "
            + ("met." if payload["target_met"] else "not met.")
        )
    return "\n".join(lines)
