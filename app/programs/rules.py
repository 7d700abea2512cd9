"""The rules that decide a cycle, and the snapshot that keeps them once nominations close.

Design: a cycle reads its program's live rules while it is a draft or taking nominations
(staff may still fix a quota or a criterion before anyone has been judged). When it leaves
nominations (`transition_cycle` to vetting, the only way out of `nominating`), the rules are
copied to `cycles.rules_snapshot`, once. From then on everything that decides the cycle —
quotas, ballot rule, criteria and weights, quorum, threshold, public weight, notice days,
nomination award, the public-review step — reads `cycle_rules(cycle)`, which returns the
snapshot. Editing the program then changes later cycles only.

Cycles that left nominations before snapshots existed have none: for them `cycle_rules`
falls back to the live program, as the code did before.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from app.programs.models import MIN_NOTICE_DAYS, BallotRule, Cycle, Program

SNAPSHOT_VERSION = 1


@dataclass(frozen=True)
class CategoryRule:
    category_id: int
    code: str
    name_zh: str
    name_en: str
    quota: int | None


@dataclass(frozen=True)
class Criterion:
    code: str
    name_zh: str
    name_en: str
    weight: int


@dataclass(frozen=True)
class Rules:
    quota: int | None
    group_quota: int | None
    categories: tuple[CategoryRule, ...]
    ballot_rule: BallotRule
    score_criteria: tuple[Criterion, ...]
    quorum_num: int
    quorum_den: int
    min_mean_score_tenths: int
    public_review: bool
    public_weight_pct: int
    notice_days: int
    has_nomination_award: bool
    require_justification: bool

    @property
    def category_quotas(self) -> dict[int, int]:
        return {c.category_id: c.quota for c in self.categories if c.quota}

    @property
    def quorum(self) -> Fraction:
        return Fraction(self.quorum_num, self.quorum_den)

    @property
    def min_mean_score(self) -> Fraction:
        return Fraction(self.min_mean_score_tenths, 10)

    @property
    def weights_total(self) -> int:
        return sum(c.weight for c in self.score_criteria)

    @property
    def criterion_codes(self) -> list[str]:
        return [c.code for c in self.score_criteria]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ballot_rule"] = self.ballot_rule.value
        data["version"] = SNAPSHOT_VERSION
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Rules:
        values = {k: v for k, v in data.items() if k != "version"}
        values["ballot_rule"] = BallotRule(values["ballot_rule"])
        values["categories"] = tuple(CategoryRule(**c) for c in values["categories"])
        values["score_criteria"] = tuple(Criterion(**c) for c in values["score_criteria"])
        return cls(**values)


def _criterion(data: dict[str, Any]) -> Criterion:
    return Criterion(
        code=str(data["code"]),
        name_zh=str(data.get("name_zh") or data["code"]),
        name_en=str(data.get("name_en") or data["code"]),
        weight=int(data.get("weight", 1)),
    )


def _category_order(link) -> tuple[int, int]:
    return (link.category.sort_order, link.category_id)


def program_rules(program: Program) -> Rules:
    """The program's rules as they stand now."""
    return Rules(
        quota=program.quota,
        group_quota=program.group_quota,
        categories=tuple(
            CategoryRule(
                link.category_id,
                link.category.code,
                link.category.name_zh,
                link.category.name_en,
                link.quota,
            )
            for link in sorted(program.categories, key=_category_order)
        ),
        ballot_rule=program.ballot_rule,
        score_criteria=tuple(_criterion(c) for c in program.score_criteria or ()),
        quorum_num=program.quorum_num,
        quorum_den=program.quorum_den,
        min_mean_score_tenths=program.min_mean_score_tenths,
        public_review=program.public_review,
        public_weight_pct=program.public_weight_pct,
        notice_days=max(MIN_NOTICE_DAYS, program.notice_days),
        has_nomination_award=program.has_nomination_award,
        require_justification=program.require_justification,
    )


def cycle_rules(cycle: Cycle) -> Rules:
    """The rules that decide `cycle`: its snapshot once taken, else its program's."""
    if cycle.rules_snapshot:
        return Rules.from_json(cycle.rules_snapshot)
    return program_rules(cycle.program)


def freeze_rules(cycle: Cycle) -> None:
    """Keep the program's current rules on the cycle (once: a snapshot never changes)."""
    if not cycle.rules_snapshot:
        cycle.rules_snapshot = program_rules(cycle.program).to_json()
