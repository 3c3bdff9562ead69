"""The production container setup: docker-compose.yml, the Dockerfile, .env.example, .dockerignore.

No Docker engine is needed: the files are read, docker compose's variable interpolation is
reproduced, and the settings are loaded (in a subprocess) with the environment compose would give.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from calldesk.settings.environment import ENVIRONMENT_VARIABLES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = {"migrate", "web", "worker", "beat"}
LONG_RUNNING_APP_SERVICES = ("web", "worker", "beat")
# A real-looking secret for the interpolation: what a user's .env would hold.
A_SECRET_KEY = "k3J9xQ2vT8mZ1pL6wR4sN7bY0cF5hD2gA9eU3iO6uK8jM1nB4vC7xZ0qW5rT2yP"

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}
_INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def interpolate(value: str, variables: dict[str, str]) -> str:
    """docker compose's interpolation of one value, with `variables` as the .env file."""

    def substitute(match: re.Match) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        is_set = name in variables
        is_empty = not variables.get(name)
        missing = is_empty if op and op.startswith(":") else not is_set
        if op and op.endswith("?") and missing:
            raise LookupError(f"{name}: {arg}")
        if op and op.endswith("-") and missing:
            return arg
        return variables.get(name, "")

    return _INTERPOLATION.sub(substitute, value)


def environment_of(service: str) -> dict[str, str]:
    env = SERVICES[service].get("environment") or {}
    if isinstance(env, list):  # the KEY=value list form
        env = dict(item.split("=", 1) for item in env)
    return {name: str(value) for name, value in env.items()}


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def users_env() -> dict[str, str]:
    """The .env of a user who copied .env.example and set the two secrets."""
    return {**env_example(), "SECRET_KEY": A_SECRET_KEY, "POSTGRES_PASSWORD": "Pg4ssw0rd"}


def load_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Load the settings in a fresh interpreter with exactly `env` for the settings' variables."""
    clean = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT_VARIABLES}
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "db = s.DATABASES['default']; "
        "print(json.dumps({'engine': db['ENGINE'], 'host': db['HOST'], 'name': db['NAME'], "
        "'user': db['USER'], 'password': db['PASSWORD'], 'broker': s.CELERY_BROKER_URL, "
        "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, "
        "'storage': s.STORAGES['staticfiles']['BACKEND']}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions, current = [], ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        keyword, _, arguments = current.partition(" ")
        instructions.append((keyword.upper(), " ".join(arguments.split())))
        current = ""
    assert not current, "the Dockerfile ends inside a continued instruction"
    return instructions


# --- docker-compose.yml -------------------------------------------------------------------------


def test_compose_has_exactly_the_expected_services():
    assert set(SERVICES) == {"db", "redis", "migrate", "web", "worker", "beat"}


def test_app_services_are_the_ones_built_from_the_project_as_one_image():
    built = {name for name, service in SERVICES.items() if "build" in service}
    assert built == APP_SERVICES
    assert {SERVICES[name]["build"] for name in APP_SERVICES} == {"."}
    assert {SERVICES[name]["image"] for name in APP_SERVICES} == {"calldesk:latest"}
    assert SERVICES["db"]["image"] == "postgres:16"
    assert SERVICES["redis"]["image"] == "redis:7"


@pytest.mark.parametrize("service", sorted(APP_SERVICES))
def test_app_services_set_only_variables_the_settings_read(service):
    env = environment_of(service)
    assert env, f"{service} has no environment"
    assert set(env) - ENVIRONMENT_VARIABLES == set()


def test_app_services_share_one_environment():
    environments = [environment_of(name) for name in sorted(APP_SERVICES)]
    assert all(env == environments[0] for env in environments)


@pytest.mark.parametrize("service", sorted(APP_SERVICES))
def test_app_services_run_production_settings_on_postgres_db_and_redis(service):
    env = environment_of(service)
    assert env["DJANGO_SETTINGS_MODULE"] == "calldesk.settings.production"
    assert env["DATABASE_URL"].startswith("postgres://")
    resolved = {name: interpolate(value, users_env()) for name, value in env.items()}
    database = urlsplit(resolved["DATABASE_URL"])
    assert (database.scheme, database.hostname, database.port, database.path) == (
        "postgres",
        "db",
        5432,
        "/calldesk",
    )
    redis = urlsplit(resolved["REDIS_URL"])
    assert (redis.scheme, redis.hostname, redis.port) == ("redis", "redis", 6379)


def test_the_app_uses_the_database_user_and_password_of_the_db_service():
    database = urlsplit(interpolate(environment_of("web")["DATABASE_URL"], users_env()))
    db = {name: interpolate(value, users_env()) for name, value in environment_of("db").items()}
    assert db == {"POSTGRES_DB": "calldesk", "POSTGRES_USER": "calldesk", "POSTGRES_PASSWORD": "Pg4ssw0rd"}
    assert (database.username, database.password, database.path) == ("calldesk", "Pg4ssw0rd", "/calldesk")


def test_compose_refuses_to_start_without_the_secrets():
    for missing in ("SECRET_KEY", "POSTGRES_PASSWORD", "ALLOWED_HOSTS"):
        env = {k: v for k, v in users_env().items() if k != missing}
        with pytest.raises(LookupError, match=missing):
            for value in environment_of("web").values():
                interpolate(value, env)


def test_the_environment_compose_gives_loads_the_production_settings():
    env = {name: interpolate(value, users_env()) for name, value in environment_of("web").items()}
    result = load_settings(env)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded == {
        "engine": "django.db.backends.postgresql",
        "host": "db",
        "name": "calldesk",
        "user": "calldesk",
        "password": "Pg4ssw0rd",
        "broker": "redis://redis:6379/0",
        "eager": False,
        "debug": False,
        # The example host, and 127.0.0.1 for the web container's own health check.
        "hosts": ["desk.example.com", "127.0.0.1"],
        "storage": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }


def test_the_example_secret_key_left_unchanged_is_refused_by_the_production_settings():
    example = {**users_env(), "SECRET_KEY": env_example()["SECRET_KEY"]}
    env = {name: interpolate(value, example) for name, value in environment_of("web").items()}
    result = load_settings(env)
    assert result.returncode == 1
    assert "Set SECRET_KEY to a random string of at least 50 characters." in result.stderr


@pytest.mark.parametrize("service", LONG_RUNNING_APP_SERVICES)
def test_long_running_app_services_wait_for_healthy_db_and_redis_and_the_migrations(service):
    assert SERVICES[service]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert SERVICES[service]["restart"] == "unless-stopped"


def test_migrate_is_a_one_shot_that_waits_for_the_database():
    migrate = SERVICES["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}


def test_db_redis_and_web_have_healthchecks():
    assert SERVICES["db"]["healthcheck"]["test"] == ["CMD", "pg_isready", "-U", "calldesk", "-d", "calldesk"]
    assert SERVICES["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    web_test = SERVICES["web"]["healthcheck"]["test"]
    assert web_test[:3] == ["CMD", "python", "-c"]
    probe = web_test[3]
    assert "urllib.request" in probe
    assert "'http://127.0.0.1:8000/api/v1/health'" in probe
    # Without it, SECURE_SSL_REDIRECT answers 301 to https://127.0.0.1 and the check fails.
    assert "'X-Forwarded-Proto': 'https'" in probe
    # Without 127.0.0.1 in ALLOWED_HOSTS, Django answers 400 to the probe.
    assert environment_of("web")["ALLOWED_HOSTS"].endswith(",127.0.0.1")
    for name in ("worker", "beat", "migrate"):
        assert "healthcheck" not in SERVICES[name]


def test_db_and_redis_keep_their_data_in_named_volumes():
    assert SERVICES["db"]["volumes"] == ["postgres-data:/var/lib/postgresql/data"]
    assert SERVICES["redis"]["volumes"] == ["redis-data:/data"]
    assert SERVICES["redis"]["command"] == ["redis-server", "--appendonly", "yes"]
    assert set(COMPOSE["volumes"]) == {"postgres-data", "redis-data"}


def test_worker_and_beat_run_celery():
    assert SERVICES["worker"]["command"] == ["celery", "-A", "calldesk", "worker", "-l", "info"]
    assert SERVICES["beat"]["command"] == [
        "celery",
        "-A",
        "calldesk",
        "beat",
        "-l",
        "info",
        "-s",
        "/tmp/celerybeat-schedule",
    ]


def test_web_serves_with_the_images_gunicorn_command_on_loopback_port_8000():
    assert "command" not in SERVICES["web"]  # the Dockerfile's CMD, checked below
    assert SERVICES["web"]["ports"] == ["127.0.0.1:8000:8000"]


def test_no_environment_value_in_compose_holds_a_literal_secret():
    secrets = {"SECRET_KEY", "POSTGRES_PASSWORD"}
    for name in SERVICES:
        env = environment_of(name)
        for variable in secrets & set(env):
            assert re.fullmatch(rf"\$\{{{variable}:\?[^}}]+\}}", env[variable]), (name, variable)
        for variable, value in env.items():
            # A password inside a URL (DATABASE_URL...) is an interpolation too.
            marked = _INTERPOLATION.sub("FROM-ENV", value)
            if "://" in marked:
                assert urlsplit(marked).password in {None, "FROM-ENV"}, (name, variable)
    assert not any("env_file" in service for service in SERVICES.values())  # .env is for interpolation


# --- Dockerfile, .dockerignore, .env.example ----------------------------------------------------


def test_dockerfile_base_image_and_requirements():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    assert ("COPY", "requirements.txt .") in instructions
    runs = [arguments for keyword, arguments in instructions if keyword == "RUN"]
    assert "pip install --no-cache-dir -r requirements.txt" in runs
    copy_requirements = instructions.index(("COPY", "requirements.txt ."))
    copy_project = instructions.index(("COPY", ". ."))
    assert copy_requirements < copy_project  # the installed packages stay cached across code changes


def test_dockerfile_runs_as_a_non_root_user():
    instructions = dockerfile_instructions()
    users = [
        (index, arguments) for index, (keyword, arguments) in enumerate(instructions) if keyword == "USER"
    ]
    assert users, "the Dockerfile has no USER instruction"
    index, user = users[-1]
    assert user == "calldesk"  # not root, 0 or 0:0
    creates = [
        arguments
        for keyword, arguments in instructions[:index]
        if keyword == "RUN" and "useradd" in arguments
    ]
    assert len(creates) == 1
    assert re.search(r"useradd .*--system .*calldesk$", creates[0].split("&&")[-1].strip())
    # Nothing runs as root after USER, and the default command runs as this user.
    assert [keyword for keyword, _ in instructions[index:]].count("RUN") == 0


def test_dockerfile_serves_gunicorn_with_uvicorn_workers_on_port_8000():
    instructions = dockerfile_instructions()
    assert ("EXPOSE", "8000") in instructions
    cmd = json.loads(next(arguments for keyword, arguments in instructions if keyword == "CMD"))
    assert cmd[:2] == ["gunicorn", "calldesk.asgi:application"]
    # ASGI workers, so the push channel's streams are held open (calldesk.live)
    assert cmd[cmd.index("--worker-class") + 1] == "uvicorn_worker.UvicornWorker"
    assert cmd[cmd.index("--bind") + 1] == "0.0.0.0:8000"
    assert int(cmd[cmd.index("--workers") + 1]) >= 2


def test_dockerfile_collects_static_files_for_the_production_storage():
    instructions = dockerfile_instructions()
    env = " ".join(arguments for keyword, arguments in instructions if keyword == "ENV")
    assert "DJANGO_SETTINGS_MODULE=calldesk.settings.production" in env
    collect = next(arguments for keyword, arguments in instructions if "collectstatic" in arguments)
    assignments, _, command = collect.partition("python ")
    assert command == "manage.py collectstatic --noinput"
    # The build-time placeholders must satisfy the production settings, or the build fails.
    build_env = dict(item.split("=", 1) for item in assignments.split())
    assert set(build_env) == {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "SITE_URL"}
    result = load_settings({**build_env, "DJANGO_SETTINGS_MODULE": "calldesk.settings.production"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    lines = (line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines())
    entries = {line for line in lines if line and not line.startswith("#")}
    required = {".venv/", ".git/", "db.sqlite3", "var/", "staticfiles/", "**/__pycache__/", ".env"}
    assert required <= entries


def test_env_example_lists_only_variables_the_settings_read_or_postgres_password():
    names = set(env_example())
    assert names - ENVIRONMENT_VARIABLES - {"POSTGRES_PASSWORD"} == set()


def test_env_example_lists_every_variable_compose_reads():
    interpolated = set(re.findall(r"\$\{(\w+)", (ROOT / "docker-compose.yml").read_text()))
    assert interpolated == set(env_example())
    assert env_example()["SECRET_KEY"].startswith("change-me")
    assert env_example()["POSTGRES_PASSWORD"].startswith("change-me")
