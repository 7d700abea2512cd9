"""`make report`: one table of the figures the suites and the benchmark recorded.

The test suites write .ci/artifacts/figures/<suite>.json (tests/figures.py) as they run;
`make bench` writes bench-<database>.json there too. This prints them as one Markdown
table, headline figures first, and saves it to .ci/artifacts/report.md (with --write
PATH, also to PATH: docs/figures.md keeps the figures of the last full CI run).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / ".ci" / "artifacts" / "figures"

# (label, suite, key or keys summed) of the figures the issue asks for, in its order.
HEADLINES = (
    (
        "routes: state-changing routes refusing missing/foreign CSRF",
        "routes",
        "state_changing_routes",
    ),
    ("routes: GET routes in the role × route matrix", "routes", "get_routes"),
    ("routes: role × route cells checked", "routes", "role_matrix_cells"),
    ("XSS: payloads", "xss", "payloads"),
    ("XSS: fields", "xss", "fields"),
    ("XSS: payload × field trials (parsed HTML)", "xss", "trials"),
    ("XSS: payloads executed (parsed HTML)", "xss", "executed"),
    ("XSS: payload × field trials in Chromium", "xss-browser", "trials"),
    ("XSS: payloads executed in Chromium", "xss-browser", "executed"),
    ("fuzz: forms", "fuzz", "forms"),
    ("fuzz: examples", "fuzz", "examples"),
    ("fuzz: server errors", "fuzz", "server_errors"),
    ("faults: worker kill -9 survived (SQLite)", "reliability", "sqlite.kills"),
    ("faults: worker kill -9 survived (PostgreSQL)", "reliability", "postgresql.kills"),
    (
        "faults: confirmed writes lost",
        "reliability",
        ("sqlite.writes_lost", "postgresql.writes_lost"),
    ),
    ("faults: duplicates found", "reliability", ("sqlite.duplicates", "postgresql.duplicates")),
    ("PII: pages and files scanned", "pii", "pages_scanned"),
    ("PII: log lines scanned", "pii", "log_lines_scanned"),
    ("PII: hits", "pii", "hits"),
)


def load() -> dict[str, dict]:
    if not FIGURES.exists():
        return {}
    return {path.stem: json.loads(path.read_text()) for path in sorted(FIGURES.glob("*.json"))}


def headline_value(figures: dict[str, dict], suite: str, keys) -> str:
    values = figures.get(suite, {})
    if isinstance(keys, tuple):
        found = [values[k] for k in keys if k in values]
        return str(sum(found)) if found else "not run"
    return str(values.get(keys, "not run"))


def render(figures: dict[str, dict]) -> str:
    lines = ["| figure | value |", "|---|---:|"]
    lines += [f"| {label} | {headline_value(figures, s, k)} |" for label, s, k in HEADLINES]
    for suite in sorted(s for s in figures if s.startswith("bench-")):
        bench = figures[suite]
        database = suite.removeprefix("bench-")
        lines.append(f"| bench ({database}): hello-world req/s | {bench.get('hello_rps')} |")
        for key in sorted(k for k in bench if k.startswith("ratio ")):
            lines.append(f"| bench ({database}): {key} | {bench[key]} |")
        for key in ("tally_s", "import_s", "targets_missed"):
            if key in bench:
                lines.append(f"| bench ({database}): {key} | {bench[key]} |")
    shown = {
        (s, k) for _l, s, keys in HEADLINES for k in (keys if isinstance(keys, tuple) else (keys,))
    }
    other = [
        (suite, key, value)
        for suite, values in figures.items()
        if not suite.startswith("bench-")
        for key, value in sorted(values.items())
        if (suite, key) not in shown
    ]
    if other:
        lines += ["", "| suite | figure | value |", "|---|---|---:|"]
        lines += [f"| {suite} | {key} | {value} |" for suite, key, value in other]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="also save the table to this file")
    args = parser.parse_args()
    figures = load()
    if not figures:
        print("No figures yet: run `make test`, `.ci/run` or `make bench` first.")
        return
    text = render(figures)
    (FIGURES.parent / "report.md").write_text(text)
    if args.write:
        args.write.write_text(
            "# Figures of the last full run\n\n"
            "Written by `make report` (`bench/report.py`) from what `.ci/run` and `make bench` "
            "recorded; see [the benchmark](../bench/README.md) for the load figures.\n\n" + text
        )
    print(text)


if __name__ == "__main__":
    main()
