"""Eligibility (SPEC §4): the pure rules of nominations/eligibility.py on unsaved objects,
then the registry-backed checks of the services; each rule refuses with a clear message."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.nominations import eligibility, services
from app.nominations.models import Nomination, NominationMember, NominationPhoto, PhotoKind
from app.nominations.workflow import NominationState
from app.programs.models import Cycle, NomineeKind, Program, ProgramCategory
from app.registry.models import STORY_MAX, Gender, HonoreeKind
from tests import factories

REFERENCE = date(2026, 11, 1)


def _program(**fields) -> Program:
    """An unsaved program: the pure rules read only its attributes."""
    defaults = {
        "name_zh": "测试榜",
        "nominee_kind": NomineeKind.BOTH,
        "age_min": None,
        "age_max": None,
        "guardian_consent_below_age": 18,
        "pupils_give_school": False,
        "cooldown": True,
    }
    return Program(**{**defaults, **fields})


def _candidate(program: Program | None = None, **fields) -> Nomination:
    """An unsaved, complete adult candidate in a cycle of `program` (nothing is flushed)."""
    cycle = Cycle(program=program or _program(), reference_date=REFERENCE)
    defaults = {
        "kind": HonoreeKind.INDIVIDUAL,
        "category_id": 1,
        "name": "李测试",
        "gender": Gender.MALE,
        "birth_date": date(1980, 5, 12),
        "unit": "测试单位",
        "location_id": 1,
        "headline": "标题",
        "summary": "简介",
        "story_md": "事迹",
        "unit_opinion": "同意",
        "consent_given": True,
        "consent_collected_by": "王收集",
        "consent_date": date(2026, 10, 1),
        "guardian_consent": False,
        "guardian_name": None,
    }
    nomination = Nomination(cycle=cycle, **{**defaults, **fields})
    nomination.photos = [NominationPhoto(kind=PhotoKind.ID_PHOTO, path="p", thumb_path="t")]
    return nomination


def _fields(problems) -> list[str | None]:
    return [field for field, _message in problems]


def test_is_minor_until_the_eighteenth_birthday_on_the_reference_date():
    assert eligibility.is_minor(_candidate(birth_date=date(2008, 11, 2))) is True
    assert eligibility.is_minor(_candidate(birth_date=date(2008, 11, 1))) is False
    assert eligibility.is_minor(_candidate(birth_date=None)) is False


def test_needs_guardian_consent_below_the_programs_age():
    fourteen = _program(guardian_consent_below_age=14)
    assert eligibility.needs_guardian_consent(_candidate(birth_date=date(2011, 6, 1))) is True
    assert (
        eligibility.needs_guardian_consent(_candidate(fourteen, birth_date=date(2011, 6, 1)))
        is False
    )
    assert (
        eligibility.needs_guardian_consent(_candidate(fourteen, birth_date=date(2013, 6, 1)))
        is True
    )


def test_required_fields_of_a_pupil_in_a_school_program_are_school_and_grade_not_unit():
    pupil = _candidate(_program(pupils_give_school=True), birth_date=date(2011, 6, 1))
    fields = eligibility.required_fields(pupil)
    assert fields[-4:] == ["gender", "birth_date", "school", "grade"]
    assert "unit" not in fields


def test_required_fields_of_a_group_are_the_common_ones_only():
    group = _candidate(kind=HonoreeKind.GROUP)
    assert eligibility.required_fields(group) == list(eligibility.REQUIRED_FIELDS)


def test_completeness_problems_of_a_complete_adult_are_none():
    assert eligibility.completeness_problems(_candidate()) == []


def test_completeness_problems_name_each_missing_field_in_order():
    nomination = _candidate(headline="", unit=None, consent_given=False)
    nomination.photos = []
    assert _fields(eligibility.completeness_problems(nomination)) == [
        "headline",
        "unit",
        "consent_given",
        "id_photo",
    ]


def test_completeness_problems_of_a_group_without_members():
    group = _candidate(kind=HonoreeKind.GROUP)
    assert _fields(eligibility.completeness_problems(group)) == ["members"]
    group.members = [NominationMember(name="王一", post="队长", sort_order=0)]
    assert eligibility.completeness_problems(group) == []


def test_completeness_problems_of_a_minor_without_guardian_consent():
    minor = _candidate(birth_date=date(2011, 6, 1))
    assert _fields(eligibility.completeness_problems(minor)) == ["guardian_consent"]
    minor.guardian_consent, minor.guardian_name = True, "张家长"
    assert eligibility.completeness_problems(minor) == []


def test_completeness_problems_of_a_story_over_the_limit():
    long_story = _candidate(story_md="字" * (STORY_MAX + 1))
    assert _fields(eligibility.completeness_problems(long_story)) == ["story_md"]


@pytest.mark.parametrize(
    ("nominee_kind", "kind", "refused"),
    [
        (NomineeKind.INDIVIDUAL, HonoreeKind.GROUP, True),
        (NomineeKind.GROUP, HonoreeKind.INDIVIDUAL, True),
        (NomineeKind.INDIVIDUAL, HonoreeKind.INDIVIDUAL, False),
        (NomineeKind.BOTH, HonoreeKind.GROUP, False),
    ],
)
def test_kind_problems_refuse_the_kind_the_program_does_not_take(nominee_kind, kind, refused):
    problems = eligibility.kind_problems(_program(nominee_kind=nominee_kind), kind)
    assert _fields(problems) == (["kind"] if refused else [])


@pytest.mark.parametrize(
    ("birth", "refused"),
    [
        (date(2020, 11, 2), True),  # 5 on 2026-11-01
        (date(2020, 11, 1), False),  # 6 exactly
        (date(2008, 11, 1), False),  # 18 exactly
        (date(2007, 11, 1), True),  # 19
    ],
)
def test_age_problems_on_the_edges_of_the_window(ctx, birth, refused):
    program = _program(age_min=6, age_max=18)
    problems = eligibility.age_problems(program, HonoreeKind.INDIVIDUAL, birth, REFERENCE)
    assert _fields(problems) == (["birth_date"] if refused else [])
    if refused:
        assert "6–18" in str(problems[0][1])


def test_age_problems_ignore_groups_and_unknown_birth_dates():
    program = _program(age_min=6, age_max=18)
    assert eligibility.age_problems(program, HonoreeKind.GROUP, date(1950, 1, 1), REFERENCE) == []
    assert eligibility.age_problems(program, HonoreeKind.INDIVIDUAL, None, REFERENCE) == []


def test_category_problems_refuse_a_category_the_program_does_not_have():
    program = _program()
    program.categories = [ProgramCategory(category_id=1)]
    assert eligibility.category_problems(program, 1) == []
    assert _fields(eligibility.category_problems(program, 2)) == ["category_id"]
    assert eligibility.category_problems(_program(), 2) == []


def test_program_problems_list_kind_age_and_category_in_order():
    program = _program(nominee_kind=NomineeKind.GROUP, age_max=18)
    program.categories = [ProgramCategory(category_id=1)]
    nomination = _candidate(program, category_id=2)
    assert _fields(eligibility.program_problems(nomination)) == [
        "kind",
        "birth_date",
        "category_id",
    ]


def test_cooldown_problems_name_the_honor_held(ctx):
    held = (_program(name_zh="漯河好人"), "2025-05")
    problems = eligibility.cooldown_problems(held)
    assert _fields(problems) == [None]
    assert "漯河好人" in str(problems[0][1])
    assert eligibility.cooldown_problems(None) == []


def test_duplicate_problems_refuse_without_naming_the_other():
    assert eligibility.duplicate_problems([]) == []
    problems = eligibility.duplicate_problems([_candidate(name="别的单位的推荐")])
    assert _fields(problems) == [None]
    assert "别的单位" not in str(problems[0][1])


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
