"""Demo nominations, public recommendations and inbox messages for the live demo cycles.

They show a newcomer each step of the workflow: drafts, submitted and returned
nominations in the cycle open for nominations, qualified candidates in public review and
candidates in public notice. Rows are created directly in their final state (with the
history a real run would have left); looked up by (cycle, name) so reloading adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from app.honors.models import Gender, HonoreeKind
from app.nominations import uploads
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
# (program, period, organisation code, state, count, note for returned/refused)
PLAN = (
    ("luohe_good", "2026-11", "yuanhui-s1-c1", S.DRAFT, 1, None),
    ("luohe_good", "2026-11", "yuanhui-s1-c1", S.SUBMITTED, 2, None),
    ("luohe_good", "2026-11", "yuanhui-s1-c1", S.RETURNED, 1, "请补充推荐单位意见并上传生活照片。"),
    ("luohe_good", "2026-11", "yuanhui-s1-c1", S.QUALIFIED, 1, None),
    ("luohe_good", "2026-11", "linying-s1-c1", S.SUBMITTED, 2, None),
    ("luohe_good", "2026-11", "linying-s1-c1", S.QUALIFIED, 1, None),
    ("top_ten_citizens", "2026-10", None, S.QUALIFIED, 12, None),
    ("luohe_good", "2026-10", None, S.IN_NOTICE, 8, None),
    ("touching_luohe", "2026", None, S.SHORTLISTED, 10, None),
)
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.RETURNED: [S.SUBMITTED, S.RETURNED],
    S.QUALIFIED: [S.SUBMITTED, S.QUALIFIED],
    S.SHORTLISTED: [S.SUBMITTED, S.QUALIFIED, S.SHORTLISTED],
    S.IN_NOTICE: [S.SUBMITTED, S.QUALIFIED, S.SHORTLISTED, S.SELECTED, S.IN_NOTICE],
}
# Committees of the demo: (program, period, members who have voted already).
COMMITTEES = (("luohe_good", "2026-10", 7), ("touching_luohe", "2026", 3))
RECOMMENDATIONS = (
    (
        "R2611DEMO01",
        "常奶奶",
        "坚持二十年为环卫工人免费送热水",
        "每天清晨五点，她家门口的保温桶就装满了热水。",
    ),
    (
        "R2611DEMO02",
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


def _person(ctx: _Context, index: int):
    name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]
    born = date(1950 + ctx.rng.randrange(50), ctx.rng.randrange(1, 13), ctx.rng.randrange(1, 28))
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
    created: dict[str, int], *, now: datetime, upload_root: Path | None = None
) -> None:
    """Add the sample nominations and recommendations that are missing."""
    cycles = {
        (code, period): cycle
        for cycle, code, period in db.session.execute(
            sa.select(Cycle, Program.code, Cycle.period).join(Program)
        )
    }
    existing = set(db.session.execute(sa.select(Nomination.cycle_id, Nomination.name)).tuples())
    orgs = {o.code: o for o in db.session.scalars(sa.select(Organisation))}
    communities = [o for o in orgs.values() if o.kind is OrgKind.COMMUNITY]
    staff = db.session.scalar(sa.select(User).where(User.username == "demo-staff"))
    ctx = _Context(random.Random(20261130), now, staff, upload_root)  # nosec B311 # demo
    index = 0
    for code, period, org_code, state, count, note in PLAN:
        cycle = cycles.get((code, period))
        for _n in range(count):
            index += 1
            name, born, id_number = _person(ctx, index)
            org = orgs[org_code] if org_code else communities[index % len(communities)]
            if cycle is None or (cycle.id, name) in existing:
                continue
            _add_nomination(ctx, cycle, org, state, note, index, name, born, id_number)
            created["nominations"] += 1
    _add_recommendations(created, orgs)
    db.session.flush()


def _add_nomination(ctx, cycle, org, state, note, index, name, born, id_number) -> None:
    label, category_code, headline, opening = DEEDS[index % len(DEEDS)]
    category_id = next(
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
        kind=HonoreeKind.INDIVIDUAL,
        name=name,
        gender=Gender.FEMALE if index % 2 else Gender.MALE,
        birth_date=born,
        ethnicity="汉族",
        political_status="群众",
        education="高中",
        unit=org.name,
        post="居民",
        location=org,
        district_id=org.district_id,
        address_enc=crypto.encrypt(f"漯河市{org.name}{index}号院"),
        phone_enc=crypto.encrypt(phone),
        id_number_enc=crypto.encrypt(id_number),
        id_number_hash=crypto.keyed_hash(id_number),
        recommender_name="社区推荐员",
        headline=f"{headline}",
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
        consent_date=date(2026, 11, 3),
        created_at=ctx.now,
        updated_at=ctx.now,
        submitted_at=ctx.now - timedelta(days=2) if state is not S.DRAFT else None,
    )
    photo = _placeholder_photo(ctx, index)
    if photo is not None:
        nomination.photos.append(photo)
    previous = S.DRAFT
    for step in PATHS[state]:
        nomination.events.append(
            NominationEvent(
                at=ctx.now - timedelta(days=2),
                actor_id=ctx.staff.id if ctx.staff else None,
                from_state=previous,
                to_state=step,
                reason=note if step is S.RETURNED else None,
            )
        )
        previous = step
    if state in (S.QUALIFIED, S.SHORTLISTED, S.IN_NOTICE):
        for body in (ConsultedBody.COMMUNITY, ConsultedBody.POLICE):
            nomination.checks.append(
                ConsultationCheck(
                    body=body,
                    result=ConsultResult.NO_OBJECTION,
                    note="无异议",
                    checked_by_id=ctx.staff.id if ctx.staff else None,
                    checked_at=ctx.now,
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


def _add_recommendations(created: dict[str, int], orgs) -> None:
    known = set(db.session.scalars(sa.select(PublicRecommendation.reference)))
    for reference, name, headline, story in RECOMMENDATIONS:
        if reference in known:
            continue
        db.session.add(
            PublicRecommendation(
                reference=reference,
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


def load_committees(created: dict[str, int], *, now: datetime, receipt_secret: str) -> None:
    """Seven demo judges on the cycles past vetting; some ballots already cast.

    The notice cycle's committee has voted and its results are applied; in 感动漯河 2026
    (score ballots) three judges have voted and `demo-committee` (the chair) has not.
    """
    from app.committee.models import Ballot, BallotVersion, CommitteeMember
    from app.committee.services import receipt_code

    judges = list(
        db.session.scalars(
            sa.select(User).where(User.username.like("demo-committee%")).order_by(User.username)
        )
    )
    if not judges:
        return
    for code, period, voters in COMMITTEES:
        cycle = db.session.scalar(
            sa.select(Cycle).join(Program).where(Program.code == code, Cycle.period == period)
        )
        if cycle is None or db.session.scalar(
            sa.select(CommitteeMember.id).where(CommitteeMember.cycle_id == cycle.id).limit(1)
        ):
            continue
        members = [
            CommitteeMember(
                cycle_id=cycle.id, user_id=judge.id, is_chair=judge.username == "demo-committee"
            )
            for judge in judges
        ]
        db.session.add_all(members)
        cycle.committee_frozen_at = now - timedelta(days=3)
        db.session.flush()
        created["committee_members"] += len(members)
        pool = list(
            db.session.scalars(
                sa.select(Nomination.id)
                .where(Nomination.cycle_id == cycle.id)
                .order_by(Nomination.id)
            )
        )
        criteria = [c["code"] for c in cycle.program.score_criteria]
        for offset, member in enumerate(m for m in members if not m.is_chair):
            if offset >= voters:
                break
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
                submitted_at=now - timedelta(days=2),
            )
            db.session.add(ballot)
            db.session.flush()
            ballot.receipt = receipt_code(receipt_secret, ballot.id, 1, content)
            db.session.add(
                BallotVersion(
                    ballot_id=ballot.id, version=1, content=content, receipt=ballot.receipt
                )
            )
            created["ballots"] += 1
        if cycle.state is not CyclePhase.VOTING:
            cycle.voting_closed_at = cycle.results_applied_at = now - timedelta(days=1)
    db.session.flush()


def load_public_phase_samples(created: dict[str, int], *, now: datetime) -> None:
    """Likes in the public review (with one burst for the anomaly report) and an open
    objection in the public notice."""
    from app.notice.models import Objection
    from app.review.models import Like
    from app.review.services import network_of

    review = db.session.scalar(
        sa.select(Cycle)
        .join(Program)
        .where(Program.code == "top_ten_citizens", Cycle.period == "2026-10")
    )
    if review is not None and not db.session.scalar(
        sa.select(Like.id).where(Like.cycle_id == review.id).limit(1)
    ):
        pool = list(
            db.session.scalars(
                sa.select(Nomination.id)
                .where(Nomination.cycle_id == review.id)
                .order_by(Nomination.id)
            )
        )
        rng = random.Random(7)  # nosec B311 # seeded demo data
        minute = now.replace(second=0, microsecond=0)
        rows = []
        for i in range(180):  # ordinary visitors over the past days
            when = minute - timedelta(minutes=rng.randrange(1, 60 * 24 * 3))
            ip = f"36.{rng.randrange(1, 250)}.{rng.randrange(1, 250)}.{rng.randrange(1, 250)}"
            rows.append((pool[rng.randrange(len(pool))], f"demo{i:04d}", ip, when))
        for i in range(24):  # a burst from one /24 within one minute
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
    notice = db.session.scalar(
        sa.select(Cycle)
        .join(Program)
        .where(Program.code == "luohe_good", Cycle.period == "2026-10")
    )
    if notice is not None and not db.session.scalar(
        sa.select(Objection.id).where(Objection.cycle_id == notice.id).limit(1)
    ):
        target = db.session.scalar(
            sa.select(Nomination)
            .where(Nomination.cycle_id == notice.id, Nomination.state == S.IN_NOTICE)
            .order_by(Nomination.id)
            .limit(1)
        )
        if target is not None:
            db.session.add(
                Objection(
                    reference="Y261120DEMO1",
                    cycle_id=notice.id,
                    nomination_id=target.id,
                    content="听说此人在单位与同事有过纠纷，事迹是否属实请核实。（演示数据）",
                    contact_enc=crypto.encrypt("13900000000"),
                )
            )
            created["objections"] += 1
    db.session.flush()


def load_ledger_samples(created: dict[str, int], *, now: datetime) -> None:
    """Pending upward recommendations and a courtesy/aid ledger for a few recent honorees."""
    from app.courtesy.models import (
        AidGrant,
        AidType,
        CourtesyCard,
        HardshipAssessment,
        HardshipLevel,
        Visit,
    )
    from app.honors.models import Honor, Honoree
    from app.promotions.models import Promotion

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
            .where(Program.code == "luohe_good", Honor.period_label.in_(["2026-08", "2026-09"]))
            .order_by(Honoree.id)
            .limit(6)
        )
        .unique()
        .all()
    )
    if henan is None or not recent:
        return
    for honoree in recent[:3]:
        db.session.add(
            Promotion(
                honoree_id=honoree.id,
                program_id=henan.id,
                batch_label="2026年第4批",
                recommended_on=date(2026, 11, 10),
            )
        )
        created["promotions"] += 1
    types = [AidType.LIVING, AidType.MEDICAL, AidType.SCHOOLING, AidType.HOUSING]
    for i, honoree in enumerate(recent):
        db.session.add(
            CourtesyCard(
                honoree_id=honoree.id,
                number=f"LHHR-2026-{i + 1:04d}",
                issued_on=date(2026, 10, 15),
                valid_until=date(2029, 10, 14),
            )
        )
        db.session.add(
            Visit(
                honoree_id=honoree.id,
                visited_on=date(2026, 10, 20),
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
                granted_on=date(2026, 11, 1),
            )
        )
        db.session.add(
            HardshipAssessment(
                honoree_id=honoree.id,
                assessed_on=date(2026, 10, 1),
                level=HardshipLevel.MODERATE if i % 3 == 0 else HardshipLevel.NONE,
                notes="演示数据",
            )
        )
        created["ledger"] += 4
    db.session.flush()
