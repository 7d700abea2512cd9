"""Pupils give a school and grade instead of a work unit where their program asks for it,
and a guardian consents below the program's guardian-consent age."""

from __future__ import annotations

from datetime import date

from app.nominations import eligibility
from tests import factories

FIFTEEN = date(2011, 6, 1)  # 15 on the reference date 2026-11-01


def _fields(nomination) -> list[str | None]:
    return [field for field, _message in eligibility.completeness_problems(nomination)]


def _pupil(program, **fields):
    cycle = factories.make_open_cycle(program)
    fields = {"guardian_consent": True, "guardian_name": "张家长", **fields}
    return factories.make_nomination(cycle, birth_date=FIFTEEN, id_number=None, **fields)


def test_pupil_in_school_program_gives_school_and_grade_without_work_unit(ctx):
    program = factories.make_program(age_min=6, age_max=18, pupils_give_school=True)
    nomination = _pupil(program, unit=None, school="漯河市第一中学", grade="初三")
    assert eligibility.completeness_problems(nomination) == []


def test_pupil_in_school_program_without_school_and_grade_is_incomplete(ctx):
    program = factories.make_program(age_min=6, age_max=18, pupils_give_school=True)
    nomination = _pupil(program, unit="测试单位")
    assert _fields(nomination) == ["school", "grade"]


def test_adult_in_school_program_gives_work_unit(ctx):
    program = factories.make_program(pupils_give_school=True)
    cycle = factories.make_open_cycle(program)
    nomination = factories.make_nomination(cycle, unit=None, id_number=None)
    assert _fields(nomination) == ["unit"]


def test_pupil_in_program_without_school_flag_needs_work_unit(ctx):
    program = factories.make_program(age_min=6, age_max=18)
    nomination = _pupil(program, unit=None, school="漯河市第一中学", grade="初三")
    assert _fields(nomination) == ["unit"]


def test_guardian_consent_follows_program_age(ctx):
    strict = _pupil(factories.make_program(), guardian_consent=False, guardian_name=None)
    assert _fields(strict) == ["guardian_consent"]
    fourteen = factories.make_program(guardian_consent_below_age=14)
    relaxed = _pupil(fourteen, guardian_consent=False, guardian_name=None)
    assert _fields(relaxed) == []
