"""The tools behind `make test`, `make lint` and the pre-commit hooks are declared where a fresh
clone installs them from: ranges in pyproject's dev extras, exact pins in requirements-dev.txt."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    """The normalized distribution name of `requirement` (PEP 503)."""
    return re.sub(r"[-_.]+", "-", re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0]).lower()


def dev_extras() -> set[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return {_name(r) for r in pyproject["project"]["optional-dependencies"]["dev"]}


def dev_pins() -> dict[str, str]:
    lines = (ROOT / "requirements-dev.txt").read_text().splitlines()
    return {_name(line): line for line in lines if line and not line.startswith(("#", "-r"))}


def test_every_dev_extra_is_pinned_exactly_in_requirements_dev():
    pins = dev_pins()
    assert dev_extras() - set(pins) == set()
    assert all("==" in pins[name] for name in dev_extras())


def test_the_tools_the_scripts_and_tests_run_are_dev_extras():
    used = {"pytest", "pytest-django", "factory-boy", "hypothesis", "playwright", "pytest-playwright"}
    used |= {"pyyaml", "ruff", "bandit", "mypy", "django-stubs", "pre-commit", "jsonschema"}
    assert used - dev_extras() == set()


def test_pre_commit_runs_ruff_its_format_and_the_migrations_check_with_the_pinned_tools():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert set(hooks) == {"ruff-check", "ruff-format", "migrations"}
    assert hooks["ruff-check"]["entry"].startswith(".venv/bin/ruff check")
    assert hooks["ruff-format"]["entry"].startswith(".venv/bin/ruff format")
    assert hooks["migrations"]["entry"].endswith("manage.py makemigrations --check --dry-run")


def test_tool_caches_and_the_virtual_environment_are_ignored():
    ignored = set((ROOT / ".gitignore").read_text().splitlines())
    caches = {".pytest_cache/", ".ruff_cache/", ".mypy_cache/", ".hypothesis/", ".schemathesis/"}
    assert caches | {".venv/", ".venv"} <= ignored
