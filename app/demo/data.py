"""The demo data set: its code decisions here, its lists in the TOML files of app/demo/datasets/
(the programs and categories are the real catalogue, app/programs/catalogue.py).

The files are read once, at import, into the module-level names below (tuples, dicts and
frozensets, never the files' lists), which the demo loader, the synthetic registry and the
benchmarks use. Every person, group, street, township, community, school and work unit in
them is invented; only the city, its districts, its rivers and the programs are real.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from app.programs import catalogue

if TYPE_CHECKING:
    from typing import Any

# Demo accounts all share this password (documented in the README for `make run`).
DEMO_PASSWORD = "luohe-demo"  # noqa: S105  # nosec B105 # the documented demo password

# Seed of the random generator behind the fictional registry: same seed, same data set.
SEED = 20150101

# The catalogue (categories, programs, feeds) is the real one: app/programs/catalogue.py.
# The category codes are re-exported for the registry generator and the benchmarks.
CLASSIC_CATEGORIES = catalogue.CLASSIC_CATEGORIES
YOUTH_CATEGORIES = catalogue.YOUTH_CATEGORIES

# --------------------------------------------------------------------------- history span

# The fictional registry's local monthly lists run up to this month (inclusive).
LAST_LUOHE_GOOD_MONTH = (2026, 9)
TOP_TEN_MONTHS = ((2026, 1), (2026, 9))  # first and last month with 十佳市民 honorees

# The published lists of the history that are held as cycles (their honors are linked to
# them and each went through a committee vote): (program, period).
HISTORY_CYCLES: tuple[tuple[str, str], ...] = (
    ("luohe_good", "2026-09"),
    ("top_ten_citizens", "2026-09"),
)

# The live sample cycles (services.live_cycles) honour periods around the day the demo is
# loaded, never one before this month: the history's lists end just before it.
FIRST_LIVE_MONTH = (2026, 12)

# --------------------------------------------------------------------------- the data files

DATASETS = Path(__file__).parent / "datasets"


def _load(name: str) -> dict[str, Any]:
    with (DATASETS / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)


def _weighted(weights: dict[str, int]) -> tuple[str, ...]:
    """A table of {choice: weight} as a tuple to draw from: each choice `weight` times."""
    return tuple(choice for choice, weight in weights.items() for _ in range(weight))


# --------------------------------------------------------------------------- organisations

_ORGANISATIONS = _load("organisations")

CITY = (_ORGANISATIONS["city"]["code"], _ORGANISATIONS["city"]["name"])
CITY_OFFICE = (_ORGANISATIONS["city_office"]["code"], _ORGANISATIONS["city_office"]["name"])

# (code, name, ((township name, (community names...)), ...)); streets, townships and
# communities are invented. Codes: <district>-s<i> and <district>-s<i>-c<j>.
DISTRICTS: tuple[tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = tuple(
    (
        district["code"],
        district["name"],
        tuple(
            (township["name"], tuple(township["communities"])) for township in district["townships"]
        ),
    )
    for district in _ORGANISATIONS["districts"]
)

# Work units, media outlet and offices besides the city office: (code, name, kind, parent).
OTHER_ORGS: tuple[tuple[str, str, str, str], ...] = tuple(
    (org["code"], org["name"], org["kind"], org["parent"]) for org in _ORGANISATIONS["other_orgs"]
)
_ORG_NAMES = {code: name for code, name, _, _ in OTHER_ORGS}

# The work units and the media outlet the stories name ({unit}, {media}).
HOSPITAL = _ORG_NAMES["luohe-hospital"]
BUS_COMPANY = _ORG_NAMES["luohe-bus"]
FOOD_COMPANY = _ORG_NAMES["luohe-food"]
MEDIA = _ORG_NAMES["luohe-media"]

RIVERS: tuple[str, ...] = tuple(_ORGANISATIONS["rivers"])

# --------------------------------------------------------------------------- accounts

# (username, display name, roles, organisation code)
USERS: tuple[tuple[str, str, tuple[str, ...], str | None], ...] = tuple(
    (user["username"], user["name"], tuple(user["roles"]), user.get("organisation"))
    for user in _load("accounts")["users"]
)

# --------------------------------------------------------------------------- names

_PEOPLE = _load("people")

SURNAMES: str = _PEOPLE["surnames"]
GIVEN_MALE: str = _PEOPLE["given_male"]
GIVEN_FEMALE: str = _PEOPLE["given_female"]
GIVEN_CHILD_MALE: str = _PEOPLE["given_child_male"]
GIVEN_CHILD_FEMALE: str = _PEOPLE["given_child_female"]
# Combinations that happen to be well-known people are skipped.
NAME_BLOCKLIST: frozenset[str] = frozenset(_PEOPLE["name_blocklist"])

# Weighted draws: a choice appears as many times as its weight.
ETHNICITIES = _weighted(_PEOPLE["ethnicities"])
EDUCATION = _weighted(_PEOPLE["education"])
POLITICAL = _weighted(_PEOPLE["political"])

PRIMARY_SCHOOLS: tuple[str, ...] = tuple(_PEOPLE["primary_schools"])
MIDDLE_SCHOOLS: tuple[str, ...] = tuple(_PEOPLE["middle_schools"])
HIGH_SCHOOLS: tuple[str, ...] = tuple(_PEOPLE["high_schools"])
# Grade by age at the reference date.
GRADES: dict[int, str] = {int(age): grade for age, grade in _PEOPLE["grades"].items()}

# --------------------------------------------------------------------------- story templates
#
# The placeholders are listed at the top of datasets/stories.toml.


@dataclass(frozen=True)
class StoryTemplate:
    key: str
    category: str
    headline: str
    summary: str
    story: str
    posts: tuple[tuple[str, str | None], ...] = (("{committee}", "居民"),)
    gender: str | None = None  # "male", "female" or None for either
    age: tuple[int, int] = (32, 70)  # age at the first honor
    years: tuple[int, int] = (8, 25)
    num: tuple[int, int] = (10, 60)
    relatives: tuple[str, str] = ("", "")  # (for a man, for a woman)
    amounts: tuple[str, ...] = ("",)  # {amount} choices, in 万元


_TEMPLATE_FIELDS = frozenset(field.name for field in fields(StoryTemplate))


def _template(table: dict[str, Any]) -> StoryTemplate:
    """A template of stories.toml: its lists become tuples, a post left out becomes None."""
    unknown = set(table) - _TEMPLATE_FIELDS
    if unknown:
        raise ValueError(f"story template {table.get('key')!r}: unknown fields {sorted(unknown)}")
    values = {
        name: tuple(value) if isinstance(value, list) else value for name, value in table.items()
    }
    if "posts" in table:
        values["posts"] = tuple((post["unit"], post.get("post")) for post in table["posts"])
    return StoryTemplate(**values)


_STORIES = _load("stories")

PERSON_TEMPLATES: tuple[StoryTemplate, ...] = tuple(map(_template, _STORIES["person"]))
YOUTH_TEMPLATES: tuple[StoryTemplate, ...] = tuple(map(_template, _STORIES["youth"]))
# Groups: {name} is the group's name; name patterns give it.
GROUP_TEMPLATES: tuple[StoryTemplate, ...] = tuple(map(_template, _STORIES["group"]))
YOUTH_GROUP_TEMPLATE = _template(_STORIES["youth_group"])

# Name patterns for groups: {township} {community} {district}.
GROUP_NAMES: dict[str, tuple[str, ...]] = {
    key: tuple(patterns) for key, patterns in _STORIES["group_names"].items()
}
GROUP_MEMBER_POSTS: tuple[str, ...] = tuple(_STORIES["group_member_posts"])

# A closing section appended to every story, chosen per category ("youth" and "group" for
# minors and collectives). Same placeholders as the templates.
CLOSINGS: dict[str, tuple[str, ...]] = {
    category: tuple(closings) for category, closings in _STORIES["closings"].items()
}
