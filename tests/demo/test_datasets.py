"""The demo's data files (app/demo/datasets/*.toml) load into the shapes app/demo/data.py
promises: a well-formed organisation tree, accounts in it, name pools, and story templates
whose placeholders the demo loader fills in."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path
from string import Formatter

import pytest

from app.demo import data
from app.orgs.models import OrgKind

REPO = Path(__file__).resolve().parents[2]

# What app/demo/services.py puts in a story's context, by kind of honoree.
COMMON_PLACEHOLDERS = {
    "community",
    "committee",
    "township",
    "district",
    "year",
    "years",
    "start_year",
    "num",
    "amount",
    "river",
    "media",
}
PERSON_PLACEHOLDERS = COMMON_PLACEHOLDERS | {"name", "he", "elder", "relative", "unit", "post"}
YOUTH_PLACEHOLDERS = COMMON_PLACEHOLDERS | {"name", "he", "school", "grade", "age"}
GROUP_PLACEHOLDERS = COMMON_PLACEHOLDERS | {"school", "name", "leader", "size"}
GROUP_NAME_PLACEHOLDERS = {"community", "township", "district", "school"}

ALL_TEMPLATES = (
    *data.PERSON_TEMPLATES,
    *data.YOUTH_TEMPLATES,
    *data.GROUP_TEMPLATES,
    data.YOUTH_GROUP_TEMPLATE,
)


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def township_and_community_codes() -> dict[str, str]:
    """The codes the demo loader gives the townships and communities, with their names."""
    codes = {}
    for code, _, townships in data.DISTRICTS:
        for i, (township, communities) in enumerate(townships, start=1):
            codes[f"{code}-s{i}"] = township
            for j, community in enumerate(communities, start=1):
                codes[f"{code}-s{i}-c{j}"] = community
    return codes


def all_organisation_codes() -> list[str]:
    return [
        data.CITY[0],
        data.CITY_OFFICE[0],
        *(code for code, _, _ in data.DISTRICTS),
        *township_and_community_codes(),
        *(code for code, _, _, _ in data.OTHER_ORGS),
    ]


def test_every_data_file_is_utf8_toml_in_the_package_directory():
    files = sorted(data.DATASETS.glob("*.toml"))
    assert [f.name for f in files] == [
        "accounts.toml",
        "organisations.toml",
        "people.toml",
        "stories.toml",
    ]
    assert data.DATASETS.is_absolute()
    assert (data.DATASETS.parent, data.DATASETS.name) == (Path(data.__file__).parent, "datasets")
    for file in files:
        tomllib.loads(file.read_bytes().decode("utf-8"))


def test_the_data_files_are_found_when_the_app_runs_from_another_directory(tmp_path):
    env = os.environ | {"PYTHONPATH": str(REPO)}
    shown = subprocess.run(  # noqa: S603 # this interpreter, a fixed script
        [sys.executable, "-c", "from app.demo import data; print(data.USERS[0][0])"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == data.USERS[0][0]


def test_module_level_names_keep_their_types():
    assert isinstance(data.DISTRICTS, tuple)
    for district in data.DISTRICTS:
        assert isinstance(district, tuple) and isinstance(district[2], tuple)
        for township in district[2]:
            assert isinstance(township, tuple) and isinstance(township[1], tuple)
    assert all(isinstance(org, tuple) for org in data.OTHER_ORGS)
    assert all(isinstance(user, tuple) and isinstance(user[2], tuple) for user in data.USERS)
    assert isinstance(data.NAME_BLOCKLIST, frozenset)
    assert isinstance(data.GRADES, dict)
    assert all(isinstance(age, int) for age in data.GRADES)
    for pool in (data.ETHNICITIES, data.EDUCATION, data.POLITICAL, data.RIVERS):
        assert isinstance(pool, tuple) and pool
    assert all(isinstance(patterns, tuple) for patterns in data.GROUP_NAMES.values())
    assert all(isinstance(closings, tuple) for closings in data.CLOSINGS.values())
    for template in ALL_TEMPLATES:
        assert isinstance(template, data.StoryTemplate)
        assert isinstance(template.posts, tuple)
        assert all(isinstance(post, tuple) for post in template.posts)
        for pair in (template.age, template.years, template.num, template.relatives):
            assert isinstance(pair, tuple)
        assert isinstance(template.amounts, tuple)


def test_weighted_draws_repeat_each_choice_by_its_weight():
    assert data.ETHNICITIES == ("汉族",) * 19 + ("回族",)
    assert data.EDUCATION.count("初中") == 2 and data.EDUCATION.count("小学") == 1
    assert data.POLITICAL.count("群众") == 3


def test_every_district_has_townships_each_with_communities():
    assert data.DISTRICTS
    for code, name, townships in data.DISTRICTS:
        assert code and name, code
        assert townships, code
        for township, communities in townships:
            assert township and communities, (code, township)
            assert all(communities), (code, township)


def test_organisation_codes_are_unique():
    codes = all_organisation_codes()
    assert len(codes) == len(set(codes))


def test_community_names_are_unique_within_their_township():
    for code, _, townships in data.DISTRICTS:
        for township, communities in townships:
            assert len(communities) == len(set(communities)), (code, township)


def test_other_organisations_have_a_known_kind_and_a_parent_in_the_tree():
    codes = set(all_organisation_codes())
    for code, name, kind, parent in data.OTHER_ORGS:
        assert name, code
        assert kind in {k.value for k in OrgKind}, code
        assert parent in codes, code


def test_every_users_organisation_exists_in_the_tree():
    codes = set(all_organisation_codes())
    for username, display_name, roles, org_code in data.USERS:
        assert display_name and roles, username
        assert org_code is None or org_code in codes, username
    usernames = [user[0] for user in data.USERS]
    assert len(usernames) == len(set(usernames))


def test_the_demo_nominators_belong_to_the_communities_they_are_named_after():
    names = township_and_community_codes()
    for _, display_name, roles, org_code in data.USERS:
        if roles == ("nominator",):
            assert display_name.startswith(names[org_code])


def test_name_pools_are_strings_of_distinct_characters():
    for pool in (
        data.SURNAMES,
        data.GIVEN_MALE,
        data.GIVEN_FEMALE,
        data.GIVEN_CHILD_MALE,
        data.GIVEN_CHILD_FEMALE,
    ):
        assert pool and len(pool) == len(set(pool))
        assert not any(character.isspace() for character in pool)


def test_every_minor_age_the_demo_draws_has_a_grade_and_a_school_list():
    for template in data.YOUTH_TEMPLATES:
        for age in range(max(8, template.age[0]), min(17, template.age[1]) + 1):
            assert age in data.GRADES, (template.key, age)
    assert data.PRIMARY_SCHOOLS and data.MIDDLE_SCHOOLS and data.HIGH_SCHOOLS


def test_every_story_template_has_the_fields_the_demo_uses():
    for template in ALL_TEMPLATES:
        assert template.key and template.headline and template.summary and template.story
        assert template.story == template.story.strip(), template.key
        assert template.posts, template.key
        for unit, post in template.posts:
            assert unit and (post is None or post), template.key
        assert template.gender in (None, "male", "female"), template.key
        for low, high in (template.age, template.years, template.num):
            assert isinstance(low, int) and isinstance(high, int) and low <= high, template.key
        assert len(template.relatives) == 2, template.key
        assert template.amounts, template.key


def test_story_template_keys_are_unique():
    keys = [template.key for template in ALL_TEMPLATES]
    assert len(keys) == len(set(keys))


def test_templates_belong_to_the_catalogues_categories():
    for template in (*data.PERSON_TEMPLATES, *data.GROUP_TEMPLATES):
        assert template.category in data.CLASSIC_CATEGORIES, template.key
    for template in (*data.YOUTH_TEMPLATES, data.YOUTH_GROUP_TEMPLATE):
        assert template.category in data.YOUTH_CATEGORIES, template.key
    # The demo draws an adult's template by category: every classic category has one.
    assert {t.category for t in data.PERSON_TEMPLATES} == set(data.CLASSIC_CATEGORIES)


def test_every_category_and_kind_of_honoree_has_closings():
    assert set(data.CLOSINGS) == {*data.CLASSIC_CATEGORIES, "youth", "group"}
    assert all(data.CLOSINGS.values())


def test_every_group_template_has_name_patterns():
    assert set(data.GROUP_NAMES) == {template.key for template in data.GROUP_TEMPLATES}
    for patterns in data.GROUP_NAMES.values():
        assert patterns
        for pattern in patterns:
            assert placeholders(pattern) <= GROUP_NAME_PLACEHOLDERS, pattern
    assert len(data.GROUP_MEMBER_POSTS) == 3


@pytest.mark.parametrize(
    ("templates", "closings", "known"),
    [
        (data.PERSON_TEMPLATES, data.CLASSIC_CATEGORIES, PERSON_PLACEHOLDERS),
        (data.YOUTH_TEMPLATES, ("youth",), YOUTH_PLACEHOLDERS),
        ((*data.GROUP_TEMPLATES, data.YOUTH_GROUP_TEMPLATE), ("group",), GROUP_PLACEHOLDERS),
    ],
    ids=["person", "youth", "group"],
)
def test_story_templates_use_only_the_placeholders_the_demo_fills_in(templates, closings, known):
    for template in templates:
        texts = [template.headline, template.summary, template.story]
        texts += [unit for unit, _ in template.posts] + [p for _, p in template.posts if p]
        for text in texts:
            assert placeholders(text) <= known, (template.key, placeholders(text) - known)
    for closing in (text for key in closings for text in data.CLOSINGS[key]):
        assert placeholders(closing) <= known, closing[:20]


def test_an_unknown_template_field_is_refused():
    table = {"key": "x", "category": "brave", "headline": "h", "summary": "s", "story": "t"}
    assert data._template(table) == data.StoryTemplate("x", "brave", "h", "s", "t")
    with pytest.raises(ValueError, match="colour"):
        data._template(table | {"colour": "red"})
