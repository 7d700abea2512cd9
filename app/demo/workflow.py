"""Demo nominations, public recommendations and inbox messages for the live demo cycles.

They show a newcomer each step of the workflow: drafts, submitted and returned
nominations in the cycles open for nominations, qualified candidates in public review,
shortlisted candidates before the committee, candidates in public notice and, for the
history's published lists, the nominations their honorees came from. Rows are created
directly in their final state (with the history a real run would have left), only in the
cycles the same load created (`new_cycles`, by role: see services.live_cycles), and every
date is taken from `now` or from the cycle's own dates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from app.accounts.models import User
from app.core import uploads
from app.core.clock import local_today
from app.demo import data
from app.extensions import db
from app.nominations.models import (
    Channel,
    ConsultationCheck,
    ConsultedBody,
    ConsultResult,
    Nomination,
    NominationEvent,
    NominationPhoto,
    PhotoKind,
    PublicRecommendation,
)
from app.nominations.workflow import NominationState as S
from app.notifications.models import Notification
from app.orgs.models import Organisation, OrgKind
from app.privacy import crypto
from app.privacy.id_numbers import check_char
from app.programs.models import Cycle, Program
from app.programs.workflow import CyclePhase
from app.registry.models import Gender, HonoreeKind

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
# (live cycle role, organisation code, state, count, note for returned/refused)
PLAN = (
    ("nominating", "yuanhui-s1-c1", S.DRAFT, 1, None),
    ("nominating", "yuanhui-s1-c1", S.SUBMITTED, 2, None),
    ("nominating", "yuanhui-s1-c1", S.RETURNED, 1, "请补充推荐单位意见并上传生活照片。"),
    ("nominating", "yuanhui-s1-c1", S.QUALIFIED, 1, None),
    ("nominating", "linying-s1-c1", S.SUBMITTED, 2, None),
    ("nominating", "linying-s1-c1", S.QUALIFIED, 1, None),
    ("review", None, S.QUALIFIED, 12, None),
    ("notice", None, S.IN_NOTICE, 8, None),
    ("voting", None, S.SHORTLISTED, 10, None),
    ("youth", "yuanhui-s1-c1", S.SUBMITTED, 1, None),
    ("youth", "linying-s1-c1", S.SUBMITTED, 1, None),
    ("ready", None, S.IN_NOTICE, 6, None),
)
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.RETURNED: [S.SUBMITTED, S.RETURNED],
    S.QUALIFIED: [S.SUBMITTED, S.QUALIFIED],
    S.SHORTLISTED: [S.SUBMITTED, S.QUALIFIED, S.SHORTLISTED],
    S.IN_NOTICE: [S.SUBMITTED, S.QUALIFIED, S.SHORTLISTED, S.SELECTED, S.IN_NOTICE],
    S.HONORED: [S.SUBMITTED, S.QUALIFIED, S.SHORTLISTED, S.SELECTED, S.IN_NOTICE, S.HONORED],
}
# Committees of the demo: (cycle role, members who have voted). Voting is open in
# 感动漯河 (three judges have voted, the chair has not); the others' votes are closed, their
# tally computed by the committee's own code and kept as at the close.
COMMITTEES = (
    ("voting", 3),
    ("notice", 7),
    ("ready", 7),
    ("published:luohe_good", 6),
    ("published:top_ten_citizens", 7),
)
RECOMMENDATIONS = (
    (
        "DEMO01",
        "常奶奶",
        "坚持二十年为环卫工人免费送热水",
        "每天清晨五点，她家门口的保温桶就装满了热水。",
    ),
    (
        "DEMO02",
        "小区业主志愿队",
        "自发组织夜间巡逻守护小区平安",
        "二十多位业主轮流值守，三年来小区没有发生一起盗窃。",
    ),
)


@dataclass
class _Context:
    rng: random.Random
    now: datetime
    staff: User | None
    upload_root: Path | None


def _person(ctx: _Context, index: int, *, youth: bool = False):
    name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]
    first_year = ctx.now.year - (16 if youth else 76)
    span = 6 if youth else 50
    born = date(
        first_year + ctx.rng.randrange(span), ctx.rng.randrange(1, 13), ctx.rng.randrange(1, 28)
    )
    first17 = f"41110{ctx.rng.randrange(1, 4)}{born:%Y%m%d}{ctx.rng.randrange(100, 999)}"
    return name, born, first17 + check_char(first17)


def _placeholder_photo(ctx: _Context, index: int) -> NominationPhoto | None:
    """A plain portrait silhouette (no real person), stored like an uploaded photo."""
    if ctx.upload_root is None:
        return None
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 400), (230 - index % 5 * 12, 220, 210))
    draw = ImageDraw.Draw(image)
    draw.ellipse((100, 70, 200, 170), fill=(150, 120, 100))
    draw.rounded_rectangle((60, 190, 240, 400), radius=60, fill=(120, 40, 35))
    out = io.BytesIO()
    image.save(out, "JPEG")
    stored = uploads.store_photo(out.getvalue(), ctx.upload_root)
    return NominationPhoto(
        kind=PhotoKind.ID_PHOTO,
        path=stored.path,
        thumb_path=stored.thumb_path,
        width=stored.width,
        height=stored.height,
        alt="候选人证件照（演示用占位图）",
    )


def load_workflow_samples(
    created: dict[str, int],
    new_cycles: dict[str, Cycle],
    *,
    now: datetime,
    upload_root: Path | None = None,
) -> None:
    """Add the sample nominations to the cycles created by this load, and the public
    recommendations when missing."""
    orgs = {o.code: o for o in db.session.scalars(sa.select(Organisation))}
    communities = [o for o in orgs.values() if o.kind is OrgKind.COMMUNITY]
    staff = db.session.scalar(sa.select(User).where(User.username == "demo-staff"))
    ctx = _Context(random.Random(20261130), now, staff, upload_root)  # nosec B311 # demo
    index = 0
    for role, org_code, state, count, note in PLAN:
        cycle = new_cycles.get(role)
        youth = role == "youth"
        deeds = YOUTH_DEEDS if youth else DEEDS
        for _n in range(count):
            index += 1
            name, born, id_number = _person(ctx, index, youth=youth)
            org = orgs[org_code] if org_code else communities[index % len(communities)]
            if cycle is None:
                continue
            deed = deeds[index % len(deeds)]
            _add_nomination(ctx, cycle, org, state, note, index, (name, born, id_number), deed)
            created["nominations"] += 1
    for role, cycle in new_cycles.items():
        if role.startswith("published:"):
            created["nominations"] += _add_history_nominations(ctx, cycle, communities)
    _add_recommendations(created, orgs, now)
    db.session.flush()


def _submitted_moment(cycle: Cycle, now: datetime) -> datetime:
    """When a sample nomination of `cycle` was submitted: before its deadline, and in the
    past (two days ago in a cycle still taking nominations)."""
    moment = now - timedelta(days=2)
    if cycle.nominations_close_at is not None:
        moment = min(moment, cycle.nominations_close_at - timedelta(days=3))
    if cycle.nominations_open_at is not None:
        moment = max(moment, cycle.nominations_open_at)
    return min(moment, now)


def _event_time(cycle: Cycle, step: S, submitted: datetime, now: datetime) -> datetime:
    """When a sample nomination took `step`: at the cycle's date for it, never after now."""
    at = {
        S.SUBMITTED: submitted,
        S.SHORTLISTED: cycle.review_starts_at or cycle.voting_starts_at,
        S.SELECTED: cycle.voting_ends_at,
        S.IN_NOTICE: cycle.notice_starts_at,
        S.HONORED: cycle.published_at,
    }.get(step) or submitted + timedelta(days=1)  # returned, qualified: a day after
    return min(at, now)


def _add_history_nominations(ctx: _Context, cycle: Cycle, communities) -> int:
    """The nominations a published list of the history came from, one per honor, linked
    to its honoree (they carry the committee's ballots; nothing new is published)."""
    from app.registry.models import Honor

    honors = db.session.scalars(
        sa.select(Honor).where(Honor.cycle_id == cycle.id).order_by(Honor.id)
    ).all()
    for offset, honor in enumerate(honors):
        honoree = honor.honoree
        index = 1000 + cycle.id * 50 + offset
        _, born, id_number = _person(ctx, index)
        org = honoree.organisation or communities[index % len(communities)]
        deed = next((d for d in DEEDS if d[1] == honor.category.code), DEEDS[0])
        _add_nomination(
            ctx,
            cycle,
            org,
            S.HONORED,
            None,
            index,
            (honoree.name, honoree.birth_date or born, id_number),
            deed,
            honoree=honoree,
            category_id=honor.category_id,
        )
    return len(honors)


def _add_nomination(
    ctx,
    cycle,
    org,
    state,
    note,
    index,
    person,
    deed,
    *,
    honoree=None,
    category_id=None,
) -> None:
    name, born, id_number = person
    label, category_code, headline, opening = deed
    moment = _submitted_moment(cycle, ctx.now)
    youth = cycle.program.age_max is not None  # a pupil: school and grade, a guardian
    category_id = category_id or next(
        (
            link.category_id
            for link in cycle.program.categories
            if link.category.code == category_code
        ),
        cycle.program.categories[0].category_id,
    )
    phone = f"139{ctx.rng.randrange(10**7, 10**8)}"
    nomination = Nomination(
        cycle=cycle,
        category_id=category_id,
        organisation=org,
        channel=Channel.COMMUNITY,
        state=state,
        kind=honoree.kind if honoree is not None else HonoreeKind.INDIVIDUAL,
        honoree_id=honoree.id if honoree is not None else None,
        name=name,
        gender=Gender.FEMALE if index % 2 else Gender.MALE,
        birth_date=born,
        ethnicity="汉族",
        political_status="群众",
        education="初中在读" if youth else "高中",
        unit=None if youth else org.name,
        post=None if youth else "居民",
        school="郾城区明德实验学校" if youth else None,
        grade="七年级" if youth else None,
        location=org,
        district_id=org.district_id,
        address_enc=crypto.encrypt(f"漯河市{org.name}{index}号院"),
        phone_enc=crypto.encrypt(phone),
        id_number_enc=crypto.encrypt(id_number),
        id_number_hash=crypto.keyed_hash(id_number),
        recommender_name="社区推荐员",
        headline=headline,
        summary=f"{name}{opening}（{label}，演示数据，人物虚构）",
        story_md=(
            f"### {headline}\n\n{opening}\n\n"
            f"- 邻居们说：“有困难，就找{name[0]}大姐/大哥。”\n"
            "- 社区多次收到群众写来的感谢信。\n\n"
            "> 演示数据：本故事为虚构。"
        ),
        unit_opinion="" if state is S.RETURNED else "经社区党委研究，同意推荐。",
        consent_given=True,
        consent_collected_by=org.name,
        consent_date=(moment - timedelta(days=1)).date(),
        guardian_consent=youth,
        guardian_name=f"{name[0]}先生（监护人）" if youth else None,
        created_at=moment - timedelta(days=1),
        updated_at=moment,
        submitted_at=moment if state is not S.DRAFT else None,
    )
    # The history's nominations need none: their honorees' pages are the public record.
    if honoree is not None:  # the story the list published
        nomination.headline, nomination.summary = honoree.headline, honoree.summary
        nomination.story_md = honoree.story_md
    photo = _placeholder_photo(ctx, index) if honoree is None else None
    if photo is not None:
        nomination.photos.append(photo)
    previous = S.DRAFT
    for step in PATHS[state]:
        nomination.events.append(
            NominationEvent(
                at=_event_time(cycle, step, moment, ctx.now),
                actor_id=ctx.staff.id if ctx.staff else None,
                from_state=previous,
                to_state=step,
                reason=note if step is S.RETURNED else None,
            )
        )
        previous = step
    if state in (S.QUALIFIED, S.SHORTLISTED, S.IN_NOTICE, S.HONORED):
        for body in (ConsultedBody.COMMUNITY, ConsultedBody.POLICE):
            nomination.checks.append(
                ConsultationCheck(
                    body=body,
                    result=ConsultResult.NO_OBJECTION,
                    note="无异议",
                    checked_by_id=ctx.staff.id if ctx.staff else None,
                    checked_at=min(moment + timedelta(days=1), ctx.now),
                )
            )
    db.session.add(nomination)
    if state is S.RETURNED:
        db.session.flush()
        for user in db.session.scalars(sa.select(User).where(User.organisation_id == org.id)):
            db.session.add(
                Notification(
                    user_id=user.id,
                    subject=f"{name} 的推荐：退回修改",
                    body=note,
                    link=f"/nominations/{nomination.id}",
                )
            )


def _add_recommendations(created: dict[str, int], orgs, now: datetime) -> None:
    """The two public recommendations waiting for staff, referenced after this month."""
    if db.session.scalar(
        sa.select(PublicRecommendation.id)
        .where(PublicRecommendation.reference.like("R____DEMO%"))
        .limit(1)
    ):
        return
    for suffix, name, headline, story in RECOMMENDATIONS:
        db.session.add(
            PublicRecommendation(
                reference=f"R{now:%y%m}{suffix}",
                created_at=now - timedelta(days=1),
                channel=Channel.PUBLIC,
                kind=HonoreeKind.GROUP if "队" in name else HonoreeKind.INDIVIDUAL,
                candidate_name=name,
                district=orgs.get("yancheng"),
                headline=headline,
                story=story + "（演示数据，人物虚构）",
                recommender_name="热心市民",
                recommender_phone_enc=crypto.encrypt("13800000000"),
            )
        )
        created["recommendations"] += 1


def load_committees(
    created: dict[str, int], new_cycles: dict[str, Cycle], *, now: datetime, receipt_secret: str
) -> None:
    """Seven demo judges on the cycles past vetting, with their ballots.

    In 感动漯河 (score ballots, voting open) three judges have voted and `demo-committee`
    (the chair) has not: nothing per candidate shows before the close. In the other cycles
    the vote closed at its end date: the tally is computed from the ballots by the
    committee's own code and kept as at the close (what results and transparency pages
    read), and the results were applied.
    """
    from app.committee.models import CommitteeMember

    judges = list(
        db.session.scalars(
            sa.select(User).where(User.username.like("demo-committee%")).order_by(User.username)
        )
    )
    if not judges:
        return
    for role, voters in COMMITTEES:
        cycle = new_cycles.get(role)
        if cycle is None:
            continue
        members = [
            CommitteeMember(
                cycle_id=cycle.id, user_id=judge.id, is_chair=judge.username == "demo-committee"
            )
            for judge in judges
        ]
        db.session.add_all(members)
        cycle.committee_frozen_at = min(cycle.voting_starts_at, now)
        db.session.flush()
        created["committee_members"] += len(members)
        # The chair votes last: in an open vote, the chair is among those still to vote.
        order = sorted(members, key=lambda m: m.is_chair)
        created["ballots"] += _cast_ballots(cycle, order[:voters], now, receipt_secret)
        if cycle.state is not CyclePhase.VOTING:
            _close_vote(cycle)
    db.session.flush()


def _cast_ballots(cycle: Cycle, members, now: datetime, receipt_secret: str) -> int:
    """Ballots with receipts (and their first version) for `members`: each approves, or
    scores well, the candidates the cycle went on with."""
    from app.committee.ballots import receipt_code
    from app.committee.models import Ballot, BallotVersion

    pool = list(
        db.session.scalars(
            sa.select(Nomination.id).where(Nomination.cycle_id == cycle.id).order_by(Nomination.id)
        )
    )
    criteria = [c["code"] for c in cycle.program.score_criteria]
    cast_at = min(cycle.voting_starts_at + timedelta(hours=20), now - timedelta(hours=2))
    for offset, member in enumerate(members):
        if criteria:
            content = {
                "scores": {
                    str(n): {c: 6 + (n + offset + i) % 5 for i, c in enumerate(criteria)}
                    for n in pool
                },
                "justifications": {},
            }
        else:
            content = {"approvals": pool}
        ballot = Ballot(
            cycle_id=cycle.id,
            member_id=member.id,
            round=0,
            version=1,
            content=content,
            receipt="",
            submitted_at=cast_at + timedelta(minutes=37 * offset),
        )
        db.session.add(ballot)
        db.session.flush()
        ballot.receipt = receipt_code(receipt_secret, ballot.id, 1, content)
        db.session.add(
            BallotVersion(ballot_id=ballot.id, version=1, content=content, receipt=ballot.receipt)
        )
    return len(members)


def _close_vote(cycle: Cycle) -> None:
    """The vote as closed at its end date: the committee's tally of the ballots, kept."""
    from app.committee import tally
    from app.committee.models import TallySnapshot
    from app.committee.queries import compute

    db.session.flush()
    closed_at = cycle.voting_ends_at
    result = compute(cycle)
    db.session.add(
        TallySnapshot(
            cycle_id=cycle.id, round=0, computed_at=closed_at, result=tally.result_to_json(result)
        )
    )
    cycle.voting_closed_at = closed_at
    cycle.results_applied_at = closed_at


def load_public_phase_samples(
    created: dict[str, int], new_cycles: dict[str, Cycle], *, now: datetime
) -> None:
    """Likes in the public review (with one burst for the anomaly report), an open
    objection in the running notice and a dismissed one in the notice that has ended."""
    from app.notice.models import Objection, ObjectionStatus
    from app.review.models import Like
    from app.review.services import network_of

    review = new_cycles.get("review")
    if review is not None:
        pool = list(
            db.session.scalars(
                sa.select(Nomination.id)
                .where(Nomination.cycle_id == review.id)
                .order_by(Nomination.id)
            )
        )
        rng = random.Random(7)  # nosec B311 # seeded demo data
        minute = now.replace(second=0, microsecond=0)
        # Ordinary visitors since the review opened, then a burst from one /24 in a minute.
        span = max(int((minute - review.review_starts_at).total_seconds() // 60), 2)
        rows = []
        for i in range(180):
            when = minute - timedelta(minutes=rng.randrange(1, span))
            ip = f"36.{rng.randrange(1, 250)}.{rng.randrange(1, 250)}.{rng.randrange(1, 250)}"
            rows.append((pool[rng.randrange(len(pool))], f"demo{i:04d}", ip, when))
        for i in range(24):
            rows.append((pool[0], f"burst{i:03d}", f"221.13.80.{i + 2}", minute))
        for nomination_id, visitor, ip, when in rows:
            db.session.add(
                Like(
                    cycle_id=review.id,
                    nomination_id=nomination_id,
                    visitor_id=visitor,
                    ip_hash=crypto.keyed_hash(ip),
                    net_hash=crypto.keyed_hash(network_of(ip)),
                    day=when.date(),
                    minute=when,
                    created_at=when,
                )
            )
        created["likes"] += len(rows)
    staff = db.session.scalar(sa.select(User).where(User.username == "demo-staff"))
    objections = (
        ("notice", "DEMO1", "听说此人在单位与同事有过纠纷，事迹是否属实请核实。", None),
        (
            "ready",
            "DEMO2",
            "此人所在社区的表彰材料中有一处日期写错了，事迹是否属实请核实。",
            "经向所在社区和派出所核实，事迹属实，材料日期为笔误，已更正；异议不成立。",
        ),
    )
    for role, suffix, content, resolution in objections:
        cycle = new_cycles.get(role)
        target = cycle and db.session.scalar(
            sa.select(Nomination)
            .where(Nomination.cycle_id == cycle.id, Nomination.state == S.IN_NOTICE)
            .order_by(Nomination.id)
            .limit(1)
        )
        if target is None:
            continue
        filed = cycle.notice_starts_at + timedelta(days=1, hours=3)
        objection = Objection(
            reference=f"Y{filed:%y%m%d}{suffix}",
            cycle_id=cycle.id,
            nomination_id=target.id,
            content=content + "（演示数据）",
            contact_enc=crypto.encrypt("13900000000"),
            created_at=min(filed, now),
        )
        if resolution is not None:
            objection.status = ObjectionStatus.DISMISSED
            objection.resolution = resolution
            objection.resolved_by_id = staff.id if staff else None
            objection.resolved_at = min(filed + timedelta(days=2), now)
        db.session.add(objection)
        created["objections"] += 1
    db.session.flush()


def load_ledger_samples(created: dict[str, int], *, now: datetime) -> None:
    """Pending upward recommendations and a courtesy/aid ledger for a few honorees of the
    history's last two monthly lists, dated in the weeks before `now`."""
    from app.courtesy.models import (
        AidGrant,
        AidType,
        CourtesyCard,
        HardshipAssessment,
        HardshipLevel,
        Visit,
    )
    from app.promotions.models import Promotion
    from app.registry.models import Honor, Honoree

    if db.session.scalar(sa.select(Promotion.id).limit(1)) or db.session.scalar(
        sa.select(CourtesyCard.id).limit(1)
    ):
        return
    henan = db.session.scalar(sa.select(Program).where(Program.code == "henan_good"))
    recent = (
        db.session.scalars(
            sa.select(Honoree)
            .join(Honor, Honor.honoree_id == Honoree.id)
            .join(Program)
            .where(Program.code == "luohe_good", Honor.period_label.in_(_last_history_months()))
            .order_by(Honoree.id)
            .limit(6)
        )
        .unique()
        .all()
    )
    if henan is None or not recent:
        return
    today = local_today(now)
    issued = today - timedelta(days=28)
    for honoree in recent[:3]:
        db.session.add(
            Promotion(
                honoree_id=honoree.id,
                program_id=henan.id,
                batch_label=f"{today.year}年第{today.month}批",
                recommended_on=today - timedelta(days=14),
            )
        )
        created["promotions"] += 1
    types = [AidType.LIVING, AidType.MEDICAL, AidType.SCHOOLING, AidType.HOUSING]
    for i, honoree in enumerate(recent):
        db.session.add(
            CourtesyCard(
                honoree_id=honoree.id,
                number=f"LHHR-{issued.year}-{i + 1:04d}",
                issued_on=issued,
                valid_until=issued + timedelta(days=3 * 365),
            )
        )
        db.session.add(
            Visit(
                honoree_id=honoree.id,
                visited_on=today - timedelta(days=25),
                team="市文明办走访组",
                gifts="米、面、油",
                cash_fen=50000,
            )
        )
        db.session.add(
            AidGrant(
                honoree_id=honoree.id,
                aid_type=types[i % len(types)],
                amount_fen=(i + 1) * 100000,
                fund_source="好人基金" if i % 2 == 0 else "民政专项资金",
                granted_on=today - timedelta(days=20),
            )
        )
        db.session.add(
            HardshipAssessment(
                honoree_id=honoree.id,
                assessed_on=today - timedelta(days=30),
                level=HardshipLevel.MODERATE if i % 3 == 0 else HardshipLevel.NONE,
                notes="演示数据",
            )
        )
        created["ledger"] += 4
    db.session.flush()


def _last_history_months() -> list[str]:
    """The labels of the history's last two 漯河好人 months (data.LAST_LUOHE_GOOD_MONTH)."""
    year, month = data.LAST_LUOHE_GOOD_MONTH
    before = (year, month - 1) if month > 1 else (year - 1, 12)
    return [f"{y:04d}-{m:02d}" for y, m in (before, (year, month))]
