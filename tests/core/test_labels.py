"""Every member of every labelled enum has a UI word, translated in both catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.core.labels import LabelledEnum, label

TRANSLATIONS = Path(__file__).resolve().parents[2] / "app" / "translations"
LABELLED = [
    "AidType",
    "BallotRule",
    "Cadence",
    "Channel",
    "ConsultResult",
    "ConsultedBody",
    "CyclePhase",
    "Gender",
    "HardshipLevel",
    "HonoreeKind",
    "Level",
    "NominationState",
    "NomineeKind",
    "ObjectionStatus",
    "OrgKind",
    "Outcome",
    "PromotionStatus",
    "RecommendationStatus",
    "Role",
    "Step",
]


def _labelled_enums(app) -> list[type[LabelledEnum]]:
    # The app factory imports every domain, so every labelled enum is defined by now.
    return sorted(LabelledEnum.__subclasses__(), key=lambda kind: kind.__name__)


def test_labelled_enums_are_all_ui_enums(app):
    assert [kind.__name__ for kind in _labelled_enums(app)] == LABELLED


def test_every_labelled_enum_member_has_a_label(app):
    for kind in _labelled_enums(app):
        assert list(kind.labels()) == list(kind), kind.__name__


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_enum_label_is_translated_in_catalog(app, lang):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    untranslated = [
        f"{kind.__name__}.{member.name}"
        for kind in _labelled_enums(app)
        for member in kind
        if not (catalog.get(member.label._args[0]) and catalog.get(member.label._args[0]).string)
    ]
    assert untranslated == []


def test_label_global_names_enum_members_and_passes_other_values(app):
    from app.registry.models import Gender

    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert label(Gender.FEMALE) == "女"
        assert label("好人基金") == "好人基金"
        assert label(None) == ""
