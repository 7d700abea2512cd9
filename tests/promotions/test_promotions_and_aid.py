"""推荐上报 and 礼遇帮扶: promotion lifecycle and figures, external honors, aid report sums,
revocation stopping benefits — through the staff pages."""

from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import load_workbook

from app.accounts.models import Role
from app.courtesy.models import AidGrant, BenefitStatus, CourtesyCard
from app.extensions import db
from app.honors import services as honor_services
from app.honors.queries import headline_figures
from app.programs.models import Level
from app.promotions.models import Promotion, PromotionStatus
from app.registry.models import AwardKind, Honor, HonorSource
from tests import factories
from tests.conftest import csrf_token


def _setup(app):
    with app.app_context():
        local = factories.make_program(code="luohe_good")
        henan = factories.make_program(code="henan_good", external=True, level=Level.PROVINCE)
        china = factories.make_program(code="china_good", external=True, level=Level.NATION)
        honoree = factories.make_honoree(name="上报测试", slug="promo-1")
        factories.make_honor(honoree, local)
        return {"honoree": honoree.id, "henan": henan.id, "china": china.id}


def _recommend(staff, ids, program):
    token = csrf_token(staff, f"/staff/honorees/{ids['honoree']}/promote")
    return staff.post(
        f"/staff/honorees/{ids['honoree']}/promote",
        data={
            "csrf_token": token,
            "program_id": str(ids[program]),
            "batch_label": "2026年第4批",
            "recommended_on": "2026-11-20",
            "category_id": "",
        },
    )


def _outcome(staff, promotion_id, status, period="2026-11"):
    token = csrf_token(staff, "/staff/promotions/")
    return staff.post(
        f"/staff/promotions/{promotion_id}/outcome",
        data={
            "csrf_token": token,
            "status": status,
            "outcome_period": period,
            "outcome_start": "2026-11-01",
            "outcome_end": "2026-11-30",
        },
    )


def test_monthly_honoree_promoted_to_henan_then_china(app, client, login_as):
    ids = _setup(app)
    staff = login_as(Role.STAFF)
    assert _recommend(staff, ids, "henan").status_code == 302
    assert _recommend(staff, ids, "henan").status_code == 200  # already pending: refused
    with app.app_context():
        promotion_id = db.session.scalars(sa.select(Promotion.id)).one()
    board = staff.get("/staff/promotions/").get_data(as_text=True)
    assert "上报测试" in board
    _outcome(staff, promotion_id, "selected")
    _recommend(staff, ids, "china")
    with app.app_context():
        china_id = db.session.scalar(
            sa.select(Promotion.id).where(Promotion.status == PromotionStatus.PENDING)
        )
    _outcome(staff, china_id, "selected", period="2026-11")
    with app.app_context():
        honors = db.session.scalars(
            sa.select(Honor).where(
                Honor.honoree_id == ids["honoree"], Honor.source == HonorSource.EXTERNAL
            )
        ).all()
        assert len(honors) == 2
        figures = headline_figures()
        assert (figures.henan_good_people, figures.china_good_people) == (1, 1)
    page = client.get("/honorees/promo-1").get_data(as_text=True)
    assert "国家级" in page and "省级" in page
    stats = client.get("/api/v1/stats").get_json()["headline"]
    assert stats["china_good_people"] == 1


def test_outcome_not_selected_and_nomination_award(app, login_as):
    ids = _setup(app)
    staff = login_as(Role.STAFF)
    _recommend(staff, ids, "henan")
    with app.app_context():
        promotion_id = db.session.scalars(sa.select(Promotion.id)).one()
    _outcome(staff, promotion_id, "not_selected", period="")
    with app.app_context():
        assert db.session.get(Promotion, promotion_id).status is PromotionStatus.NOT_SELECTED
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Honor)
                .where(Honor.source == HonorSource.EXTERNAL)
            )
            == 0
        )


def test_external_honor_recorded_directly(app, login_as):
    ids = _setup(app)
    staff = login_as(Role.STAFF)
    token = csrf_token(staff, "/staff/external-honors/new")
    response = staff.post(
        "/staff/external-honors/new",
        data={
            "csrf_token": token,
            "slug": "promo-1",
            "program_id": str(ids["china"]),
            "award": "nomination_award",
            "period": "第8届",
            "start": "2025-01-01",
            "end": "2025-12-31",
            "category_id": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        honor = db.session.scalars(
            sa.select(Honor).where(Honor.source == HonorSource.EXTERNAL)
        ).one()
        assert honor.award is AwardKind.NOMINATION_AWARD
    bad = staff.post(
        "/staff/external-honors/new",
        data={
            "csrf_token": token,
            "slug": "nobody",
            "program_id": str(ids["china"]),
            "award": "honoree",
            "period": "x",
            "start": "2025-01-01",
            "end": "2025-12-31",
        },
    )
    assert 'id="slug-error"' in bad.get_data(as_text=True)


def _ledger(staff, honoree_id, **data):
    token = csrf_token(staff, f"/staff/honorees/{honoree_id}/courtesy")
    return staff.post(f"/staff/honorees/{honoree_id}/courtesy", data={"csrf_token": token, **data})


def test_aid_report_sums_and_excel(app, login_as):
    ids = _setup(app)
    staff = login_as(Role.STAFF)
    h = ids["honoree"]
    _ledger(
        staff,
        h,
        kind="aid",
        date="2026-03-01",
        aid_type="medical",
        amount="1200.50",
        fund="好人基金",
    )
    _ledger(
        staff,
        h,
        kind="aid",
        date="2026-05-01",
        aid_type="medical",
        amount="799.50",
        fund="好人基金",
    )
    _ledger(
        staff, h, kind="aid", date="2026-06-01", aid_type="living", amount="500", fund="民政专项"
    )
    _ledger(
        staff, h, kind="aid", date="2025-06-01", aid_type="living", amount="999", fund="民政专项"
    )
    _ledger(staff, h, kind="visit", date="2026-02-01", team="市文明办", gifts="米面油", cash="300")
    _ledger(staff, h, kind="aid", date="2026-06-01", aid_type="living", amount="-5", fund="x")
    with app.app_context():
        from app.courtesy.queries import yearly_report

        report = yearly_report(2026)
        by_type = {r.label: (r.count, r.total_fen) for r in report["by_type"]}
        assert by_type == {"living": (1, 50000), "medical": (2, 200000)}
        by_fund = {r.label: (r.count, r.total_fen) for r in report["by_fund"]}
        assert by_fund == {"好人基金": (2, 200000), "民政专项": (1, 50000)}
        assert (report["visits"][0].count, report["visits"][0].total_fen) == (1, 30000)
    workbook = load_workbook(io.BytesIO(staff.get("/staff/aid/report.xlsx?year=2026").data))
    values = [
        list(r)
        for r in workbook[
            "按资金来源" if "按资金来源" in workbook.sheetnames else workbook.sheetnames[1]
        ].iter_rows(values_only=True)
    ]
    assert ["好人基金", 2, 2000.0] in values
    assert staff.get("/staff/aid/report?year=abc").status_code == 200


def test_revocation_stops_open_benefits_with_reason(app, login_as):
    ids = _setup(app)
    staff = login_as(Role.STAFF)
    _ledger(
        staff,
        ids["honoree"],
        kind="card",
        date="2026-01-01",
        number="LH-0001",
        valid_until="2028-12-31",
    )
    _ledger(
        staff,
        ids["honoree"],
        kind="aid",
        date="2026-02-01",
        aid_type="living",
        amount="100",
        fund="好人基金",
    )
    with app.app_context():
        for honor in db.session.scalars(sa.select(Honor).where(Honor.honoree_id == ids["honoree"])):
            honor_services.revoke_honor(honor, reason="事迹造假", actor=None)
        db.session.commit()
        assert db.session.scalars(sa.select(CourtesyCard.status)).all() == [BenefitStatus.STOPPED]
        grant = db.session.scalars(sa.select(AidGrant)).one()
        assert grant.status is BenefitStatus.STOPPED and grant.stop_reason == "事迹造假"
    refused = _ledger(
        staff,
        ids["honoree"],
        kind="aid",
        date="2026-03-01",
        aid_type="living",
        amount="100",
        fund="好人基金",
    )
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AidGrant)) == 1


def test_ledger_is_staff_only(app, login_as):
    ids = _setup(app)
    for role in (Role.NOMINATOR, Role.COMMITTEE):
        client = login_as(role)
        assert client.get(f"/staff/honorees/{ids['honoree']}/courtesy").status_code == 403
        assert client.get("/staff/aid/report").status_code == 403
        assert client.get("/staff/promotions/").status_code == 403
    assert login_as(Role.STAFF).get("/staff/honorees/?q=上报").status_code == 200


def test_revoked_honoree_gets_no_card_and_no_upward_recommendation(app, login_as):
    ids = _setup(app)
    with app.app_context():
        for honor in db.session.scalars(sa.select(Honor).where(Honor.honoree_id == ids["honoree"])):
            honor_services.revoke_honor(honor, reason="事迹造假", actor=None)
        db.session.commit()
    staff = login_as(Role.STAFF)
    card = _ledger(
        staff,
        ids["honoree"],
        kind="card",
        date="2026-03-01",
        number="LH-0002",
        valid_until="2028-12-31",
    )
    promoted = _recommend(staff, ids, "henan")
    assert (card.status_code, promoted.status_code) == (302, 200)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourtesyCard)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Promotion)) == 0
