"""Program administration: the rules a program may take, and the services that create and
edit programs (staff and admin, app/programs/views.py). Every change is audited with the
before and after of the fields it changed. A cycle past nominations keeps its own snapshot
of the rules (app/programs/rules.py), so an edit here changes later cycles only.

Kept apart from services.py, which is about cycles and already near its size limit.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.exceptions import RefusedError
from app.extensions import db
from app.programs.models import (
    DEFAULT_PHASE_TEMPLATE,
    GUARDIAN_AGE_RANGE,
    MIN_NOTICE_DAYS,
    BallotRule,
    Cadence,
    Category,
    Level,
    NomineeKind,
    Program,
    ProgramCategory,
)

# The program attributes staff edit, in form order (`categories` is {category_id: quota}).
EDITABLE_FIELDS = (
    "name_zh",
    "name_en",
    "level",
    "cadence",
    "external",
    "nominee_kind",
    "quota",
    "group_quota",
    "categories",
    "age_min",
    "age_max",
    "cooldown",
    "pupils_give_school",
    "guardian_consent_below_age",
    "ballot_rule",
    "score_criteria",
    "quorum_num",
    "quorum_den",
    "min_mean_score_tenths",
    "require_justification",
    "public_review",
    "public_weight_pct",
    "notice_days",
    "phase_template",
    "has_nomination_award",
    "is_active",
)
PHASE_DAY_KEYS = ("nominating_days", "vetting_days", "public_review_days", "voting_days")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
WEIGHTS_TOTAL = 100


class ProgramError(RefusedError):
    """A refused program change; `field` names the form field it concerns."""


def rule_problems(values: dict[str, Any]) -> list[tuple[str, object]]:
    """What is wrong with these program values, as (field, message): empty when valid.

    The form shows these next to its fields; the services refuse with the first one, so a
    forged request meets the same rules.
    """
    problems: list[tuple[str, object]] = []
    for name in ("quota", "group_quota"):
        if values.get(name) is not None and values[name] < 1:
            problems.append((name, _l("A quota is at least 1 (leave it empty for no quota).")))
    if any(q is not None and q < 1 for q in (values.get("categories") or {}).values()):
        problems.append(("categories", _l("A category quota is at least 1 (or empty).")))
    low, high = values.get("age_min"), values.get("age_max")
    if low is not None and high is not None and low > high:
        problems.append(("age_min", _l("The minimum age is above the maximum age.")))
    for name in ("age_min", "age_max"):
        if values.get(name) is not None and not 0 <= values[name] <= 150:
            problems.append((name, _l("An age from 0 to 150.")))
    if values.get("notice_days", MIN_NOTICE_DAYS) < MIN_NOTICE_DAYS:
        problems.append(
            (
                "notice_days",
                _l("A public notice lasts at least %(days)d days.", days=MIN_NOTICE_DAYS),
            )
        )
    if not 0 <= values.get("public_weight_pct", 0) <= 100:
        problems.append(("public_weight_pct", _l("A weight from 0 to 100 percent.")))
    num, den = values.get("quorum_num", 2), values.get("quorum_den", 3)
    if num < 1 or den < 1 or num > den:
        problems.append(("quorum_num", _l("A quorum is a fraction of the committee: 1/2, 2/3…")))
    if not 0 <= values.get("min_mean_score_tenths", 60) <= 100:
        problems.append(("min_mean_score", _l("A mean score from 0 to 10.")))
    low_age, high_age = GUARDIAN_AGE_RANGE
    guardian = values.get("guardian_consent_below_age", high_age)
    if not low_age <= guardian <= high_age:
        problems.append(
            (
                "guardian_consent_below_age",
                _l("From %(low)d to %(high)d years.", low=low_age, high=high_age),
            )
        )
    template = values.get("phase_template") or {}
    for key in PHASE_DAY_KEYS:
        if key in template and not 1 <= int(template[key]) <= 366:
            problems.append((key, _l("From 1 to 366 days.")))
    problems += _criteria_problems(values)
    return problems


def _criteria_problems(values: dict[str, Any]) -> list[tuple[str, object]]:
    criteria = values.get("score_criteria") or []
    codes = [c["code"] for c in criteria]
    if len(set(codes)) != len(codes):
        return [("criteria", _l("Two criteria have the same code."))]
    if any(not CODE_RE.match(code) for code in codes):
        return [("criteria", _l("A criterion code is lowercase letters, digits or _."))]
    if any(not isinstance(c["weight"], int) or c["weight"] < 1 for c in criteria):
        return [("criteria", _l("Each weight is a whole number of at least 1."))]
    total = sum(c["weight"] for c in criteria)
    if values.get("ballot_rule") is BallotRule.SCORE and criteria and total != WEIGHTS_TOTAL:
        return [
            (
                "criteria",
                _l(
                    "The weights add up to %(total)d; they must add up to %(needed)d.",
                    total=total,
                    needed=WEIGHTS_TOTAL,
                ),
            )
        ]
    return []


def _check(values: dict[str, Any]) -> None:
    problems = rule_problems(values)
    if problems:
        field, message = problems[0]
        raise ProgramError(message, field)


def _current(program: Program, name: str) -> Any:
    if name == "categories":
        return {link.category_id: link.quota for link in program.categories}
    if name == "score_criteria":
        return [dict(c) for c in program.score_criteria or []]
    if name == "phase_template":
        return dict(program.phase_template or {})
    return getattr(program, name)


def _json(value: Any) -> Any:
    """A value as the audit log keeps it (enums by value, category links by code)."""
    if isinstance(value, (Level, Cadence, NomineeKind, BallotRule)):
        return value.value
    return value


def _categories_json(quotas: dict[int, int | None]) -> dict[str, int | None]:
    codes = dict(db.session.execute(sa.select(Category.id, Category.code)).tuples().all())
    return {codes.get(cid, str(cid)): quota for cid, quota in sorted(quotas.items())}


def _apply_categories(program: Program, quotas: dict[int, int | None]) -> None:
    known = set(db.session.scalars(sa.select(Category.id).where(Category.id.in_(quotas))))
    if set(quotas) - known:
        raise ProgramError(_l("Choose categories from the list."), "categories")
    links = {link.category_id: link for link in program.categories}
    for category_id, link in links.items():
        if category_id not in quotas:
            program.categories.remove(link)
    for category_id, quota in quotas.items():
        if category_id in links:
            links[category_id].quota = quota
        else:
            program.categories.append(ProgramCategory(category_id=category_id, quota=quota))


def _merged(program: Program | None, changes: dict[str, Any]) -> dict[str, Any]:
    current = {name: _current(program, name) for name in EDITABLE_FIELDS} if program else {}
    values = {**current, **changes}
    # Keys the form does not show (biennial_parity, held_after_period) are kept.
    template = {
        **DEFAULT_PHASE_TEMPLATE,
        **(current.get("phase_template") or {}),
        **(changes.get("phase_template") or {}),
    }
    if "notice_days" in values:
        template["notice_days"] = values["notice_days"]
    values["phase_template"] = template
    return values


def create_program(
    *, code: str, values: dict[str, Any], actor, now: datetime | None = None
) -> Program:
    """A new program from the form's values; audited with everything it was given."""
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise ProgramError(
            _l("2 to 40 lowercase letters, digits or _, starting with a letter."), "code"
        )
    if db.session.scalar(sa.select(Program.id).where(Program.code == code)) is not None:
        raise ProgramError(_l("A program with this code exists."), "code")
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    values = _merged(None, values)
    _check(values)
    order = db.session.scalar(sa.select(sa.func.max(Program.sort_order))) or 0
    program = Program(code=code, sort_order=order + 10)
    for name, value in values.items():
        if name != "categories":
            setattr(program, name, value)
    db.session.add(program)
    db.session.flush()
    _apply_categories(program, values.get("categories") or {})
    db.session.flush()
    after = {name: _json(value) for name, value in values.items() if name != "categories"}
    after["categories"] = _categories_json(values.get("categories") or {})
    record_event("program.created", actor=actor, obj=program, after={"code": code, **after})
    return program


def update_program(
    program: Program, changes: dict[str, Any], *, actor, now: datetime | None = None
) -> dict[str, tuple[Any, Any]]:
    """Apply the changed fields; audited with their before and after. Returns the changes
    ({field: (before, after)}), empty when nothing differs (and nothing is logged).

    Cycles past nominations keep their rules snapshot: only later cycles see the edit.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    values = _merged(program, changes)
    _check(values)
    diff = {
        name: (_current(program, name), values[name])
        for name in EDITABLE_FIELDS
        if name in values and values[name] != _current(program, name)
    }
    if not diff:
        return {}
    for name, (_before, value) in diff.items():
        if name == "categories":
            _apply_categories(program, value)
        else:
            setattr(program, name, value)
    db.session.flush()

    def shown(name: str, value: Any) -> Any:
        return _categories_json(value) if name == "categories" else _json(value)

    record_event(
        "program.updated",
        actor=actor,
        obj=program,
        before={name: shown(name, before) for name, (before, _a) in diff.items()},
        after={name: shown(name, after) for name, (_b, after) in diff.items()},
    )
    return diff
