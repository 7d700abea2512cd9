"""make_* factories: real rows through real services, one precomputed password hash."""

from __future__ import annotations

import itertools
from datetime import date

import sqlalchemy as sa

from app.accounts import passwords
from app.accounts.models import Role, User
from app.accounts.services import create_user
from app.extensions import db
from app.orgs.models import Organisation, OrgKind
from app.programs.models import BallotRule, Cadence, Cycle, Level, NomineeKind, Program
from app.programs.workflow import CyclePhase
from app.registry.models import (
    AwardKind,
    Gender,
    Honor,
    Honoree,
    HonoreeKind,
    HonorSource,
    HonorStatus,
)

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


def make_category(code: str | None = None, name_zh: str = "助人为乐"):
    from app.programs.models import Category

    n = next(_counter)
    category = Category(code=code or f"cat{n}", name_zh=name_zh, name_en=f"Category {n}")
    db.session.add(category)
    db.session.commit()
    return category


def make_open_cycle(program: Program | None = None, period: str = "2026-11", **fields) -> Cycle:
    """A cycle taking nominations now, its program with one category."""
    from datetime import timedelta

    from app.db_types import utcnow
    from app.programs.models import ProgramCategory

    if program is None:
        program = make_program(**fields.pop("program_fields", {}))
    if not program.categories:
        category = make_category()
        program.categories.append(ProgramCategory(category=category))
        db.session.commit()
    now = utcnow()
    return make_cycle(
        program,
        period=period,
        state=CyclePhase.NOMINATING,
        nominations_open_at=now - timedelta(days=5),
        nominations_close_at=fields.pop("close", now + timedelta(days=10)),
        **fields,
    )


def valid_id_number(birth: str = "19800512", seq: str = "123", region: str = "411102") -> str:
    from app.privacy.id_numbers import check_char

    first17 = region + birth + seq
    return first17 + check_char(first17)


def jpeg_bytes(size=(64, 48), color=(200, 30, 30), exif_gps: bool = False) -> bytes:
    import io

    from PIL import Image

    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if exif_gps:
        exif = image.getexif()
        exif[0x010F] = "SpyCam"  # Make
        gps = exif.get_ifd(0x8825)
        gps[1] = "N"
        gps[2] = (33.0, 34.0, 55.0)
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def make_nomination(
    cycle: Cycle | None = None,
    organisation: Organisation | None = None,
    state=None,
    **fields,
):
    """A complete individual nomination through the real services (state set via transitions)."""
    from app.nominations import services
    from app.nominations.models import Channel, PhotoKind
    from app.nominations.workflow import Actor, NominationState

    cycle = cycle or make_open_cycle()
    organisation = organisation or make_org()
    data = services.CandidateData(
        kind=fields.pop("kind", HonoreeKind.INDIVIDUAL),
        category_id=fields.pop("category_id", cycle.program.categories[0].category_id),
        name=fields.pop("name", "李测试"),
        gender=fields.pop("gender", Gender.FEMALE),
        birth_date=fields.pop("birth_date", date(1980, 5, 12)),
        unit=fields.pop("unit", "测试单位"),
        location_id=fields.pop("location_id", organisation.id),
        id_number=fields.pop("id_number", valid_id_number()),
        phone=fields.pop("phone", "13812345678"),
        address=fields.pop("address", "漯河市源汇区测试路1号"),
        headline=fields.pop("headline", "十年如一日照顾孤寡老人"),
        summary=fields.pop("summary", "事迹简介"),
        story_md=fields.pop("story_md", "### 事迹\n\n她每天都去看望老人。"),
        unit_opinion=fields.pop("unit_opinion", "同意推荐"),
        consent_given=True,
        consent_collected_by="社区",
        consent_date=date(2026, 11, 2),
        members=fields.pop("members", []),
        **fields,
    )
    nomination = services.create_nomination(
        cycle=cycle, organisation=organisation, channel=Channel.COMMUNITY, data=data, actor=None
    )
    import tempfile
    from pathlib import Path

    services.add_photo(
        nomination,
        data=jpeg_bytes(),
        kind=PhotoKind.ID_PHOTO,
        alt="证件照",
        root=Path(tempfile.gettempdir()) / "honors-test-uploads",
    )
    db.session.commit()
    path = {
        None: [],
        NominationState.SUBMITTED: [NominationState.SUBMITTED],
        NominationState.QUALIFIED: [NominationState.SUBMITTED, NominationState.QUALIFIED],
        NominationState.RETURNED: [NominationState.SUBMITTED, NominationState.RETURNED],
    }[state]
    for target in path:
        actor = Actor.NOMINATOR if target is NominationState.SUBMITTED else Actor.STAFF
        services.transition_nomination(
            nomination, target, actor=None, actor_kind=actor, reason="测试"
        )
    db.session.commit()
    return nomination
