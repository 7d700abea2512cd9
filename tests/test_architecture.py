"""Rules of STYLE.md that a grep can keep."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"


def _sources():
    return [(p, p.read_text(encoding="utf-8")) for p in APP.rglob("*.py")]


def test_only_services_assign_state():
    offenders = [
        str(p.relative_to(APP))
        for p, text in _sources()
        if re.search(r"\.state\s*=(?!=)", text) and p.name != "services.py"
    ]
    assert offenders == []


# Writers split by topic rather than named services.py: the same rules hold.
WRITERS = {Path("committee") / f"{name}.py" for name in ("roster", "ballots", "results")}


def test_services_never_commit_or_touch_request():
    for path, text in _sources():
        if path.name == "services.py" or path.relative_to(APP) in WRITERS:
            assert ".commit(" not in text, path
            assert "from flask import" not in text, path
            assert "current_app" not in text, path


def test_no_legacy_query_api():
    assert [str(p) for p, text in _sources() if re.search(r"\.query\.", text)] == []


def test_no_safe_filter_on_user_content():
    templates = (APP / "templates").rglob("*.html")
    assert [str(t) for t in templates if "|safe" in t.read_text(encoding="utf-8")] == []


def test_only_the_honors_service_constructs_honor():
    offenders = [
        str(p.relative_to(APP))
        for p, text in _sources()
        if re.search(r"(?<![\w.])Honor\((?!db\.Model)", text)
        and p.relative_to(APP) != Path("honors/services.py")
    ]
    assert offenders == []


# What app/core may import: the floor under every domain.
CORE_MAY_IMPORT = ("app.core", "app.db_types", "app.extensions", "app.exceptions")


def test_core_imports_no_domain():
    offenders = []
    for path in (APP / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            offenders += [
                f"{path.relative_to(APP)}: {name}"
                for name in names
                if (name == "app" or name.startswith("app."))
                and not name.startswith(CORE_MAY_IMPORT)
            ]
    assert offenders == []


def test_local_zone_and_system_clock_only_in_clock_module():
    clock = APP / "core" / "clock.py"
    zone = [str(p) for p, text in _sources() if 'ZoneInfo("Asia/Shanghai")' in text]
    system_clock = [
        str(p)
        for p, text in _sources()
        if re.search(r"\bdate\.today\(|\bdatetime\.now\(|\bdatetime\.utcnow\(", text) and p != clock
    ]
    assert zone == [str(clock)]
    assert system_clock == []


def test_every_package_is_in_the_import_layers_with_no_exception():
    config = tomllib.loads((APP.parent / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    layered = {
        name.strip().removeprefix("app.")
        for layer in contract["layers"]
        for name in layer.split("|")
    }
    packages = {p.parent.name for p in APP.glob("*/__init__.py")}
    assert packages - layered == set()
    assert "ignore_imports" not in contract


def test_views_parse_posts_with_form_classes():
    views = [*APP.rglob("views.py"), *APP.rglob("views/*.py")]
    offenders = [
        str(p.relative_to(APP)) for p in views if "request.form" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []
