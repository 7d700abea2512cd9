"""Pure eligibility and completeness rules (SPEC §4): functions of the data given, no session.

Each rule returns its refusals as (field or None, message); the services fetch what the
rules need from the database (the honors held, the cycle's other nominations) and combine
them in `services.eligibility_problems`.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from app.nominations.models import Nomination, PhotoKind
from app.programs.models import NomineeKind, Program
from app.programs.periods import period_label
from app.registry.models import ADULT_AGE, STORY_MAX, HonoreeKind, age_on

Problem = tuple[str | None, object]

# Fields every nomination fills before it is submitted (a person adds more, see below).
REQUIRED_FIELDS = (
    "name",
    "location_id",
    "headline",
    "summary",
    "story_md",
    "unit_opinion",
    "consent_collected_by",
    "consent_date",
)


def is_minor(nomination: Nomination) -> bool:
    """Whether the candidate is under 18 on the cycle's reference date."""
    birth = nomination.birth_date
    return bool(birth) and age_on(birth, nomination.cycle.reference_date) < ADULT_AGE


def needs_guardian_consent(nomination: Nomination) -> bool:
    """Whether the candidate is younger than the program's guardian-consent age (14..18)."""
    birth = nomination.birth_date
    limit = nomination.cycle.program.guardian_consent_below_age
    return bool(birth) and age_on(birth, nomination.cycle.reference_date) < limit


def required_fields(nomination: Nomination) -> list[str]:
    """The fields a submission needs for this candidate, in the order they are reported."""
    fields = list(REQUIRED_FIELDS)
    if nomination.kind is HonoreeKind.INDIVIDUAL:
        fields += ["gender", "birth_date"]
        # A pupil gives a school and grade where the program asks for them, not a work unit.
        if nomination.cycle.program.pupils_give_school and is_minor(nomination):
            fields += ["school", "grade"]
        else:
            fields += ["unit"]
    return fields


def completeness_problems(nomination: Nomination) -> list[Problem]:
    """Required fields for submission, each with its field name."""
    required = _l("Required before submitting.")
    problems: list[Problem] = [
        (f, required) for f in required_fields(nomination) if not getattr(nomination, f)
    ]
    individual = nomination.kind is HonoreeKind.INDIVIDUAL
    if not nomination.consent_given:
        problems.append(("consent_given", _l("Consent to publish must be recorded.")))
    if (
        individual
        and needs_guardian_consent(nomination)
        and not (nomination.guardian_consent and nomination.guardian_name)
    ):
        problems.append(("guardian_consent", _l("A minor needs a guardian's consent.")))
    if not individual and not nomination.members:
        problems.append(("members", _l("List the group's members.")))
    if not any(p.kind is PhotoKind.ID_PHOTO for p in nomination.photos):
        problems.append(("id_photo", _l("Upload an ID photo.")))
    if len(nomination.story_md) > STORY_MAX:
        problems.append(("story_md", _l("The story is too long.")))
    return problems


def kind_problems(program: Program, kind: HonoreeKind) -> list[Problem]:
    """A program for persons refuses groups, and the reverse."""
    if (program.nominee_kind is NomineeKind.INDIVIDUAL and kind is HonoreeKind.GROUP) or (
        program.nominee_kind is NomineeKind.GROUP and kind is HonoreeKind.INDIVIDUAL
    ):
        return [("kind", _l("This program does not accept this kind of candidate."))]
    return []


def age_problems(
    program: Program, kind: HonoreeKind, birth_date: date | None, reference_date: date
) -> list[Problem]:
    """A person's age on the cycle's reference date lies in the program's window."""
    if kind is not HonoreeKind.INDIVIDUAL or not birth_date:
        return []
    age = age_on(birth_date, reference_date)
    low, high = program.age_min, program.age_max
    if (low is not None and age < low) or (high is not None and age > high):
        return [
            (
                "birth_date",
                _l(
                    "Aged %(age)d on %(day)s; this program accepts ages %(low)s–%(high)s.",
                    age=age,
                    day=reference_date.isoformat(),
                    low=low if low is not None else "",
                    high=high if high is not None else "",
                ),
            )
        ]
    return []


def category_problems(program: Program, category_id: int | None) -> list[Problem]:
    """A program with categories takes only its own."""
    if program.categories and category_id not in {link.category_id for link in program.categories}:
        return [("category_id", _l("Choose one of this program's categories."))]
    return []


def program_problems(nomination: Nomination) -> list[Problem]:
    """The program's own rules: kinds allowed, age window, categories (in this order)."""
    program = nomination.cycle.program
    return (
        kind_problems(program, nomination.kind)
        + age_problems(
            program, nomination.kind, nomination.birth_date, nomination.cycle.reference_date
        )
        + category_problems(program, nomination.category_id)
    )


def cooldown_problems(held: tuple[Program, str] | None) -> list[Problem]:
    """The cooldown: an honor already held (its program and period) in this program or one
    it feeds makes the person ineligible again."""
    if held is None:
        return []
    program, period = held
    return [
        (
            None,
            _l(
                "Already honored as %(program)s (%(period)s): not eligible again.",
                program=program.name_zh,
                period=period_label(period),
            ),
        )
    ]


def duplicate_problems(duplicates: list[Nomination]) -> list[Problem]:
    """One active nomination of a person per cycle."""
    if duplicates:
        # Who nominated them is another organisation's business: staff see it in vetting.
        return [(None, _l("This person was already nominated in this cycle."))]
    return []
