"""The tally over hand-computed cases (issue 4 acceptance, first bullet)."""

from __future__ import annotations

from fractions import Fraction as F  # noqa: N817 - reads like the hand calculation

from app.committee.tally import (
    Ballot,
    Candidate,
    Outcome,
    Rule,
    Settings,
    quorum_needed,
    tally,
)


def approvals(member: int, *ids: int) -> Ballot:
    return Ballot(member_id=member, approvals=frozenset(ids))


def outcome(result, candidate_id):
    return next(r.outcome for r in result.rows if r.candidate_id == candidate_id)


def test_quorum_is_two_thirds_rounded_up():
    assert quorum_needed(7, F(2, 3)) == 5  # 4.67 → 5
    assert quorum_needed(9, F(2, 3)) == 6
    assert quorum_needed(10, F(1, 2)) == 5


def test_quorum_not_met():
    result = tally([Candidate(1)], [approvals(m, 1) for m in range(4)], roster_size=7)
    assert (result.ballots_cast, result.quorum_needed, result.quorum_met) == (4, 5, False)


def test_approval_ranking_and_quota():
    # 5 ballots; approvals: A=5, B=4, C=3, D=2 (D is not more than half), quota 2.
    ballots = [
        approvals(1, 1, 2, 3, 4),
        approvals(2, 1, 2, 3, 4),
        approvals(3, 1, 2, 3),
        approvals(4, 1, 2),
        approvals(5, 1),
    ]
    result = tally(
        [Candidate(i) for i in (1, 2, 3, 4)], ballots, roster_size=5, settings=Settings(quota=2)
    )
    assert result.quorum_met
    assert [r.candidate_id for r in result.rows] == [1, 2, 3, 4]
    assert [r.approvals for r in result.rows] == [5, 4, 3, 2]
    assert result.winners == [1, 2]
    assert outcome(result, 3) is Outcome.NOT_SELECTED
    assert outcome(result, 4) is Outcome.BELOW_THRESHOLD
    assert result.rows[0].committee_share == F(1)


def test_exactly_half_is_not_more_than_half():
    ballots = [approvals(1, 1), approvals(2, 1), approvals(3), approvals(4)]
    result = tally([Candidate(1)], ballots, roster_size=4)
    assert result.rows[0].approvals == 2
    assert result.rows[0].above_threshold is False
    assert result.winners == []


def test_recusal_removes_ballot_from_candidate():
    # Member 3 is recused on candidate 1: 2 of the 2 eligible ballots approve (> half),
    # although only 2 of 3 ballots cast name candidate 1. Member 3's approval is ignored.
    ballots = [approvals(1, 1), approvals(2, 1), approvals(3, 1, 2)]
    result = tally(
        [Candidate(1), Candidate(2)], ballots, roster_size=3, recusals=frozenset({(3, 1)})
    )
    row = next(r for r in result.rows if r.candidate_id == 1)
    assert (row.approvals, row.eligible_ballots, row.recusals) == (2, 2, 1)
    assert row.committee_share == F(1)
    assert outcome(result, 2) is Outcome.BELOW_THRESHOLD  # 1 of 3


def test_score_rule_weighted_criteria_and_minimum():
    settings = Settings(
        rule=Rule.SCORE, quota=1, criteria={"deeds": F(3), "influence": F(1)}, min_mean_score=F(6)
    )
    ballots = [
        Ballot(1, scores={1: {"deeds": 8, "influence": 4}, 2: {"deeds": 6, "influence": 6}}),
        Ballot(2, scores={1: {"deeds": 10, "influence": 6}, 2: {"deeds": 5, "influence": 5}}),
    ]
    result = tally([Candidate(1), Candidate(2)], ballots, roster_size=2, settings=settings)
    # candidate 1: (8*3+4)/4 = 7, (10*3+6)/4 = 9 → mean 8; candidate 2: 6 and 5 → 5.5
    rows = {r.candidate_id: r for r in result.rows}
    assert rows[1].mean_score == F(8) and rows[2].mean_score == F(11, 2)
    assert rows[1].committee_share == F(4, 5)
    assert result.winners == [1]
    assert rows[2].outcome is Outcome.BELOW_THRESHOLD


def test_public_weight_changes_the_order():
    # Committee: A 4/5, B 3/5. Likes: A 10, B 100. Weight 1/2:
    # A = 4/5*1/2 + 1/10*1/2 = 9/20; B = 3/5*1/2 + 1*1/2 = 16/20.
    ballots = [
        approvals(1, 1, 2),
        approvals(2, 1, 2),
        approvals(3, 1, 2),
        approvals(4, 1),
        approvals(5),
    ]
    result = tally(
        [Candidate(1, likes=10), Candidate(2, likes=100)],
        ballots,
        roster_size=5,
        settings=Settings(quota=1, public_weight=F(1, 2)),
    )
    rows = {r.candidate_id: r for r in result.rows}
    assert rows[1].combined == F(9, 20) and rows[2].combined == F(4, 5)
    assert result.winners == [2]


def test_per_category_quota():
    # Quota 3, at most 1 from category 10. Candidates 1 and 2 (cat 10) top the list.
    ballots = [approvals(m, 1, 2, 3, 4) for m in range(1, 4)] + [
        approvals(4, 1, 3, 4),
        approvals(5, 1, 4),
    ]
    cands = [Candidate(1, 10), Candidate(2, 10), Candidate(3, 20), Candidate(4, 20)]
    result = tally(
        cands, ballots, roster_size=5, settings=Settings(quota=3, category_quotas={10: 1})
    )
    assert sorted(result.winners) == [1, 3, 4]
    assert outcome(result, 2) is Outcome.NOT_SELECTED


def test_two_way_tie_at_cutoff():
    ballots = [approvals(1, 1, 2, 3), approvals(2, 1, 2, 3), approvals(3, 1, 2, 3), approvals(4, 1)]
    result = tally(
        [Candidate(1), Candidate(2), Candidate(3)],
        ballots,
        roster_size=4,
        settings=Settings(quota=2),
    )
    assert result.winners == [1]
    assert sorted(result.tied) == [2, 3]
    assert result.places_left_for_tied == 1
    ranks = {r.candidate_id: r.rank for r in result.rows}
    assert ranks == {1: 1, 2: 2, 3: 2}


def test_three_way_tie_for_two_places():
    ballots = [approvals(m, 1, 2, 3, 4) for m in range(1, 4)] + [approvals(4, 1)]
    result = tally(
        [Candidate(i) for i in (1, 2, 3, 4)], ballots, roster_size=4, settings=Settings(quota=3)
    )
    assert result.winners == [1]
    assert sorted(result.tied) == [2, 3, 4]
    assert result.places_left_for_tied == 2


def test_tie_inside_quota_is_no_tie():
    ballots = [approvals(m, 1, 2) for m in range(1, 4)]
    result = tally([Candidate(1), Candidate(2)], ballots, roster_size=3, settings=Settings(quota=2))
    assert sorted(result.winners) == [1, 2] and result.tied == []


def test_no_ballots_no_winners():
    result = tally([Candidate(1)], [], roster_size=3)
    assert result.quorum_met is False and result.winners == []
    assert result.rows[0].outcome is Outcome.BELOW_THRESHOLD


def test_collectives_fill_their_own_quota():
    # Quota 2 individuals + 1 collective: the best group wins although individuals 3 and 4
    # (not winners) have more approvals than the second group.
    ballots = [approvals(m, 1, 2, 3, 4, 10) for m in range(1, 4)] + [approvals(4, 1, 2, 11)]
    cands = [
        Candidate(1),
        Candidate(2),
        Candidate(3),
        Candidate(4),
        Candidate(10, group=True),
        Candidate(11, group=True),
    ]
    result = tally(cands, ballots, roster_size=4, settings=Settings(quota=2, group_quota=1))
    assert sorted(result.winners) == [1, 2, 10]
    assert outcome(result, 3) is Outcome.NOT_SELECTED
    assert outcome(result, 11) is Outcome.BELOW_THRESHOLD


def test_integer_weighted_mean_equals_the_fraction_definition():
    """The fast path (integer weights over a common denominator) is exact."""
    import random
    from fractions import Fraction

    from app.committee.tally import _integer_weights, _mean_mark, _weighted_mean

    rng = random.Random(3)
    for _ in range(200):
        criteria = {
            f"c{i}": Fraction(rng.randint(1, 9), rng.randint(1, 7))
            for i in range(rng.randint(1, 4))
        }
        sheets = [
            {c: rng.randint(0, 10) for c in criteria if rng.random() < 0.9}
            for _ in range(rng.randint(1, 12))
        ]
        expected = sum((_weighted_mean(s, criteria) for s in sheets), Fraction(0)) / len(sheets)
        assert _mean_mark(sheets, criteria, _integer_weights(criteria)) == expected


def test_snapshot_json_round_trip_is_exact():
    import json

    from app.committee.tally import result_from_json, result_to_json

    score = Settings(rule=Rule.SCORE, quota=1, public_weight=F(1, 3), min_mean_score=F(6))
    ballots = [
        Ballot(1, scores={1: {"overall": 7}, 2: {"overall": 6}}),
        Ballot(2, scores={1: {"overall": 8}}),
        Ballot(3, scores={1: {"overall": 9}, 2: {"overall": 5}}),
    ]
    result = tally(
        [Candidate(1, likes=3), Candidate(2, likes=7), Candidate(3)],
        ballots,
        roster_size=3,
        settings=score,
    )
    approval = tally(
        [Candidate(1), Candidate(2)], [approvals(1, 1), approvals(2, 1, 2)], roster_size=3
    )
    for original in (result, approval):
        stored = json.loads(json.dumps(result_to_json(original)))  # as the JSON column keeps it
        assert result_from_json(stored) == original
    assert [r.mean_score for r in result.rows] == [F(8), F(11, 2), F(0)]
    assert [r.mean_score for r in approval.rows] == [None, None]
