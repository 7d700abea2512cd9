"""Registry-backed eligibility (SPEC §4): each rule refuses with a clear message."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.nominations import eligibility, services
from app.nominations.workflow import NominationState
from app.programs.models import NomineeKind
from app.registry.models import HonoreeKind
from tests import factories


def _messages(nomination) -> list[str]:
    return [str(message) for _field, message in services.eligibility_problems(nomination)]


def test_eligible_nomination_has_no_problems(ctx):
    nomination = factories.make_nomination()
    assert services.eligibility_problems(nomination) == []
    assert eligibility.completeness_problems(nomination) == []


@pytest.mark.parametrize(
    ("birth", "ok"),
    [
        (date(2020, 11, 2), False),  # 5 on 2026-11-01
        (date(2020, 11, 1), True),  # 6 exactly
        (date(2008, 11, 1), True),  # 18 exactly
        (date(2007, 11, 1), False),  # 19
    ],
)
def test_age_limits_on_reference_date(ctx, birth, ok):
    program = factories.make_program(age_min=6, age_max=18)
    cycle = factories.make_open_cycle(program)
    nomination = factories.make_nomination(cycle, birth_date=birth, id_number=None)
    problems = _messages(nomination)
    assert (problems == []) is ok, problems
    if not ok:
        assert "6–18" in problems[0]


def test_group_refused_by_individual_program(ctx):
    cycle = factories.make_open_cycle(factories.make_program(nominee_kind=NomineeKind.INDIVIDUAL))
    nomination = factories.make_nomination(
        cycle, kind=HonoreeKind.GROUP, id_number=None, members=[("王一", "队长")]
    )
    assert any("不接受" in m for m in _messages(nomination))


def test_cooldown_same_program(ctx):
    cycle = factories.make_open_cycle()
    honoree = factories.make_honoree(name="李测试", birth_date=date(1980, 5, 12))
    factories.make_honor(honoree, cycle.program)
    nomination = factories.make_nomination(cycle, id_number=None)
    assert any("不能重复推荐" in m for m in _messages(nomination))


def test_cooldown_higher_program_through_feeds(ctx):
    local = factories.make_program()
    province = factories.make_program(external=True)
    nation = factories.make_program(external=True)
    local.feeds.append(province)
    province.feeds.append(nation)
    db.session.commit()
    from app.privacy import crypto

    id_number = factories.valid_id_number()
    honoree = factories.make_honoree(name="别名", id_number_hash=crypto.keyed_hash(id_number))
    factories.make_honor(honoree, nation)
    nomination = factories.make_nomination(factories.make_open_cycle(local), id_number=id_number)
    messages = _messages(nomination)
    assert any(nation.name_zh in m for m in messages), messages


def test_no_cooldown_when_program_allows_repeat(ctx):
    program = factories.make_program(cooldown=False)
    cycle = factories.make_open_cycle(program)
    honoree = factories.make_honoree(name="李测试", birth_date=date(1980, 5, 12))
    factories.make_honor(honoree, program)
    assert _messages(factories.make_nomination(cycle, id_number=None)) == []


def test_duplicate_by_id_number_across_organisations_refused_without_naming_the_other(ctx):
    cycle = factories.make_open_cycle()
    first = factories.make_nomination(
        cycle, state=NominationState.SUBMITTED, organisation=factories.make_org(name="甲社区")
    )
    second = factories.make_nomination(
        cycle, name="另一个名字", organisation=factories.make_org(name="乙社区")
    )
    problems = services.eligibility_problems(second)
    assert [field for field, _message in problems] == [None]
    assert "甲社区" not in str(problems[0][1])
    assert services.duplicates_in_cycle(second) == [first]


def test_duplicate_by_name_and_birth_date_without_id(ctx):
    cycle = factories.make_open_cycle()
    first = factories.make_nomination(cycle, state=NominationState.SUBMITTED, id_number=None)
    second = factories.make_nomination(cycle, id_number=None)
    assert len(_messages(second)) == 1
    assert services.duplicates_in_cycle(second) == [first]


def test_withdrawn_nomination_does_not_block(ctx):
    cycle = factories.make_open_cycle()
    factories.make_nomination(cycle, state=None)  # a draft is not active
    second = factories.make_nomination(cycle)
    assert _messages(second) == []


def test_category_must_belong_to_program(ctx):
    cycle = factories.make_open_cycle()
    other = factories.make_category()
    with pytest.raises(services.NominationError) as error:
        factories.make_nomination(cycle, category_id=other.id)
    assert error.value.field == "category_id"


def test_id_number_birth_date_mismatch_refused(ctx):
    with pytest.raises(services.NominationError) as error:
        factories.make_nomination(birth_date=date(1981, 1, 1))
    assert error.value.field == "birth_date"


def test_minor_needs_guardian_consent(ctx):
    program = factories.make_program(age_min=6, age_max=18)
    cycle = factories.make_open_cycle(program)
    nomination = factories.make_nomination(
        cycle, birth_date=date(2014, 3, 3), id_number=None, school="第一小学", grade="六年级"
    )
    fields = [f for f, _m in eligibility.completeness_problems(nomination)]
    assert "guardian_consent" in fields
    nomination.guardian_consent, nomination.guardian_name = True, "张家长"
    assert eligibility.completeness_problems(nomination) == []
