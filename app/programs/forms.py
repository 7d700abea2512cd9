"""The program form of staff and admin: rules, quotas, eligibility, ballot and phases.

One page, one column of ordinary inputs (usable on a phone): a checkbox and a quota per
category, and a few rows for the score criteria (blank rows are ignored).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.forms import BaseForm, IntegerField, strip_control_chars
from app.core.labels import choices
from app.programs.admin import PHASE_DAY_KEYS, rule_problems
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
)

CRITERIA_ROWS = 5
QUOTA_MESSAGE = _l("A quota is at least 1 (leave it empty for no quota).")
PHASE_LABELS = {
    "nominating_days": _l("Nominations (days)"),
    "vetting_days": _l("Vetting (days)"),
    "public_review_days": _l("Public review (days)"),
    "voting_days": _l("Committee voting (days)"),
}


class CriterionForm(Form):
    """One score criterion (a plain Form: the page's one CSRF token covers it)."""

    code = StringField(
        _l("Code"), filters=[strip_control_chars], validators=[Optional(), Length(max=30)]
    )
    name_zh = StringField(
        _l("Name (Chinese)"), filters=[strip_control_chars], validators=[Optional(), Length(max=30)]
    )
    name_en = StringField(
        _l("Name (English)"), filters=[strip_control_chars], validators=[Optional(), Length(max=60)]
    )
    weight = IntegerField(_l("Weight (%)"), validators=[Optional(), NumberRange(min=1, max=100)])

    def is_blank(self) -> bool:
        return not (self.code.data or self.name_zh.data or self.name_en.data or self.weight.data)


def _optional_quota() -> IntegerField:
    return IntegerField(
        _l("Quota"), validators=[Optional(), NumberRange(min=1, max=1000, message=QUOTA_MESSAGE)]
    )


class ProgramForm(BaseForm):
    code = StringField(
        _l("Code"),
        description=_l("Lowercase letters, digits and _, used in addresses; cannot change."),
        validators=[DataRequired(), Length(max=40)],
    )
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=60)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=120)])
    level = SelectField(_l("Level"), choices=choices(Level))
    cadence = SelectField(_l("Cadence"), choices=choices(Cadence))
    external = BooleanField(_l("External list (honors recorded, not selected here)"))
    is_active = BooleanField(_l("Active (cycles are scheduled)"))
    nominee_kind = SelectField(
        _l("Candidates allowed"),
        choices=choices(NomineeKind),
    )
    quota = IntegerField(
        _l("Quota (individuals)"),
        validators=[Optional(), NumberRange(min=1, max=1000, message=QUOTA_MESSAGE)],
    )
    group_quota = IntegerField(
        _l("Quota for collectives (on top)"),
        validators=[Optional(), NumberRange(min=1, max=1000, message=QUOTA_MESSAGE)],
    )
    age_min = IntegerField(_l("Minimum age"), validators=[Optional(), NumberRange(0, 150)])
    age_max = IntegerField(_l("Maximum age"), validators=[Optional(), NumberRange(0, 150)])
    cooldown = BooleanField(_l("A person honored by this program is not nominated to it again"))
    pupils_give_school = BooleanField(
        _l("Pupils (under 18) give their school and grade instead of a work unit")
    )
    guardian_consent_below_age = IntegerField(
        _l("A guardian consents for candidates younger than (years)"),
        validators=[InputRequired(), NumberRange(*GUARDIAN_AGE_RANGE)],
    )
    ballot_rule = SelectField(
        _l("Ballot rule"),
        # The choices explain each rule; pages name it by BallotRule.label.
        choices=[
            SelectChoice(BallotRule.APPROVAL.value, _l("Approval (choose up to the quota)")),
            SelectChoice(BallotRule.SCORE.value, _l("Score (0–10 per criterion, weighted)")),
        ],
    )
    criteria = FieldList(FormField(CriterionForm), min_entries=CRITERIA_ROWS, max_entries=12)
    quorum_num = IntegerField(
        _l("Quorum: ballots needed (numerator)"), validators=[InputRequired(), NumberRange(1, 100)]
    )
    quorum_den = IntegerField(
        _l("Quorum: of the committee (denominator)"),
        validators=[InputRequired(), NumberRange(1, 100)],
    )
    min_mean_score = DecimalField(
        _l("Score threshold: minimum mean (0–10)"),
        places=1,
        validators=[InputRequired(), NumberRange(Decimal(0), Decimal(10))],
    )
    require_justification = BooleanField(_l("Members justify every score"))
    public_review = BooleanField(_l("Public review (citizens like the candidates)"))
    public_weight_pct = IntegerField(
        _l("Weight of public likes (%)"), validators=[InputRequired(), NumberRange(0, 100)]
    )
    notice_days = IntegerField(
        _l("Public notice (days)"),
        validators=[
            InputRequired(),
            NumberRange(
                min=MIN_NOTICE_DAYS,
                max=366,
                message=_l("A public notice lasts at least %(days)d days.", days=MIN_NOTICE_DAYS),
            ),
        ],
    )
    has_nomination_award = BooleanField(_l("Has a nomination award (提名奖)"))

    def __init__(self, *args, categories: list[Category], creating: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.creating = creating
        self.group_errors: dict[str, list[str]] = {}
        self.category_rows: list[tuple[Category, Any, Any]] = [
            (category, self[f"cat_{category.id}"], self[f"catquota_{category.id}"])
            for category in categories
        ]

    @classmethod
    def for_categories(cls, categories: list[Category], *, creating: bool, **kwargs) -> ProgramForm:
        """The form with one checkbox and one quota per category of the `categories` table."""
        fields: dict[str, Any] = {}
        for category in categories:
            fields[f"cat_{category.id}"] = BooleanField(category.name_zh)
            fields[f"catquota_{category.id}"] = _optional_quota()
        for key in PHASE_DAY_KEYS:
            fields[key] = IntegerField(
                PHASE_LABELS[key], validators=[InputRequired(), NumberRange(1, 366)]
            )
        if not creating:
            fields["code"] = None  # the code names the program in addresses: never changes
        bound = type("BoundProgramForm", (cls,), fields)
        return bound(categories=categories, creating=creating, **kwargs)

    # --------------------------------------------------------------- program ↔ form

    @staticmethod
    def data_of(program: Program | None) -> dict[str, Any]:
        """The form's initial values: the program's, or a new program's defaults."""
        template = {**DEFAULT_PHASE_TEMPLATE, **((program.phase_template or {}) if program else {})}
        data: dict[str, Any] = {key: template[key] for key in PHASE_DAY_KEYS}
        if program is None:
            return {
                **data,
                "level": Level.CITY.value,
                "cadence": Cadence.MONTHLY.value,
                "nominee_kind": NomineeKind.INDIVIDUAL.value,
                "ballot_rule": BallotRule.APPROVAL.value,
                "cooldown": True,
                "is_active": True,
                "guardian_consent_below_age": GUARDIAN_AGE_RANGE[1],
                "quorum_num": 2,
                "quorum_den": 3,
                "min_mean_score": Decimal("6.0"),
                "public_weight_pct": 0,
                "notice_days": MIN_NOTICE_DAYS,
            }
        for name in (
            "name_zh",
            "name_en",
            "external",
            "is_active",
            "quota",
            "group_quota",
            "age_min",
            "age_max",
            "cooldown",
            "pupils_give_school",
            "guardian_consent_below_age",
            "quorum_num",
            "quorum_den",
            "require_justification",
            "public_review",
            "public_weight_pct",
            "notice_days",
            "has_nomination_award",
        ):
            data[name] = getattr(program, name)
        for name in ("level", "cadence", "nominee_kind", "ballot_rule"):
            data[name] = getattr(program, name).value
        data["min_mean_score"] = Decimal(program.min_mean_score_tenths) / 10
        data["criteria"] = _percent_criteria(program.score_criteria or [])
        for link in program.categories:
            data[f"cat_{link.category_id}"] = True
            data[f"catquota_{link.category_id}"] = link.quota
        return data

    def values(self) -> dict[str, Any]:
        """The typed values as the admin services take them."""
        criteria = []
        for index, entry in enumerate(self.criteria.entries, start=1):
            row = entry.form
            if row.is_blank():
                continue
            code = (row.code.data or "").strip() or f"c{index}"
            criteria.append(
                {
                    "code": code,
                    "name_zh": (row.name_zh.data or "").strip() or code,
                    "name_en": (row.name_en.data or "").strip() or code,
                    "weight": row.weight.data or 0,
                }
            )
        template = {key: self[key].data for key in PHASE_DAY_KEYS}
        return {
            "name_zh": self.name_zh.data.strip(),
            "name_en": self.name_en.data.strip(),
            "level": Level(self.level.data),
            "cadence": Cadence(self.cadence.data),
            "external": bool(self.external.data),
            "is_active": bool(self.is_active.data),
            "nominee_kind": NomineeKind(self.nominee_kind.data),
            "quota": self.quota.data,
            "group_quota": self.group_quota.data,
            "categories": {
                category.id: quota.data for category, box, quota in self.category_rows if box.data
            },
            "age_min": self.age_min.data,
            "age_max": self.age_max.data,
            "cooldown": bool(self.cooldown.data),
            "pupils_give_school": bool(self.pupils_give_school.data),
            "guardian_consent_below_age": self.guardian_consent_below_age.data,
            "ballot_rule": BallotRule(self.ballot_rule.data),
            "score_criteria": criteria,
            "quorum_num": self.quorum_num.data,
            "quorum_den": self.quorum_den.data,
            "min_mean_score_tenths": int(self.min_mean_score.data * 10),
            "require_justification": bool(self.require_justification.data),
            "public_review": bool(self.public_review.data),
            "public_weight_pct": self.public_weight_pct.data,
            "notice_days": self.notice_days.data,
            "phase_template": template,
            "has_nomination_award": bool(self.has_nomination_award.data),
        }

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        for field, message in rule_problems(self.values()):
            self.add_error(field, message)
        return not self.has_errors

    def add_error(self, field: str | None, message: object) -> None:
        """Put a refusal next to its field; the criteria and the categories are groups whose
        errors are shown above their rows."""
        if field in ("criteria", "categories"):
            self.group_errors.setdefault(field, []).append(str(message))
            return
        target = getattr(self, field, None) if field else None
        if target is None:
            self.form_errors.append(str(message))
            return
        target.errors = [*target.errors, str(message)]

    @property
    def has_errors(self) -> bool:
        return bool(self.form_errors or self.group_errors or any(f.errors for f in self))


def _percent_criteria(criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Criteria with weights shown in percent: older programs stored ratios (4/3/3), which
    the tally normalises; shown as 40/30/30 when that scales to whole percents."""
    total = sum(int(c.get("weight", 1)) for c in criteria)
    scale = _weight_scale(total) if total else 0
    rows = [
        {
            "code": c["code"],
            "name_zh": c.get("name_zh", ""),
            "name_en": c.get("name_en", ""),
            "weight": int(c.get("weight", 1)) * scale if scale else int(c.get("weight", 1)),
        }
        for c in criteria
    ]
    return rows + [{}] * max(0, CRITERIA_ROWS - len(rows))


def _weight_scale(total: int) -> int:
    """The factor that brings weights summing to `total` to 100 (0 when none is whole)."""
    return 100 // total if 100 % total == 0 else 0
