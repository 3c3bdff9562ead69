"""Who may do what is decided in one module (III.26): staff/permissions.py holds every role and
object rule and calldesk/access.py the door (the matrix). A role compared anywhere else is a
second copy of a rule, which drifts; this test finds one in the code and in the templates."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULE_HOMES = {Path("staff/permissions.py"), Path("calldesk/access.py")}
SKIPPED = {".venv", "tests", "bench", "demo", "migrations", "node_modules", "var", "staticfiles"}

ROLE_NAMES = "operator|manager|head|finance|commercial|admin"
ROLE_COMPARISON = re.compile(
    r"\.role\s*(==|!=|\bin\b|\bnot in\b)"  # user.role == ..., actor.role in {...}
    r"|getattr\([^)]*[\"']role[\"'][^)]*\)\s*(==|!=|\bin\b)"  # getattr(user, "role", None) == ...
    r"|Role\.[A-Z]+(\.value)?\s*(==|!=)|(==|!=)\s*Role\.[A-Z]+"  # ... == Role.HEAD
    r"|user_role\s*(==|!=|\bin\b)"  # a template's {% if user_role == "head" %}
    rf"|\brole\w*\s*(==|!=)\s*[\"']({ROLE_NAMES})[\"']"  # role == "head"
)


def _sources() -> list[Path]:
    paths = []
    for pattern in ("**/*.py", "**/*.html"):
        for path in ROOT.glob(pattern):
            relative = path.relative_to(ROOT)
            if SKIPPED & set(relative.parts) or relative in RULE_HOMES:
                continue
            paths.append(relative)
    return paths


def role_checks_outside_the_rules(paths: list[Path]) -> list[str]:
    found = []
    for relative in paths:
        for number, line in enumerate((ROOT / relative).read_text(encoding="utf-8").splitlines(), 1):
            if ROLE_COMPARISON.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_role_is_compared_outside_staff_permissions_and_the_matrix():
    assert role_checks_outside_the_rules(_sources()) == []


def test_the_scanner_finds_each_form_a_role_check_takes(tmp_path, monkeypatch):
    """The scan itself can fail: each way a role check has been written is caught."""
    lines = [
        "if actor.role == Role.OPERATOR:",
        'if getattr(actor, "role", None) != "head":',
        "if request.user.role not in allowed:",
        "x = Role.ADMIN.value == user.role",
        '{% if user_role == "operator" %}',
        'if role == "finance":',
    ]
    sample = tmp_path / "sample.py"
    sample.write_text("\n".join([*lines, "role_label = user.get_role_display()"]), encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert [hit.split(": ", 1)[1] for hit in role_checks_outside_the_rules([Path("sample.py")])] == lines
