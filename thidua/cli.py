"""The `thidua` command.

    thidua up        everything on one machine: embedded Temporal, migrations, demo data,
                     worker and API in one process tree; Ctrl-C stops it all
    thidua worker    the Temporal worker only (production)
    thidua api       the HTTP API and pages only (production)
    thidua migrate   apply the database migrations
    thidua seed      add the demo data where missing (idempotent)
    thidua signer import --username U --p12 FILE   use a real certificate for a signer
                     (a server-held key: refused in production unless allowed);
                     --organisation AUTHORITY_ID instead of --username: the authority's
                     own certificate, which its clerks (văn thư) apply when issuing
    thidua signer check --username U   open the signer's PKCS#11 token or HSM (as named
                     in THIDUA_PKCS11_SIGNERS) and show the certificate it signs with
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
    from .codec import KeyRingError
    from .temporal_client import key_ring

    try:
        settings = get_settings()
        key_ring(settings)  # a key ring that cannot be read stops here, in one line
        return settings
    except ValidationError as exc:
        error = exc.errors()[0]
        field = "THIDUA_" + ".".join(str(p) for p in error.get("loc", ())).upper()
        message = error.get("msg", "invalid").removeprefix("Value error, ")
        raise ConfigurationError(f"{field}: {message}" if error.get("loc") else message) from None
    except KeyRingError as exc:
        raise ConfigurationError(f"THIDUA_PAYLOAD_KEYRING: {exc}") from None


# The commands that sign or show signing (the worker, `up`, `check`, `signer`): a PKCS#11
# signers file they cannot use stops them at start, in one line. The api and migrate
# containers need not see the file.
SIGNING_COMMANDS = ("up", "worker", "check", "signer")


def _check_signing_keys(settings: Settings) -> None:
    from activities.signers import (
        SignerConfigurationError,
        load_csc_entries,
        load_external_entries,
        load_pkcs11_entries,
    )

    for load in (load_pkcs11_entries, load_csc_entries, load_external_entries):
        try:
            load(settings)
        except SignerConfigurationError as exc:
            raise ConfigurationError(f"{exc.variable}: {exc}") from None


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
    from .worker import create_signing_worker, create_worker

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

        factory = create_session_factory(engine)
        worker = create_worker(client, settings, factory)
        # One machine holds everything, the signing keys too.
        signing = (
            create_signing_worker(client, settings, factory)
            if settings.signing_task_queue
            else contextlib.nullcontext()
        )
        await _start_demo_workflows(settings, client, engine)
        await _ensure_schedules(settings, client)
        server = _uvicorn_server(settings, create_app(settings))
        async with worker, signing:
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


async def _ensure_schedules(settings: Settings, client) -> None:
    """The Temporal Schedules the engine relies on (the audit seal), created if missing."""
    from .audit_seal_schedule import ensure_audit_seal_schedule

    await ensure_audit_seal_schedule(client, settings)


async def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from .db import create_session_factory
    from .worker import create_signing_worker, create_worker

    stop = asyncio.Event()
    _install_stop_signals(stop)
    _load_catalogue(settings)
    if args.signing and not settings.signing_task_queue:
        raise ConfigurationError(
            "worker --signing: set THIDUA_SIGNING_TASK_QUEUE (the task queue of the hosts "
            "that hold the signing keys) on this host and on the others"
        )
    engine = await _open_database(settings)
    try:
        client = await _connect_temporal(settings)
        factory = create_session_factory(engine)
        if args.signing:
            # The host with the token or HSM: signatures only, no workflows.
            worker = create_signing_worker(client, settings, factory)
            queue = settings.signing_task_queue
        else:
            worker = create_worker(client, settings, factory)
            queue = settings.task_queue
            await _ensure_schedules(settings, client)
        async with worker:
            log.info("worker polling task queue %s", queue)
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


async def cmd_signer(settings: Settings, args: argparse.Namespace) -> int:
    if args.signer_command == "check":
        return await cmd_signer_check(settings, args)
    if args.signer_command == "revoke":
        return await cmd_signer_revoke(settings, args)
    return await cmd_signer_import(settings, args)


async def cmd_signer_check(settings: Settings, args: argparse.Namespace) -> int:
    """Open the signer's token (or ask their remote signing service) the way the worker
    will (module, labels, PIN variable; service URL, credential, token variable) and say
    whose certificate it holds, until when, and whether documents signed with it will
    verify (its issuer among the trusted roots)."""
    from activities.signers import (
        CscKey,
        Pkcs11Key,
        SigningError,
        SigningKey,
        load_csc_entries,
        load_external_entries,
        load_pkcs11_entries,
        signing_certificate,
    )

    from .pki import SigningIdentityError, check_usable, subject_text, trust_roots

    entry = load_pkcs11_entries(settings).get(args.username)
    remote = load_csc_entries(settings).get(args.username) if entry is None else None
    external = (
        load_external_entries(settings).get(args.username)
        if entry is None and remote is None
        else None
    )
    key: SigningKey | None = None
    if entry is not None:
        key, where = Pkcs11Key(entry), f"token '{entry.token_label}', key '{entry.key_label}'"
    elif remote is not None:
        key = CscKey(remote)
        where = f"remote signing service {remote.service_url}, credential '{remote.credential_id}'"
    elif external is not None:
        where = (
            "signs on their own computer (THIDUA_EXTERNAL_SIGNERS: the CA's signing agent "
            "and their token)"
        )
    else:
        raise ConfigurationError(
            f"{args.username} is not in THIDUA_PKCS11_SIGNERS "
            f"({settings.pkcs11_signers or 'not set'}), THIDUA_CSC_SIGNERS "
            f"({settings.csc_signers or 'not set'}) nor THIDUA_EXTERNAL_SIGNERS "
            f"({settings.external_signers or 'not set'})"
        )
    try:
        if key is not None:
            cert = await asyncio.to_thread(signing_certificate, key)
        else:
            assert external is not None
            cert = external.certificate
        check_usable(cert)
    except SigningError as exc:
        raise ConfigurationError(str(exc)) from None
    except SigningIdentityError as exc:
        raise ConfigurationError(f"the signer's certificate: {exc.message_en}") from None
    print(
        f"{args.username}: {where}: "
        f"{subject_text(cert)}, valid from {cert.not_valid_before_utc:%Y-%m-%d} "
        f"until {cert.not_valid_after_utc:%Y-%m-%d}"
    )
    if not any(root.subject == cert.issuer for root in trust_roots(settings)):
        print(
            f"warning: its issuer ({cert.issuer.rfc4514_string()}) is not among the trusted "
            f"roots: put the CA certificate (PEM) into {settings.pki_dir / 'trusted'}",
            file=sys.stderr,
        )
    return 0


async def cmd_signer_import(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from activities.signers import ServerHeldKeyRefused, server_held_keys_allowed
    from models import Authority, RoleGrant, User

    from .db import create_session_factory, transaction
    from .pki import SigningIdentityError, import_pkcs12

    if not server_held_keys_allowed(settings):
        raise ConfigurationError(
            f"{ServerHeldKeyRefused.message_en}; importing a PKCS#12 file is refused"
        )
    password = os.environ.get(args.password_env, "")
    try:
        data = Path(args.p12).read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read {args.p12}: {exc.strerror}") from None
    engine = await _open_database(settings)
    try:
        if args.organisation is not None:
            async with transaction(create_session_factory(engine)) as session:
                try:
                    identity = await import_pkcs12(
                        session,
                        user_id=None,
                        authority_id=args.organisation,
                        data=data,
                        password=password,
                        settings=settings,
                    )
                except SigningIdentityError as exc:
                    raise ConfigurationError(f"{exc.field}: {exc.message_en}") from None
                print(f"imported certificate {identity.subject} for authority {args.organisation}")
            return 0
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


async def cmd_signer_revoke(settings: Settings, args: argparse.Namespace) -> int:
    """Revoke the development-CA certificates of a signer (a key compromised, a demo
    identity withdrawn) as of ``--since``: the CA's CRL lists them, they no longer sign,
    and signatures made after that moment verify as revoked. Their identities are
    deactivated, so that the next start issues new ones."""
    from datetime import datetime

    from cryptography import x509
    from sqlalchemy import select

    from models import SigningIdentity, User

    from .db import create_session_factory, transaction
    from .pki import revoke_dev_certificate

    try:
        since = datetime.fromisoformat(args.since)
    except ValueError:
        raise ConfigurationError(
            f"--since {args.since!r} is not an ISO date-time (2026-12-01T08:00:00+07:00)"
        ) from None
    if since.tzinfo is None:
        raise ConfigurationError("--since needs its time zone (…+07:00 for Vietnam)")
    try:
        reason = x509.ReasonFlags[args.reason]
    except KeyError:
        choices = ", ".join(flag.name for flag in x509.ReasonFlags)
        raise ConfigurationError(f"--reason must be one of {choices}") from None
    engine = await _open_database(settings)
    try:
        async with transaction(create_session_factory(engine)) as session:
            user = (
                await session.execute(select(User).where(User.username == args.username))
            ).scalar_one_or_none()
            if user is None:
                raise ConfigurationError(f"no user named {args.username}")
            identities = (
                (
                    await session.execute(
                        select(SigningIdentity).where(
                            SigningIdentity.user_id == user.id,
                            SigningIdentity.source == "dev_ca",
                        )
                    )
                )
                .scalars()
                .all()
            )
            if not identities:
                raise ConfigurationError(
                    f"{args.username} holds no certificate of the development CA (a real "
                    "certificate is revoked by the CA that issued it)"
                )
            for identity in identities:
                cert = x509.load_pem_x509_certificate(identity.certificate_pem.encode("ascii"))
                revoke_dev_certificate(settings, cert, revoked_at=since, reason=reason)
                identity.active = False
                print(
                    f"revoked {identity.subject} (serial {cert.serial_number:x}) since "
                    f"{since.isoformat()}: {reason.name}"
                )
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


async def cmd_keys(settings: Settings, args: argparse.Namespace) -> int:
    """``keys rotate``: a new payload key for new payloads (the old ones stay, to read what
    running workflows already hold); restart the api and the worker to use it. ``keys
    list``: the key ids, the active one marked (never the keys)."""
    from .codec import KeyRingError, rotate
    from .temporal_client import key_ring

    path = settings.payload_keyring_path
    try:
        if args.keys_command == "rotate":
            key_id = rotate(path, settings.payload_encryption_key)
            print(f"new payload key {key_id} is active in {path}")
            print("restart the api and the worker (thidua up: restart it) to encrypt with it")
            return 0
        ring = key_ring(settings)
    except KeyRingError as exc:
        raise ConfigurationError(str(exc)) from None
    for key_id in ring.keys:
        print(f"{'*' if key_id == ring.active else ' '} {key_id}")
    return 0


async def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    """``audit verify``: recompute every audit chain and check it against the last seal;
    exit 0 when the trail is intact, 1 with one line per problem (the first of each
    chain: the event, its chain and place, and whether it was edited, inserted, deleted
    or reordered)."""
    from api.errors import InvalidInput
    from api.services.audit_verify import parse_archived_seal, verify_trail

    from .db import create_session_factory

    archived = None
    if getattr(args, "seal", None):
        try:
            archived = parse_archived_seal(Path(args.seal).read_bytes())
        except OSError as exc:
            raise ConfigurationError(f"--seal {args.seal}: {exc.strerror}") from exc
        except InvalidInput as exc:
            # The page's checks: the English half of its message.
            raise ConfigurationError(f"--seal {args.seal}: {exc.message_en}") from exc
    engine = await _open_database(settings)
    try:
        async with create_session_factory(engine, writer=False)() as session:
            report = await verify_trail(session, settings=settings, archived=archived)
    finally:
        await engine.dispose()
    seal = report.seal
    which = "archived seal" if archived is not None else "last seal"
    sealed = (
        f"{which} #{seal.id} at {seal.sealed_at.isoformat()} (root {seal.root[:16]}…)"
        if seal
        else "no seal yet"
    )
    if report.intact:
        print(f"audit trail intact: {report.events} events in {report.chains} chains; {sealed}")
        return 0
    for line in report.lines():
        print(line)
    print(
        f"audit trail NOT intact: {len(report.lines())} problem(s) in {report.events} events,"
        f" {report.chains} chains; {sealed}",
        file=sys.stderr,
    )
    return 1


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
    "audit": cmd_audit,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="thidua", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="run everything on one machine")
    up.add_argument("--no-seed", action="store_true", help="do not add the demo data")
    worker = commands.add_parser("worker", help="run the Temporal worker")
    worker.add_argument(
        "--signing",
        action="store_true",
        help="run the signatures only, on THIDUA_SIGNING_TASK_QUEUE: on the host that holds "
        "the signing keys (a USB token, an HSM)",
    )
    commands.add_parser("api", help="run the HTTP API and pages")
    commands.add_parser("migrate", help="apply database migrations")
    commands.add_parser("seed", help="add the demo data where missing")
    commands.add_parser("check", help="print the effective configuration")
    signer = commands.add_parser("signer", help="signing certificates")
    signer_commands = signer.add_subparsers(dest="signer_command", required=True)
    importer = signer_commands.add_parser("import", help="import a PKCS#12 file for a signer")
    holder = importer.add_mutually_exclusive_group(required=True)
    holder.add_argument("--username")
    holder.add_argument(
        "--organisation",
        type=int,
        metavar="AUTHORITY_ID",
        help="the authority's own certificate, which its clerks (văn thư) apply when issuing",
    )
    importer.add_argument("--p12", required=True, help="path to the .p12/.pfx file")
    importer.add_argument(
        "--password-env",
        default="THIDUA_P12_PASSWORD",
        help="environment variable holding the file's password",
    )
    revoker = signer_commands.add_parser(
        "revoke", help="revoke a signer's development-CA certificates (since a moment)"
    )
    revoker.add_argument("--username", required=True)
    revoker.add_argument(
        "--since", required=True, help="ISO date-time with zone: 2026-12-01T08:00:00+07:00"
    )
    revoker.add_argument("--reason", default="key_compromise", help="an RFC 5280 reason")
    checker = signer_commands.add_parser(
        "check",
        help="open a signer's PKCS#11 token or HSM (or ask their CSC remote signing "
        "service) and show its certificate",
    )
    checker.add_argument("--username", required=True)
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
    keys = commands.add_parser("keys", help="the keys that encrypt Temporal payloads")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True)
    keys_commands.add_parser("rotate", help="add a key for new payloads and make it active")
    keys_commands.add_parser("list", help="the key ids (* marks the active one)")
    audit = commands.add_parser("audit", help="the tamper-evident audit trail")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_commands.add_parser(
        "verify", help="recompute every audit chain against the last seal (exit 1 if tampered)"
    )
    verify.add_argument(
        "--seal",
        metavar="FILE",
        help="check against this seal instead of the database's last one: the JSON of "
        "GET /api/v1/public/audit-seal?heads=true, kept outside the database",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = _load_settings()
        if args.command in SIGNING_COMMANDS:
            _check_signing_keys(settings)
        from .logging_setup import configure_logging

        configure_logging(settings)
        handler = {"signer": cmd_signer, "admin": cmd_admin, "keys": cmd_keys}.get(args.command)
        handler = handler or COMMANDS[args.command]
        return asyncio.run(handler(settings, args))
    except ConfigurationError as exc:
        print(f"thidua: error: {exc}", file=sys.stderr, flush=True)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
