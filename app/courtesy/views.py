"""Staff: an honoree's courtesy and aid ledger, and the yearly aid report with Excel."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.accounts.permissions import can_use_staff_area
from app.core.clock import local_today
from app.core.forms import EmptyForm
from app.core.guards import require
from app.core.labels import label
from app.core.spreadsheets import XlsxBook
from app.courtesy import services
from app.courtesy.models import (
    AidGrant,
    AidType,
    CourtesyCard,
    HardshipAssessment,
    HardshipLevel,
    Visit,
)
from app.db_types import enum_values
from app.extensions import db
from app.registry.models import Honoree

bp = Blueprint("courtesy", __name__)
bp.before_request(require(can_use_staff_area))


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        return None


def _fen(name: str) -> int | None:
    try:
        value = Decimal(request.form.get(name, "0") or "0")
    except InvalidOperation:
        return None
    if value < 0 or value > Decimal("100000000"):
        return None
    return int(value * 100)


@bp.route("/honorees/<int:honoree_id>/courtesy", methods=["GET", "POST"])
def ledger(honoree_id: int):
    honoree = db.get_or_404(Honoree, honoree_id)
    if request.method == "POST" and EmptyForm().validate_on_submit():
        try:
            _record(honoree.id, request.form.get("kind", ""))
        except services.LedgerError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
        return redirect(url_for("courtesy.ledger", honoree_id=honoree.id))
    rows = {
        model.__tablename__: db.session.scalars(
            sa.select(model).where(model.honoree_id == honoree.id).order_by(model.id.desc())
        ).all()
        for model in (CourtesyCard, Visit, AidGrant, HardshipAssessment)
    }
    return render_template(
        "courtesy/ledger.html",
        honoree=honoree,
        rows=rows,
        aid_types=list(AidType),
        hardship_levels=list(HardshipLevel),
        form=EmptyForm(),
    )


def _record(honoree_id: int, kind: str) -> None:
    form = request.form
    when = _date("date")
    if when is None:
        raise services.LedgerError(_l("Give a valid date."))
    if kind == "card":
        until = _date("valid_until")
        if until is None or not form.get("number", "").strip():
            raise services.LedgerError(_l("Give the card number and its expiry date."))
        services.issue_card(
            honoree_id,
            number=form["number"].strip()[:30],
            issued_on=when,
            valid_until=until,
            actor=current_user,
        )
    elif kind == "visit":
        cash = _fen("cash")
        if cash is None or not form.get("team", "").strip():
            raise services.LedgerError(_l("Give the visiting team and a valid amount."))
        services.add_visit(
            honoree_id,
            visited_on=when,
            team=form["team"].strip()[:100],
            gifts=form.get("gifts", "").strip()[:200],
            cash_fen=cash,
            actor=current_user,
        )
    elif kind == "aid":
        amount = _fen("amount")
        aid_type = form.get("aid_type", "")
        if amount is None or aid_type not in enum_values(AidType) or not form.get("fund", ""):
            raise services.LedgerError(_l("Give the aid type, a valid amount and the fund."))
        services.grant_aid(
            honoree_id,
            aid_type=AidType(aid_type),
            amount_fen=amount,
            fund_source=form["fund"].strip()[:60],
            granted_on=when,
            actor=current_user,
        )
    elif kind == "assessment":
        level = form.get("level", "")
        if level not in enum_values(HardshipLevel):
            raise services.LedgerError(_l("Choose a hardship level."))
        services.assess(
            honoree_id,
            assessed_on=when,
            level=HardshipLevel(level),
            notes=form.get("notes", "").strip()[:2000],
            actor=current_user,
        )
    else:
        raise services.LedgerError(_l("Unknown entry."))


def _year() -> int:
    raw = request.args.get("year", "")
    ok = raw.isdecimal() and len(raw) == 4 and 2000 <= int(raw) <= 2100
    return int(raw) if ok else local_today().year


@bp.get("/aid/report")
def report():
    year = _year()
    return render_template(
        "courtesy/report.html",
        year=year,
        report=services.yearly_report(year),
    )


@bp.get("/aid/report.xlsx")
def report_xlsx():
    year = _year()
    data = services.yearly_report(year)
    book = XlsxBook()
    for key, title in (
        ("by_type", _("By aid type")),
        ("by_fund", _("By fund")),
        ("visits", _("Visits")),
    ):
        sheet = book.sheet(title)
        sheet.append([_("Item"), _("Count"), _("Amount (yuan)")])
        for row in data[key]:
            sheet.append([label(row.label), row.count, (row.total_fen or 0) / 100])
    response = send_file(
        io.BytesIO(book.to_bytes()),
        as_attachment=True,
        download_name=f"aid-report-{year}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
