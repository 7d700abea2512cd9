"""Staff and admin administer programs: the list, a new program, a program's rules."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.db_types import utcnow
from app.extensions import db
from app.programs import admin
from app.programs.forms import ProgramForm
from app.programs.models import Category, Cycle, Program
from app.programs.rules import cycle_rules
from app.programs.workflow import CyclePhase

bp = Blueprint("programs_admin", __name__)

# Templates of every domain show a cycle's rules (its snapshot once nominations closed).
bp.add_app_template_global(cycle_rules, "cycle_rules")


def _categories() -> list[Category]:
    return list(db.session.scalars(sa.select(Category).order_by(Category.sort_order, Category.id)))


@bp.get("/programs")
def index():
    programs = db.session.scalars(sa.select(Program).order_by(Program.sort_order, Program.id)).all()
    running = dict(
        db.session.execute(
            sa.select(Cycle.program_id, sa.func.count())
            .where(Cycle.state.not_in((CyclePhase.PUBLISHED, CyclePhase.CLOSED)))
            .group_by(Cycle.program_id)
        )
        .tuples()
        .all()
    )
    return render_template("programs/index.html", programs=programs, running=running)


@bp.route("/programs/new", methods=["GET", "POST"])
def create():
    form = ProgramForm.for_categories(_categories(), creating=True, data=ProgramForm.data_of(None))
    if form.validate_on_submit():
        try:
            program = admin.create_program(
                code=form.code.data, values=form.values(), actor=current_user, now=utcnow()
            )
        except admin.ProgramError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("Program created."), "success")
            return redirect(url_for("staff.programs_admin.edit", program_id=program.id))
    return render_template("programs/form.html", form=form, program=None)


@bp.route("/programs/<int:program_id>", methods=["GET", "POST"])
def edit(program_id: int):
    program = db.get_or_404(Program, program_id)
    form = ProgramForm.for_categories(
        _categories(), creating=False, data=ProgramForm.data_of(program)
    )
    if form.validate_on_submit():
        try:
            changed = admin.update_program(program, form.values(), actor=current_user, now=utcnow())
        except admin.ProgramError as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(
                _("Program saved: %(n)d change(s).", n=len(changed))
                if changed
                else _("Nothing changed."),
                "success",
            )
            return redirect(url_for("staff.programs_admin.edit", program_id=program.id))
    return render_template("programs/form.html", form=form, program=program)
