"""The samples around the registry, made through the services under the demo's clock: the
public recommendations waiting for staff, the upward recommendations and the courtesy and aid
ledger of a few recent honorees. (The cycles are lived in app/demo/live.py.)
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from app.accounts.models import User
from app.core.clock import local_today, set_to
from app.courtesy.models import AidType, HardshipLevel
from app.courtesy.services import add_visit, assess, grant_aid, issue_card
from app.demo import data
from app.extensions import db
from app.nominations.models import Channel
from app.programs.models import Program
from app.promotions.services import recommend
from app.recommendations.services import file_recommendation
from app.registry.models import HonoreeKind

RECOMMENDATIONS = (
    (
        "常奶奶",
        "坚持二十年为环卫工人免费送热水",
        "每天清晨五点，她家门口的保温桶就装满了热水。",
    ),
    (
        "小区业主志愿队",
        "自发组织夜间巡逻守护小区平安",
        "二十多位业主轮流值守，三年来小区没有发生一起盗窃。",
    ),
)


def add_recommendations(created: dict[str, int], orgs, now: datetime) -> None:
    """The two public recommendations waiting for staff, filed through the public form's
    service a day before `now` (on the demo's first load only: see load_demo)."""
    with set_to(now - timedelta(days=1)):
        for name, headline, story in RECOMMENDATIONS:
            file_recommendation(
                channel=Channel.PUBLIC,
                kind=HonoreeKind.GROUP if "队" in name else HonoreeKind.INDIVIDUAL,
                candidate_name=name,
                district=orgs.get("yancheng"),
                unit=None,
                headline=headline,
                story=story + "（演示数据，人物虚构）",
                recommender_name="热心市民",
                recommender_phone="13800000000",
                relationship_note=None,
            )
            created["recommendations"] += 1


def load_ledger_samples(created: dict[str, int], *, now: datetime) -> None:
    """Pending upward recommendations and a courtesy/aid ledger for a few honorees of the
    history's last two monthly lists, dated in the weeks before `now`."""
    from app.courtesy.models import CourtesyCard
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
    staff = db.session.scalar(sa.select(User).where(User.username == "demo-staff"))
    today = local_today(now)
    issued = today - timedelta(days=28)
    with set_to(now - timedelta(days=14)):
        for honoree in recent[:3]:
            recommend(
                honoree,
                henan,
                batch_label=f"{today.year}年第{today.month}批",
                recommended_on=today - timedelta(days=14),
                category_id=None,
                actor=staff,
            )
            created["promotions"] += 1
    types = [AidType.LIVING, AidType.MEDICAL, AidType.SCHOOLING, AidType.HOUSING]
    for i, honoree in enumerate(recent):
        with set_to(now - timedelta(days=30)):
            assess(
                honoree.id,
                assessed_on=today - timedelta(days=30),
                level=HardshipLevel.MODERATE if i % 3 == 0 else HardshipLevel.NONE,
                notes="演示数据",
                actor=staff,
            )
        with set_to(now - timedelta(days=28)):
            issue_card(
                honoree.id,
                number=f"LHHR-{issued.year}-{i + 1:04d}",
                issued_on=issued,
                valid_until=issued + timedelta(days=3 * 365),
                actor=staff,
            )
        with set_to(now - timedelta(days=25)):
            add_visit(
                honoree.id,
                visited_on=today - timedelta(days=25),
                team="市文明办走访组",
                gifts="米、面、油",
                cash_fen=50000,
                actor=staff,
            )
        with set_to(now - timedelta(days=20)):
            grant_aid(
                honoree.id,
                aid_type=types[i % len(types)],
                amount_fen=(i + 1) * 100000,
                fund_source="好人基金" if i % 2 == 0 else "民政专项资金",
                granted_on=today - timedelta(days=20),
                actor=staff,
            )
        created["ledger"] += 4
    db.session.flush()


def _last_history_months() -> list[str]:
    """The labels of the history's last two 漯河好人 months (data.LAST_LUOHE_GOOD_MONTH)."""
    year, month = data.LAST_LUOHE_GOOD_MONTH
    before = (year, month - 1) if month > 1 else (year - 1, 12)
    return [f"{y:04d}-{m:02d}" for y, m in (before, (year, month))]
