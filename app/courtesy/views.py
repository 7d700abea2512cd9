"""Staff: an honoree's courtesy and aid ledger, and the yearly aid report with Excel."""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.clock import local_today
from app.core.forms import EmptyForm
from app.core.labels import label
from app.core.spreadsheets import XlsxBook
from app.courtesy import queries, services
from app.courtesy.forms import (
    AidForm,
    AssessmentForm,
    CardForm,
    LedgerEntryForm,
    VisitForm,
    entry_form,
)
from app.courtesy.models import AidType, HardshipLevel
from app.extensions import db
from app.registry.models import Honoree

bp = Blueprint("courtesy", __name__)


@bp.route("/honorees/<int:honoree_id>/courtesy", methods=["GET", "POST"])
def ledger(honoree_id: int):
    honoree = db.get_or_404(Honoree, honoree_id)
    if request.method == "POST":
        form = entry_form()
        if form.validate_on_submit():
            try:
                _record(honoree.id, form)
            except services.LedgerError as error:
                db.session.rollback()
                flash(str(error.message), "error")
            else:
                db.session.commit()
                flash(_("Saved."), "success")
            return redirect(url_for("staff.courtesy.ledger", honoree_id=honoree.id))
        if "csrf_token" not in form.errors:  # a refused entry; a stale page just reloads
            flash(form.refusal(), "error")
            return redirect(url_for("staff.courtesy.ledger", honoree_id=honoree.id))
    return render_template(
        "courtesy/ledger.html",
        honoree=honoree,
        rows=queries.ledger_rows(honoree),
        aid_types=list(AidType),
        hardship_levels=list(HardshipLevel),
        form=EmptyForm(),
    )


def _record(honoree_id: int, form: LedgerEntryForm) -> None:
    """Record the validated entry `form` (its class says which kind)."""
    if isinstance(form, CardForm):
        services.issue_card(
            honoree_id,
            number=form.number.data,
            issued_on=form.date.data,
            valid_until=form.valid_until.data,
            actor=current_user,
        )
    elif isinstance(form, VisitForm):
        services.add_visit(
            honoree_id,
            visited_on=form.date.data,
            team=form.team.data,
            gifts=form.gifts.data,
            cash_fen=form.cash.data,
            actor=current_user,
        )
    elif isinstance(form, AidForm):
        services.grant_aid(
            honoree_id,
            aid_type=AidType(form.aid_type.data),
            amount_fen=form.amount.data,
            fund_source=form.fund.data,
            granted_on=form.date.data,
            actor=current_user,
        )
    elif isinstance(form, AssessmentForm):
        services.assess(
            honoree_id,
            assessed_on=form.date.data,
            level=HardshipLevel(form.level.data),
            notes=form.notes.data,
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
        report=queries.yearly_report(year),
    )


@bp.get("/aid/report.xlsx")
def report_xlsx():
    year = _year()
    data = queries.yearly_report(year)
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
