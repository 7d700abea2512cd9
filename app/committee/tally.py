"""The tally (SPEC §6): a pure function from ballots to a ranking, computed when a round closes.

Exact arithmetic (Fraction) throughout, so ties are real ties and thresholds are exact:
"more than half" means approvals * 2 > eligible ballots, never a rounded float.

- A member recused on a candidate neither approves nor scores it, and that ballot does not
  count towards the candidate's eligible ballots.
- Committee share: approvals / eligible ballots (approval rule), or the mean weighted score
  / 10 (score rule). Public share: the candidate's likes / the most likes any candidate got.
- Combined = committee share × (1 − public weight) + public share × public weight.
- Winners: candidates above threshold by combined score, within the total quota and each
  category's quota. Candidates with equal combined scores that straddle the last place are
  `tied` for the places left (a runoff or the chair's decision settles them).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from flask_babel import lazy_gettext as _l

from app.core.labels import LabelledEnum

MAX_SCORE = 10


class Rule(enum.StrEnum):
    APPROVAL = "approval"
    SCORE = "score"


class Outcome(LabelledEnum):
    WINNER = "winner"
    TIED = "tied"
    NOT_SELECTED = "not_selected"  # above threshold, outside the quota
    BELOW_THRESHOLD = "below_threshold"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.WINNER: _l("selected"),
            cls.TIED: _l("tied at the cutoff"),
            cls.NOT_SELECTED: _l("outside the quota"),
            cls.BELOW_THRESHOLD: _l("below the threshold"),
        }


@dataclass(frozen=True)
class Candidate:
    id: int
    category_id: int | None = None
    likes: int = 0
    group: bool = False  # a collective, when the program has a separate group quota


@dataclass(frozen=True)
class Ballot:
    member_id: int
    approvals: frozenset[int] = frozenset()
    # candidate id → criterion → score 0..10 (score rule)
    scores: Mapping[int, Mapping[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    rule: Rule = Rule.APPROVAL
    quota: int = 10
    category_quotas: Mapping[int, int] = field(default_factory=dict)
    quorum: Fraction = Fraction(2, 3)
    public_weight: Fraction = Fraction(0)
    # score rule: criterion → weight (weights need not sum to 1; they are normalised)
    criteria: Mapping[str, Fraction] = field(default_factory=dict)
    min_mean_score: Fraction = Fraction(6)
    # Runoffs only rank the tied candidates: no majority threshold there.
    majority_required: bool = True
    # Places for collectives counted apart from `quota` (感动漯河's collective award).
    group_quota: int | None = None


@dataclass(frozen=True)
class Row:
    candidate_id: int
    category_id: int | None
    approvals: int
    mean_score: Fraction | None
    eligible_ballots: int
    recusals: int
    committee_share: Fraction
    public_share: Fraction
    combined: Fraction
    above_threshold: bool
    rank: int
    outcome: Outcome


@dataclass(frozen=True)
class TallyResult:
    roster_size: int
    ballots_cast: int
    quorum_needed: int
    quorum_met: bool
    rows: list[Row]
    places_left_for_tied: int

    @property
    def winners(self) -> list[int]:
        return [r.candidate_id for r in self.rows if r.outcome is Outcome.WINNER]

    @property
    def tied(self) -> list[int]:
        return [r.candidate_id for r in self.rows if r.outcome is Outcome.TIED]


def quorum_needed(roster_size: int, quorum: Fraction) -> int:
    """Smallest number of ballots that is at least `quorum` of the roster."""
    needed = quorum * roster_size
    return int(needed) if needed.denominator == 1 else int(needed) + 1


def _weighted_mean(scores: Mapping[str, int], criteria: Mapping[str, Fraction]) -> Fraction:
    if not criteria:
        values = list(scores.values())
        return Fraction(sum(values), len(values)) if values else Fraction(0)
    total_weight = sum(criteria.values(), Fraction(0))
    return sum((Fraction(scores.get(c, 0)) * w for c, w in criteria.items()), Fraction(0)) / (
        total_weight
    )


def _integer_weights(criteria: Mapping[str, Fraction]) -> tuple[dict[str, int], int] | None:
    """The criteria weights scaled to integers over a common denominator (same ratios), and
    their sum: a weighted mean is then one integer sum over one integer, exactly."""
    if not criteria:
        return None
    denominator = math.lcm(*(Fraction(w).denominator for w in criteria.values()))
    weights = {c: int(Fraction(w) * denominator) for c, w in criteria.items()}
    return weights, sum(weights.values())


def _mean_mark(
    sheets: list[Mapping[str, int]],
    criteria: Mapping[str, Fraction],
    integer_weights: tuple[dict[str, int], int] | None,
) -> Fraction:
    """Mean over ballots of each ballot's weighted mean score (0 without ballots)."""
    if not sheets:
        return Fraction(0)
    if integer_weights is None or integer_weights[1] == 0:
        return sum((_weighted_mean(s, criteria) for s in sheets), Fraction(0)) / len(sheets)
    weights, total_weight = integer_weights
    points = sum(s.get(c, 0) * w for s in sheets for c, w in weights.items())
    return Fraction(points, total_weight * len(sheets))


def tally(
    candidates: Sequence[Candidate],
    ballots: Sequence[Ballot],
    *,
    roster_size: int,
    recusals: frozenset[tuple[int, int]] = frozenset(),
    settings: Settings = Settings(),  # noqa: B008 - immutable frozen dataclass
) -> TallyResult:
    """Rank `candidates` from the last ballot of each member (callers pass only those)."""
    cast = len(ballots)
    needed = quorum_needed(roster_size, settings.quorum)
    most_likes = max((c.likes for c in candidates), default=0)
    integer_weights = _integer_weights(settings.criteria)
    scored: list[tuple[Candidate, dict]] = []
    for candidate in candidates:
        eligible = [b for b in ballots if (b.member_id, candidate.id) not in recusals]
        recused = sum(1 for b in ballots if (b.member_id, candidate.id) in recusals)
        approvals = sum(1 for b in eligible if candidate.id in b.approvals)
        mean: Fraction | None = None
        if settings.rule is Rule.APPROVAL:
            share = Fraction(approvals, len(eligible)) if eligible else Fraction(0)
            above = approvals * 2 > len(eligible) if settings.majority_required else True
        else:
            sheets = [b.scores[candidate.id] for b in eligible if candidate.id in b.scores]
            mean = _mean_mark(sheets, settings.criteria, integer_weights)
            share = mean / MAX_SCORE
            above = bool(sheets) and mean >= settings.min_mean_score
        public = Fraction(candidate.likes, most_likes) if most_likes else Fraction(0)
        weight = settings.public_weight
        combined = share * (1 - weight) + public * weight
        scored.append(
            (
                candidate,
                {
                    "approvals": approvals,
                    "mean": mean,
                    "eligible": len(eligible),
                    "recused": recused,
                    "share": share,
                    "public": public,
                    "combined": combined,
                    "above": above,
                },
            )
        )
    scored.sort(key=lambda item: (not item[1]["above"], -item[1]["combined"], item[0].id))
    if settings.group_quota is None:
        outcomes, places_left = _allocate(scored, settings)
    else:  # individuals and collectives fill separate quotas
        outcomes, places_left = _allocate([i for i in scored if not i[0].group], settings)
        group_outcomes, group_left = _allocate(
            [i for i in scored if i[0].group],
            Settings(quota=settings.group_quota, category_quotas=settings.category_quotas),
        )
        outcomes.update(group_outcomes)
        places_left += group_left
    rows = []
    rank = 0
    previous: Fraction | None = None
    for position, (candidate, s) in enumerate(scored, start=1):
        if s["combined"] != previous:
            rank, previous = position, s["combined"]
        rows.append(
            Row(
                candidate_id=candidate.id,
                category_id=candidate.category_id,
                approvals=s["approvals"],
                mean_score=s["mean"],
                eligible_ballots=s["eligible"],
                recusals=s["recused"],
                committee_share=s["share"],
                public_share=s["public"],
                combined=s["combined"],
                above_threshold=s["above"],
                rank=rank,
                outcome=outcomes[candidate.id],
            )
        )
    return TallyResult(
        roster_size=roster_size,
        ballots_cast=cast,
        quorum_needed=needed,
        quorum_met=cast >= needed,
        rows=rows,
        places_left_for_tied=places_left,
    )


def _allocate(scored, settings: Settings) -> tuple[dict[int, Outcome], int]:
    """Seat groups of equal combined score in order; the group that does not fit is tied."""
    outcomes = {c.id: Outcome.BELOW_THRESHOLD for c, s in scored if not s["above"]}
    groups: list[list[Candidate]] = []
    previous = None
    for candidate, s in scored:
        if not s["above"]:
            continue
        if groups and s["combined"] == previous:
            groups[-1].append(candidate)
        else:
            groups.append([candidate])
        previous = s["combined"]
    left = settings.quota
    per_category = dict(settings.category_quotas)
    tied_places = 0
    for group in groups:
        fitting = [c for c in group if per_category.get(c.category_id, left) > 0]
        for candidate in group:
            outcomes[candidate.id] = Outcome.NOT_SELECTED
        if tied_places or left == 0 or not fitting:
            continue
        seatable = _seatable(fitting, per_category)
        if len(fitting) <= left and seatable == len(fitting):
            for candidate in fitting:
                outcomes[candidate.id] = Outcome.WINNER
                left -= 1
                if candidate.category_id in per_category:
                    per_category[candidate.category_id] -= 1
        else:
            for candidate in fitting:
                outcomes[candidate.id] = Outcome.TIED
            tied_places = min(left, seatable)
    return outcomes, tied_places


def _seatable(group: list[Candidate], per_category: dict[int, int]) -> int:
    """How many of `group` the category quotas alone would let in."""
    counts: dict[int | None, int] = {}
    for candidate in group:
        counts[candidate.category_id] = counts.get(candidate.category_id, 0) + 1
    return sum(min(n, per_category[cat]) if cat in per_category else n for cat, n in counts.items())


def _fraction(value: str | None) -> Fraction | None:
    return None if value is None else Fraction(value)


def result_to_json(result: TallyResult) -> dict:
    """A result as JSON (exact fractions as "n/d" strings) for the snapshot taken at close."""
    return {
        "roster_size": result.roster_size,
        "ballots_cast": result.ballots_cast,
        "quorum_needed": result.quorum_needed,
        "quorum_met": result.quorum_met,
        "places_left_for_tied": result.places_left_for_tied,
        "rows": [
            {
                "candidate_id": row.candidate_id,
                "category_id": row.category_id,
                "approvals": row.approvals,
                "mean_score": None if row.mean_score is None else str(row.mean_score),
                "eligible_ballots": row.eligible_ballots,
                "recusals": row.recusals,
                "committee_share": str(row.committee_share),
                "public_share": str(row.public_share),
                "combined": str(row.combined),
                "above_threshold": row.above_threshold,
                "rank": row.rank,
                "outcome": row.outcome.value,
            }
            for row in result.rows
        ],
    }


def result_from_json(data: Mapping) -> TallyResult:
    """The inverse of `result_to_json`: the same result, exactly."""
    return TallyResult(
        roster_size=data["roster_size"],
        ballots_cast=data["ballots_cast"],
        quorum_needed=data["quorum_needed"],
        quorum_met=data["quorum_met"],
        places_left_for_tied=data["places_left_for_tied"],
        rows=[
            Row(
                candidate_id=row["candidate_id"],
                category_id=row["category_id"],
                approvals=row["approvals"],
                mean_score=_fraction(row["mean_score"]),
                eligible_ballots=row["eligible_ballots"],
                recusals=row["recusals"],
                committee_share=Fraction(row["committee_share"]),
                public_share=Fraction(row["public_share"]),
                combined=Fraction(row["combined"]),
                above_threshold=row["above_threshold"],
                rank=row["rank"],
                outcome=Outcome(row["outcome"]),
            )
            for row in data["rows"]
        ],
    )
