"""The live sample cycles, lived through the product's own services under the demo's clock.

A newcomer's demo shows a cycle in each phase. Each live cycle is created in draft, as
`honors schedule` creates cycles, and then lived through up to the moment of loading: at
each step the demo sets the clock (`clock.set_to`) and calls what the people would call
through the site. Nominators create and submit nominations with an ID photo; the
secretariat keeps the 征求意见 checklist and qualifies or returns them; the calendar opens
each phase; visitors like candidates in the public review; staff appoint a committee whose
judges vote; the vote is closed and its results applied; the notice opens; visitors object
and staff dismiss an objection. So the rows, their events, receipts, notifications and the
audit log are those a real run leaves, and every rule the services enforce holds in the
demo too. Nothing happens after `now`.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

from app.accounts.models import User
from app.audit.services import record_event
from app.committee import ballots as committee_ballots
from app.committee import results as committee_results
from app.committee import roster as committee_roster
from app.core import clock
from app.extensions import db
from app.honors.services import publish_cycle
from app.nominations.models import Channel, ConsultedBody, ConsultResult, Nomination, PhotoKind
from app.nominations.services import (
    CandidateData,
    add_photo,
    create_nomination,
    submit_nomination,
)
from app.nominations.workflow import NominationState as S
from app.notice.models import Objection
from app.notice.services import file_objection, resolve_objection
from app.orgs.models import Organisation
from app.privacy.id_numbers import check_char
from app.programs.models import BallotRule, Cycle, Program
from app.programs.rules import cycle_rules
from app.programs.services import transition_cycle
from app.programs.workflow import CyclePhase
from app.registry.models import Gender, Honoree, HonoreeKind
from app.review.services import add_like
from app.vetting.services import (
    decide_nomination,
    link_registry_record,
    qualify_nomination,
    record_check,
)

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = [
    "桂兰",
    "建国",
    "秀英",
    "志强",
    "海燕",
    "文博",
    "晓梅",
    "国庆",
    "丽娟",
    "永胜",
    "春华",
    "明亮",
    "淑珍",
    "红旗",
    "玉兰",
    "德福",
    "雪梅",
    "振华",
    "凤英",
    "光辉",
    "金凤",
    "子涵",
]
DEEDS = [
    (
        "助人为乐",
        "altruistic",
        "十二年义务为社区老人理发",
        "每月第一个周日，她都带着理发工具走进社区。",
    ),
    ("见义勇为", "brave", "寒冬跳入沙河救起落水少年", "他没有犹豫，脱下外套跳进冰冷的河水。"),
    (
        "诚实守信",
        "honest",
        "拾得八万元现金苦等失主",
        "他在路边捡到一个装着现金的布包，在原地等了三个小时。",
    ),
    ("敬业奉献", "dedicated", "扎根乡村卫生室三十年", "无论白天黑夜，村民一个电话她就出诊。"),
    (
        "孝老爱亲",
        "filial",
        "十八年如一日照顾瘫痪婆婆",
        "婆婆卧床以后，她辞去工作，每天翻身、擦洗、喂饭。",
    ),
]
YOUTH_DEEDS = [
    (
        "勤学善思",
        "diligent",
        "自制教具帮同学攻克数学难题",
        "课间休息时，他总被同学围着讲题。",
    ),
    (
        "热心公益",
        "public_spirited",
        "三年坚持周末到敬老院陪伴老人",
        "每到周末，她就背着书包去敬老院给老人读报。",
    ),
]
DAY = timedelta(days=1)
_PHASES = list(CyclePhase)


@dataclass(frozen=True)
class Sample:
    """One sample nomination of a live cycle: where it comes from, how far it goes (in a
    cycle still taking nominations; past that phase the cycle's own flow decides), the
    staff's reason when returned, and its deed (label, category code, headline, opening)."""

    organisation: Organisation
    target: S
    note: str | None
    index: int
    deed: tuple[str, str, str, str]
    # A published list of the history: the registry record staff link the candidate to,
    # whose story the nomination tells, and the category the list honored it in.
    honoree: Honoree | None = None
    category_id: int | None = None


@dataclass(frozen=True)
class Objecting:
    """A visitor's objection in a live notice, and the staff's resolution (None: open)."""

    content: str
    resolution: str | None = None


@dataclass
class Cast:
    """Who acts in the live cycles, and the moment of loading nothing may pass."""

    now: datetime
    staff: User | None
    nominators: dict[int, User]
    judges: list[User]
    upload_root: Path
    receipt_secret: str
    rng: random.Random = field(default_factory=lambda: random.Random(20261130))  # nosec B311

    @contextmanager
    def at(self, moment: datetime) -> Iterator[datetime]:
        """Run a step at `moment` (never later than `now`)."""
        with clock.set_to(min(moment, self.now)) as when:
            yield when


def _reached(live_state: CyclePhase, phase: CyclePhase) -> bool:
    return _PHASES.index(live_state) >= _PHASES.index(phase)


def _id_number(rng: random.Random, born: date) -> str:
    first17 = f"41110{rng.randrange(1, 4)}{born:%Y%m%d}{rng.randrange(100, 999)}"
    return first17 + check_char(first17)


def _person(cast: Cast, index: int, *, youth: bool) -> tuple[str, date, str]:
    """A fictional name, birth date and matching ID number."""
    name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]
    first_year = cast.now.year - (16 if youth else 76)
    span = 6 if youth else 50
    rng = cast.rng
    born = date(first_year + rng.randrange(span), rng.randrange(1, 13), rng.randrange(1, 28))
    return name, born, _id_number(rng, born)


@lru_cache(maxsize=5)
def _portrait(shade: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 400), (230 - shade * 12, 220, 210))
    draw = ImageDraw.Draw(image)
    draw.ellipse((100, 70, 200, 170), fill=(150, 120, 100))
    draw.rounded_rectangle((60, 190, 240, 400), radius=60, fill=(120, 40, 35))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def placeholder_portrait(index: int) -> bytes:
    """A plain portrait silhouette (no real person), as a nominator's upload would be; five
    shades, each drawn once."""
    return _portrait(index % 5)


def _candidate(cast: Cast, cycle: Cycle, sample: Sample, moment: datetime) -> CandidateData:
    if sample.honoree is not None:
        return _recorded_candidate(cast, sample, moment)
    program = cycle.program
    youth = program.age_max is not None  # a pupil: school and grade, a guardian
    name, born, id_number = _person(cast, sample.index, youth=youth)
    label, category_code, headline, opening = sample.deed
    category_id = next(
        (link.category_id for link in program.categories if link.category.code == category_code),
        program.categories[0].category_id,
    )
    org = sample.organisation
    return CandidateData(
        kind=HonoreeKind.INDIVIDUAL,
        category_id=category_id,
        name=name,
        gender=Gender.FEMALE if sample.index % 2 else Gender.MALE,
        birth_date=born,
        ethnicity="汉族",
        political_status="群众",
        education="初中在读" if youth else "高中",
        unit=None if youth else org.name,
        post=None if youth else "居民",
        school="郾城区明德实验学校" if youth else None,
        grade="七年级" if youth else None,
        location_id=org.id,
        address=f"漯河市{org.name}{sample.index}号院",
        phone=f"139{cast.rng.randrange(10**7, 10**8)}",
        id_number=id_number,
        recommender_name="社区推荐员",
        headline=headline,
        summary=f"{name}{opening}（{label}，演示数据，人物虚构）",
        story_md=(
            f"### {headline}\n\n{opening}\n\n"
            f"- 邻居们说：“有困难，就找{name[0]}大姐/大哥。”\n"
            "- 社区多次收到群众写来的感谢信。\n\n"
            "> 演示数据：本故事为虚构。"
        ),
        unit_opinion="经社区党委研究，同意推荐。",
        consent_given=True,
        consent_collected_by=org.name,
        consent_date=clock.local_today(moment),
        guardian_consent=youth,
        guardian_name=f"{name[0]}先生（监护人）" if youth else None,
    )


def _recorded_candidate(cast: Cast, sample: Sample, moment: datetime) -> CandidateData:
    """The nomination a published list of the history came from: the registry record's
    person and story, as the nominating unit typed it."""
    honoree = sample.honoree
    _name, born, _id = _person(cast, sample.index, youth=False)
    born = honoree.birth_date or born
    org = sample.organisation
    return CandidateData(
        kind=honoree.kind,
        category_id=sample.category_id,
        name=honoree.name,
        gender=honoree.gender,
        birth_date=born if honoree.kind is HonoreeKind.INDIVIDUAL else None,
        ethnicity=honoree.ethnicity or "汉族",
        political_status=honoree.political_status or "群众",
        education=honoree.education or "高中",
        unit=honoree.unit or org.name,
        post=honoree.post,
        location_id=org.id,
        address=f"漯河市{org.name}{sample.index}号院",
        phone=f"139{cast.rng.randrange(10**7, 10**8)}",
        id_number=_id_number(cast.rng, born) if honoree.kind is HonoreeKind.INDIVIDUAL else None,
        members=[(m.name, m.post) for m in honoree.members],
        recommender_name="社区推荐员",
        headline=honoree.headline or "",
        summary=honoree.summary or "",
        story_md=honoree.story_md or "",
        unit_opinion="经社区党委研究，同意推荐。",
        consent_given=True,
        consent_collected_by=honoree.consent_collected_by or org.name,
        consent_date=clock.local_today(moment),
    )


def _submitted_moment(cycle: Cycle, now: datetime) -> datetime:
    """When the samples were submitted: two days ago in a cycle still taking nominations,
    three days before the deadline otherwise, and never before the cycle opened."""
    moment = min(now - 2 * DAY, cycle.nominations_close_at - 3 * DAY)
    return max(moment, cycle.nominations_open_at + timedelta(hours=2))


def _nominate(cast: Cast, cycle: Cycle, samples: list[Sample]) -> list[tuple[Nomination, Sample]]:
    """Drafts the day before submission, then submission of all but the drafts."""
    submitted = _submitted_moment(cycle, cast.now)
    made = []
    with cast.at(submitted - DAY) as moment:
        for sample in samples:
            nominator = cast.nominators.get(sample.organisation.id)
            nomination = create_nomination(
                cycle=cycle,
                organisation=sample.organisation,
                channel=Channel.COMMUNITY,
                data=_candidate(cast, cycle, sample, moment),
                actor=nominator or cast.staff,
                now=moment,
            )
            add_photo(
                nomination,
                data=placeholder_portrait(sample.index),
                kind=PhotoKind.ID_PHOTO,
                alt="候选人证件照（演示用占位图）",
                root=cast.upload_root,
            )
            made.append((nomination, sample))
    with cast.at(submitted) as moment:
        for nomination, sample in made:
            if sample.target is not S.DRAFT:
                nominator = cast.nominators.get(sample.organisation.id)
                submit_nomination(
                    nomination,
                    actor=nominator or cast.staff,
                    as_staff=nominator is None,
                    now=moment,
                )
    return made


def _vet(cast: Cast, made: list[tuple[Nomination, Sample]], *, all_qualify: bool) -> None:
    """The secretariat's decisions: the checklist then qualify, or return with a reason."""
    for nomination, sample in made:
        target = S.QUALIFIED if all_qualify else sample.target
        if target is S.RETURNED:
            decide_nomination(nomination, S.RETURNED, actor=cast.staff, reason=sample.note or "")
        elif target is S.QUALIFIED:
            if sample.honoree is not None:
                link_registry_record(nomination, sample.honoree, actor=cast.staff)
            for body in (ConsultedBody.COMMUNITY, ConsultedBody.POLICE):
                record_check(
                    nomination,
                    body=body,
                    result=ConsultResult.NO_OBJECTION,
                    note="无异议",
                    actor=cast.staff,
                )
            qualify_nomination(nomination, actor=cast.staff)


def _likes(cast: Cast, cycle: Cycle, nominations: list[Nomination]) -> int:
    """Ordinary visitors since the review opened, then a burst from one /24 network within
    a minute (what the anomaly report is for); each like goes through the like rule."""
    rng = random.Random(7)  # nosec B311 # seeded demo data
    minute = cast.now.replace(second=0, microsecond=0)
    span = max(int((minute - cycle.review_starts_at).total_seconds() // 60), 2)
    visits = []
    for i in range(60):
        when = minute - timedelta(minutes=rng.randrange(1, span))
        ip = f"36.{rng.randrange(1, 250)}.{rng.randrange(1, 250)}.{rng.randrange(1, 250)}"
        visits.append((when, nominations[rng.randrange(len(nominations))], f"demo{i:04d}", ip))
    for i in range(24):
        visits.append((minute, nominations[0], f"burst{i:03d}", f"221.13.80.{i + 2}"))
    visits.sort(key=lambda visit: visit[0])
    for when, nomination, visitor, ip in visits:
        with cast.at(when) as moment:
            add_like(nomination, visitor_id=visitor, ip=ip, now=moment)
    return len(visits)


def _ballot(cycle: Cycle, pool: list[int], offset: int) -> committee_ballots.BallotInput:
    """A judge approves, or scores well, every candidate the cycle went on with."""
    rules = cycle_rules(cycle)
    if rules.ballot_rule is BallotRule.SCORE:
        criteria = [c["code"] for c in cycle.program.score_criteria]
        return committee_ballots.BallotInput(
            scores={n: {c: 6 + (n + offset + i) % 5 for i, c in enumerate(criteria)} for n in pool}
        )
    return committee_ballots.BallotInput(approvals=pool)


def _committee(cast: Cast, cycle: Cycle, voters: int) -> int:
    """The judges appointed before the vote (the chair, demo-committee, votes last), then
    `voters` of them cast their ballots on the vote's first day."""
    with cast.at(cycle.voting_starts_at - DAY):
        members = [
            committee_roster.add_member(
                cycle, judge, chair=judge.username == "demo-committee", actor=cast.staff
            )
            for judge in cast.judges
        ]
    with cast.at(cycle.voting_starts_at) as moment:
        transition_cycle(cycle, CyclePhase.VOTING, actor=None, now=moment)
    pool = sorted(
        db.session.scalars(
            sa.select(Nomination.id).where(
                Nomination.cycle_id == cycle.id, Nomination.state == S.SHORTLISTED
            )
        )
    )
    voting = sorted(members, key=lambda m: m.is_chair)[:voters]
    start = min(cycle.voting_starts_at + timedelta(hours=20), cast.now - timedelta(hours=2))
    for offset, member in enumerate(voting):
        with cast.at(start + timedelta(minutes=37 * offset)) as moment:
            committee_ballots.submit_ballot(
                cycle,
                member,
                _ballot(cycle, pool, offset),
                secret=cast.receipt_secret,
                now=moment,
            )
    return len(voting)


def _objection(cast: Cast, cycle: Cycle, objecting: Objecting) -> None:
    target = db.session.scalar(
        sa.select(Nomination)
        .where(Nomination.cycle_id == cycle.id, Nomination.state == S.IN_NOTICE)
        .order_by(Nomination.id)
        .limit(1)
    )
    filed = cycle.notice_starts_at + timedelta(days=1, hours=3)
    with cast.at(filed) as moment:
        objection: Objection = file_objection(
            target,
            content=objecting.content + "（演示数据）",
            contact="13900000000",
            evidence=None,
            root=cast.upload_root,
            now=moment,
        )
    if objecting.resolution is not None:
        with cast.at(filed + 2 * DAY) as moment:
            resolve_objection(
                objection,
                upheld=False,
                reason=objecting.resolution,
                promote=False,
                actor=cast.staff,
                now=moment,
            )


@dataclass
class Lived:
    """What living one cycle created, for the loader's counts."""

    cycle: Cycle
    nominations: int = 0
    committee_members: int = 0
    ballots: int = 0
    likes: int = 0
    objections: int = 0
    honors: int = 0


def live_cycle(
    cast: Cast,
    program: Program,
    *,
    period: str,
    reference_date: date,
    dates: dict[str, datetime],
    state: CyclePhase,
    samples: list[Sample],
    voters: int = 0,
    likes: bool = False,
    objecting: Objecting | None = None,
    release_at: datetime | None = None,
) -> Lived:
    """Create a cycle in draft with `dates` and live it through until it is in `state`
    (published: at `release_at`, after its notice)."""
    with cast.at(dates["nominations_open_at"] - DAY):
        cycle = Cycle(
            program=program,
            period=period,
            reference_date=reference_date,
            state=CyclePhase.DRAFT,
            **dates,
        )
        db.session.add(cycle)
        db.session.flush()
        record_event(
            "cycle.created",
            actor=cast.staff,
            obj=cycle,
            after={"program": program.code, "period": period},
        )
    lived = Lived(cycle)
    with cast.at(cycle.nominations_open_at) as moment:
        transition_cycle(cycle, CyclePhase.NOMINATING, actor=None, now=moment)
    made = _nominate(cast, cycle, samples)
    lived.nominations = len(made)
    if not _reached(state, CyclePhase.VETTING):
        with cast.at(_submitted_moment(cycle, cast.now) + DAY):
            _vet(cast, made, all_qualify=False)
        return lived
    with cast.at(cycle.nominations_close_at) as moment:
        transition_cycle(cycle, CyclePhase.VETTING, actor=None, now=moment)
    with cast.at(cycle.nominations_close_at + timedelta(hours=10)):
        _vet(cast, made, all_qualify=True)
    if program.public_review and _reached(state, CyclePhase.PUBLIC_REVIEW):
        with cast.at(cycle.review_starts_at) as moment:
            transition_cycle(cycle, CyclePhase.PUBLIC_REVIEW, actor=None, now=moment)
        if likes:
            lived.likes = _likes(cast, cycle, [n for n, _s in made])
    if not _reached(state, CyclePhase.VOTING):
        return lived
    lived.committee_members = len(cast.judges)
    lived.ballots = _committee(cast, cycle, voters)
    if not _reached(state, CyclePhase.NOTICE):
        return lived
    with cast.at(cycle.voting_ends_at) as moment:
        committee_results.apply_results(cycle, actor=cast.staff, now=moment)
    with cast.at(cycle.notice_starts_at or cycle.voting_ends_at) as moment:
        transition_cycle(cycle, CyclePhase.NOTICE, actor=cast.staff, now=moment)
    if objecting is not None:
        _objection(cast, cycle, objecting)
        lived.objections = 1
    if state is CyclePhase.PUBLISHED and release_at is not None:
        with cast.at(release_at) as moment:
            lived.honors = len(publish_cycle(cycle, actor=cast.staff, now=moment))
    return lived
