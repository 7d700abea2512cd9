"""make_* factories: real rows through real services, one precomputed password hash."""

from __future__ import annotations

import itertools
from datetime import date

import sqlalchemy as sa

from app.accounts import passwords
from app.accounts.models import Role, User
from app.accounts.services import create_user
from app.extensions import db
from app.honors.models import (
    AwardKind,
    Honor,
    Honoree,
    HonoreeKind,
    HonorSource,
    HonorStatus,
)
from app.orgs.models import Organisation, OrgKind
from app.programs.models import BallotRule, Cadence, Cycle, Level, NomineeKind, Program
from app.programs.workflow import CyclePhase

DEFAULT_PASSWORD = "correct-horse-battery"  # noqa: S105 - test fixture
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def password_hash(password: str = DEFAULT_PASSWORD) -> str:
    """Hashing dominates test time: hash each distinct password once per run."""
    if password not in _hash_cache:
        _hash_cache[password] = passwords.hash_password(password)
    return _hash_cache[password]


def make_org(
    name: str | None = None,
    kind: OrgKind = OrgKind.COMMUNITY,
    parent: Organisation | None = None,
    code: str | None = None,
) -> Organisation:
    n = next(_counter)
    org = Organisation(
        code=code or f"org-{n}", name=name or f"测试社区{n}", kind=kind, parent=parent
    )
    db.session.add(org)
    db.session.flush()
    org.district_id = (
        org.id if kind is OrgKind.DISTRICT else (parent.district_id if parent else None)
    )
    db.session.commit()
    return org


def make_user(
    *roles: Role,
    username: str | None = None,
    password: str = DEFAULT_PASSWORD,
    organisation: Organisation | None = None,
    organisation_code: str | None = None,
    is_active: bool = True,
) -> User:
    roles = roles or (Role.STAFF,)
    if organisation is None and organisation_code:
        organisation = db.session.scalar(
            sa.select(Organisation).where(Organisation.code == organisation_code)
        ) or make_org(code=organisation_code)
    if organisation is None and Role.NOMINATOR in roles:
        organisation = make_org()
    user = create_user(
        username=username or f"user{next(_counter)}",
        display_name="测试用户",
        password=password,
        password_hash=password_hash(password),
        roles=roles,
        organisation=organisation,
    )
    user.is_active = is_active
    db.session.commit()
    return user


def make_program(code: str | None = None, **fields) -> Program:
    n = next(_counter)
    values = dict(
        code=code or f"prog{n}",
        name_zh=f"测试项目{n}",
        name_en=f"Test program {n}",
        level=Level.CITY,
        cadence=Cadence.MONTHLY,
        quota=10,
        nominee_kind=NomineeKind.BOTH,
        ballot_rule=BallotRule.APPROVAL,
    )
    values.update(fields)
    program = Program(**values)
    db.session.add(program)
    db.session.commit()
    return program


def make_cycle(program: Program | None = None, period: str = "2026-11", **fields) -> Cycle:
    program = program or make_program()
    cycle = Cycle(
        program=program,
        period=period,
        reference_date=fields.pop("reference_date", date(2026, 11, 1)),
        state=fields.pop("state", CyclePhase.DRAFT),
        **fields,
    )
    db.session.add(cycle)
    db.session.commit()
    return cycle


def make_honoree(
    name: str = "张测试", kind: HonoreeKind = HonoreeKind.INDIVIDUAL, **fields
) -> Honoree:
    honoree = Honoree(
        slug=fields.pop("slug", f"t-{next(_counter)}"),
        kind=kind,
        name=name,
        headline=fields.pop("headline", "测试事迹标题"),
        consent_given=True,
        **fields,
    )
    db.session.add(honoree)
    db.session.commit()
    return honoree


def make_honor(honoree: Honoree, program: Program, period: str = "2026-10", **fields) -> Honor:
    from app.db_types import utcnow

    status = fields.pop("status", HonorStatus.PUBLISHED)
    honor = Honor(
        honoree=honoree,
        program=program,
        period_label=period,
        period_start=fields.pop("period_start", date(2026, 10, 1)),
        period_end=fields.pop("period_end", date(2026, 10, 31)),
        source=fields.pop("source", HonorSource.LOCAL),
        award=fields.pop("award", AwardKind.HONOREE),
        status=status,
        published_at=fields.pop(
            "published_at", utcnow() if status is HonorStatus.PUBLISHED else None
        ),
        **fields,
    )
    db.session.add(honor)
    db.session.commit()
    return honor
