"""Figures the suites report (payloads tried, faults survived, ...) for `make report`.

Each suite calls record("suite-name", key=value, ...); the values land in
.ci/artifacts/figures/<suite-name>.json, merged with what the suite recorded before in
the same run, and `make report` prints them all in one table.
"""

from __future__ import annotations

import json
from pathlib import Path

FIGURES_DIR = Path(__file__).resolve().parents[1] / ".ci" / "artifacts" / "figures"


def record(suite: str, **values: int | float | str) -> None:
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    path = FIGURES_DIR / f"{suite}.json"
    current = json.loads(path.read_text()) if path.exists() else {}
    current.update(values)
    path.write_text(json.dumps(current, ensure_ascii=False, indent=2, sort_keys=True))
