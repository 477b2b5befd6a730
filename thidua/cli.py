"""The `thidua` command.

    thidua up        everything on one machine: embedded Temporal, migrations, demo data,
                     worker and API in one process tree; Ctrl-C stops it all
    thidua worker    the Temporal worker only (production)
    thidua api       the HTTP API and pages only (production)
    thidua migrate   apply the database migrations
    thidua seed      add the demo data where missing (idempotent)
    thidua signer import --username U --p12 FILE   use a real certificate for a signer
    thidua admin create --username U --full-name NAME [--email E]
                     the first administrator of a deployment: prints a one-time link
                     with which they choose their password (no password on the command line)
    thidua admin link --username U   a new one-time password link for an account
    thidua check     print the effective configuration (secrets masked)

Bad configuration ends with one clear line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import json
import logging
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from .settings import Settings, get_settings, redacted

log = logging.getLogger("thidua")


class ConfigurationError(Exception):
    """A problem a person can fix; printed as one line."""


# ---------------------------------------------------------------------------------------
# Helpers


def _load_settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        field = "THIDUA_" + ".".join(str(p) for p in error.get("loc", ())).upper()
        message = error.get("msg", "invalid").removeprefix("Value error, ")
        raise ConfigurationError(f"{field}: {message}" if error.get("loc") else message) from None


@contextlib.contextmanager
def _single_instance(settings: Settings) -> Iterator[None]:
    """One `thidua up` per data folder: a second one says so instead of failing later on
    a busy port."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    lock_path = settings.data_dir / "thidua-up.lock"
    handle = open(lock_path, "a+")  # noqa: SIM115 - held for the life of the process
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid = handle.read().strip() or "?"
        handle.close()
        raise ConfigurationError(
            f"thidua is already running (pid {pid}) with data folder {settings.data_dir}: "
            f"open {settings.resolved_public_base_url}/ or stop it first"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


async def _open_database(settings: Settings):
    from sqlalchemy import text

    from .db import create_engine

    url = settings.resolved_database_url
    try:
        engine = create_engine(url)
    except Exception as exc:  # malformed URL, unknown driver
        raise ConfigurationError(f"THIDUA_DATABASE_URL is not usable: {exc}") from None
    try:
        async with engine.connect() as connection:
            await asyncio.wait_for(connection.execute(text("SELECT 1")), 10)
    except Exception as exc:
        await engine.dispose()
        shown = redacted(settings)["database_url"] or url
        reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise ConfigurationError(f"cannot reach the database {shown}: {reason}") from None
    return engine


async def _connect_temporal(settings: Settings):
    from .temporal_client import connect

    try:
        return await asyncio.wait_for(connect(settings, identity=f"thidua-{os.getpid()}"), 20)
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise ConfigurationError(
            f"cannot reach Temporal at {settings.resolved_temporal_address}: {reason}"
        ) from None


def _load_catalogue(settings: Settings):
    from domain.catalogue import CatalogueError

    from .catalogue_store import get_catalogue

    try:
        return get_catalogue(str(settings.catalogue_dir), settings.city_override or "")
    except CatalogueError as exc:
        raise ConfigurationError(f"award catalogue: {exc}") from None


async def _migrate(settings: Settings, engine) -> None:
    """The schema, then one row per award type of the catalogue: award histories and
    nominations refer to them, so every deployment has them, demo data or not."""
    from .catalogue_store import sync_award_types
    from .db import create_session_factory
    from .migrate import upgrade

    await upgrade(engine)
    catalogue = _load_catalogue(settings)
    async with create_session_factory(engine)() as session, session.begin():
        await sync_award_types(session, catalogue)


async def _database_is_empty(engine) -> bool:
    from sqlalchemy import func, select

    from models import Unit

    async with engine.connect() as connection:
        return (await connection.execute(select(func.count()).select_from(Unit))).scalar_one() == 0


async def _seed(settings: Settings, engine) -> dict[str, int]:
    from .db import create_session_factory
    from .seed import DemoDataRefused, seed_demo

    try:
        return await seed_demo(create_session_factory(engine), settings=settings)
    except DemoDataRefused as exc:
        raise ConfigurationError(str(exc)) from None


async def _no_account_yet(engine) -> bool:
    from api.queries.accounts import user_count

    from .db import create_session_factory

    async with create_session_factory(engine)() as session:
        return await user_count(session) == 0


FIRST_ADMIN_HINT = (
    "no account exists yet: create the first administrator with\n"
    '    thidua admin create --username USERNAME --full-name "Full Name" [--email E]\n'
    "  it prints a one-time link with which they choose their password"
)


async def _prepare_signers(settings: Settings, engine) -> None:
    """Development: a local certificate authority and certificates for the demo signers."""
    if settings.environment == "production":
        return
    from .db import create_session_factory
    from .pki import ensure_dev_identities

    await ensure_dev_identities(create_session_factory(engine), settings)


def _print_banner(settings: Settings, ui_url: str | None) -> None:
    from .seed import DEMO_PASSWORD, DEMO_USERS_HELP

    base = settings.resolved_public_base_url
    lines = [
        "",
        "thidua is running",
        f"  Pages and portal : {base}/  (public portal {base}/cong-khai)",
        f"  JSON API (docs)  : {base}/docs",
        f"  Health           : {base}/health",
    ]
    if ui_url:
        lines.append(f"  Temporal Web UI  : {ui_url}")
    lines.append(
        f"  Database         : {redacted(settings)['database_url'] or settings.resolved_database_url}"
    )
    if settings.is_development:
        lines.append(f"  Demo users (password '{DEMO_PASSWORD}', development only):")
        for username, name, roles in DEMO_USERS_HELP:
            lines.append(f"    {username:<16} {name:<28} {roles}")
    lines.append("  Ctrl-C stops everything.")
    print("\n".join(lines), flush=True)


def _install_stop_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


def uvicorn_config(settings: Settings, app):
    """How ``up`` and ``api`` serve ``app``. The client address (what the sign-in and
    public-form limits count) comes from X-Forwarded-For only when the connection comes
    from one of ``THIDUA_TRUSTED_PROXIES``; from anyone else the header is ignored."""
    import uvicorn

    proxies = settings.trusted_proxy_list
    return uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        lifespan="on",
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies,
    )


def _uvicorn_server(settings: Settings, app):
    import uvicorn

    server = uvicorn.Server(uvicorn_config(settings, app))
    # The engine owns Ctrl-C (it must stop the worker and Temporal in order).
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]
    return server


def _check_http_port(settings: Settings) -> None:
    from .embedded import port_in_use

    if port_in_use(settings.http_port, "127.0.0.1"):
        raise ConfigurationError(
            f"port {settings.http_port} (HTTP) is already in use: is thidua already running? "
            f"Set THIDUA_HTTP_PORT to use another port"
        )


# ---------------------------------------------------------------------------------------
# Commands


async def cmd_up(settings: Settings, args: argparse.Namespace) -> int:
    with _single_instance(settings):
        return await _up(settings, args)


async def _up(settings: Settings, args: argparse.Namespace) -> int:
    from api.app import create_app

    from .embedded import EmbeddedServerError, EmbeddedTemporal
    from .worker import create_worker

    stop = asyncio.Event()
    _install_stop_signals(stop)
    _check_http_port(settings)
    _load_catalogue(settings)
    embedded = EmbeddedTemporal(settings) if settings.temporal_is_embedded else None
    engine = await _open_database(settings)
    try:
        if embedded is not None:
            try:
                await embedded.start()
            except EmbeddedServerError as exc:
                raise ConfigurationError(str(exc)) from None
        await _migrate(settings, engine)
        # Production never gets the demo data: its accounts share a published password.
        demo = settings.seed_demo and settings.environment != "production"
        if demo and not args.no_seed and await _database_is_empty(engine):
            added = await _seed(settings, engine)
            log.info("demo data seeded: %s", json.dumps(added, ensure_ascii=False))
        await _prepare_signers(settings, engine)
        client = await _connect_temporal(settings)
        from .db import create_session_factory

        worker = create_worker(client, settings, create_session_factory(engine))
        await _start_demo_workflows(settings, client, engine)
        server = _uvicorn_server(settings, create_app(settings))
        async with worker:
            serve = asyncio.create_task(server.serve())
            while not server.started and not serve.done():
                await asyncio.sleep(0.05)
            if serve.done():
                await serve  # surfaces the bind error
                raise ConfigurationError(
                    f"the HTTP server could not start on port {settings.http_port}"
                )
            _print_banner(settings, embedded.ui_url if embedded else None)
            if await _no_account_yet(engine):
                print(f"  {FIRST_ADMIN_HINT}", flush=True)
            await stop.wait()
            print("\nstopping…", flush=True)
            server.should_exit = True
            await serve
        return 0
    finally:
        if embedded is not None:
            await embedded.stop()
        await engine.dispose()


async def _start_demo_workflows(settings: Settings, client, engine) -> None:
    """Long-running workflows the demo data implies (the 2026–2030 campaign)."""
    from .campaign_bootstrap import start_seeded_campaigns
    from .db import create_session_factory

    await start_seeded_campaigns(settings, client, create_session_factory(engine))


async def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from .db import create_session_factory
    from .worker import create_worker

    stop = asyncio.Event()
    _install_stop_signals(stop)
    _load_catalogue(settings)
    engine = await _open_database(settings)
    try:
        client = await _connect_temporal(settings)
        worker = create_worker(client, settings, create_session_factory(engine))
        async with worker:
            log.info("worker polling task queue %s", settings.task_queue)
            await stop.wait()
        return 0
    finally:
        await engine.dispose()


async def cmd_api(settings: Settings, args: argparse.Namespace) -> int:
    from api.app import create_app

    stop = asyncio.Event()
    _install_stop_signals(stop)
    _check_http_port(settings)
    _load_catalogue(settings)
    engine = await _open_database(settings)
    await engine.dispose()
    server = _uvicorn_server(settings, create_app(settings))
    serve = asyncio.create_task(server.serve())
    await asyncio.wait(
        [serve, asyncio.create_task(stop.wait())], return_when=asyncio.FIRST_COMPLETED
    )
    server.should_exit = True
    await serve
    return 0


async def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    engine = await _open_database(settings)
    try:
        await _migrate(settings, engine)
        print("database migrated to the latest revision")
        if await _no_account_yet(engine):
            print(FIRST_ADMIN_HINT)
        return 0
    finally:
        await engine.dispose()


async def cmd_seed(settings: Settings, args: argparse.Namespace) -> int:
    _load_catalogue(settings)
    engine = await _open_database(settings)
    try:
        await _migrate(settings, engine)
        added = await _seed(settings, engine)
        await _prepare_signers(settings, engine)
        print(json.dumps({"added": added}, ensure_ascii=False))
        return 0
    finally:
        await engine.dispose()


async def cmd_signer_import(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from models import Authority, RoleGrant, User

    from .db import create_session_factory, transaction
    from .pki import SigningIdentityError, import_pkcs12

    password = os.environ.get(args.password_env, "")
    try:
        data = Path(args.p12).read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read {args.p12}: {exc.strerror}") from None
    engine = await _open_database(settings)
    try:
        async with transaction(create_session_factory(engine)) as session:
            user = (
                await session.execute(select(User).where(User.username == args.username))
            ).scalar_one_or_none()
            if user is None:
                raise ConfigurationError(f"no user named {args.username}")
            grant_units = (
                (
                    await session.execute(
                        select(RoleGrant.unit_id).where(RoleGrant.user_id == user.id)
                    )
                )
                .scalars()
                .all()
            )
            authority = (
                (await session.execute(select(Authority).where(Authority.unit_id.in_(grant_units))))
                .scalars()
                .first()
            )
            if authority is None:
                raise ConfigurationError(f"{args.username} signs for no authority")
            try:
                identity = await import_pkcs12(
                    session,
                    user_id=user.id,
                    authority_id=authority.id,
                    data=data,
                    password=password,
                    settings=settings,
                )
            except SigningIdentityError as exc:
                raise ConfigurationError(f"{exc.field}: {exc.message_en}") from None
            print(f"imported certificate {identity.subject} for {args.username}")
        return 0
    finally:
        await engine.dispose()


def _operator_name() -> str:
    """Who ran the command, as the audit trail names them (no account of the engine)."""
    import getpass

    try:
        who = getpass.getuser()
    except (OSError, KeyError):  # a container user with no name
        who = f"uid {os.getuid()}"
    return f"Người vận hành máy chủ / server operator ({who}, thidua admin)"


def _print_link(full_name: str, link) -> None:
    from domain.calendar import VIETNAM_TZ

    until = link.expires_at.astimezone(VIETNAM_TZ).strftime("%H:%M %d/%m/%Y")
    print(
        f"Send this link to {full_name}: it lets them choose their password once, "
        f"until {until} (Vietnam time). Anyone holding it can, so send it privately.\n"
        f"  {link.url}",
        flush=True,
    )


async def cmd_admin(settings: Settings, args: argparse.Namespace) -> int:
    from api.errors import DomainError
    from api.services import accounts

    from .clock import SYSTEM_CLOCK
    from .db import create_session_factory, transaction

    engine = await _open_database(settings)
    try:
        await _migrate(settings, engine)
        async with transaction(create_session_factory(engine)) as session:
            try:
                if args.admin_command == "create":
                    user, link = await accounts.create_administrator(
                        session,
                        settings,
                        username=args.username,
                        full_name=args.full_name,
                        email=args.email,
                        operator=_operator_name(),
                        now=SYSTEM_CLOCK.now(),
                    )
                else:
                    user, link = await accounts.issue_link_by_operator(
                        session,
                        settings,
                        username=args.username,
                        operator=_operator_name(),
                        now=SYSTEM_CLOCK.now(),
                    )
            except DomainError as exc:
                field = exc.extra.get("field")
                message = exc.message_en or exc.message_vi
                if args.admin_command == "create" and exc.code == "conflict":
                    message += f" (a new setup link: thidua admin link --username {args.username})"
                elif field:
                    message = f"--{str(field).replace('_', '-')}: {message}"
                raise ConfigurationError(message) from None
        # After the commit: the link is for a saved account.
        if args.admin_command == "create":
            print(f"administrator {user.username} ({user.full_name}) created.")
        _print_link(user.full_name, link)
        return 0
    finally:
        await engine.dispose()


async def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    _load_catalogue(settings)
    print(json.dumps(redacted(settings), default=str, ensure_ascii=False, indent=2))
    return 0


COMMANDS = {
    "up": cmd_up,
    "worker": cmd_worker,
    "api": cmd_api,
    "migrate": cmd_migrate,
    "seed": cmd_seed,
    "check": cmd_check,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="thidua", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="run everything on one machine")
    up.add_argument("--no-seed", action="store_true", help="do not add the demo data")
    commands.add_parser("worker", help="run the Temporal worker")
    commands.add_parser("api", help="run the HTTP API and pages")
    commands.add_parser("migrate", help="apply database migrations")
    commands.add_parser("seed", help="add the demo data where missing")
    commands.add_parser("check", help="print the effective configuration")
    signer = commands.add_parser("signer", help="signing certificates")
    signer_commands = signer.add_subparsers(dest="signer_command", required=True)
    importer = signer_commands.add_parser("import", help="import a PKCS#12 file for a signer")
    importer.add_argument("--username", required=True)
    importer.add_argument("--p12", required=True, help="path to the .p12/.pfx file")
    importer.add_argument(
        "--password-env",
        default="THIDUA_P12_PASSWORD",
        help="environment variable holding the file's password",
    )
    admin = commands.add_parser("admin", help="administrators and password links")
    admin_commands = admin.add_subparsers(dest="admin_command", required=True)
    create = admin_commands.add_parser(
        "create", help="create the first administrator and print their one-time setup link"
    )
    create.add_argument("--username", required=True)
    create.add_argument("--full-name", required=True)
    create.add_argument("--email", default=None)
    link = admin_commands.add_parser("link", help="a new one-time password link for an account")
    link.add_argument("--username", required=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = _load_settings()
        from .logging_setup import configure_logging

        configure_logging(settings)
        handler = {"signer": cmd_signer_import, "admin": cmd_admin}.get(args.command)
        handler = handler or COMMANDS[args.command]
        return asyncio.run(handler(settings, args))
    except ConfigurationError as exc:
        print(f"thidua: error: {exc}", file=sys.stderr, flush=True)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
