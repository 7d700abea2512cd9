"""Staff pages for the organisation tree: list, create, edit, move, (de)activate, the
workbook import (dry run, then confirm) and one-time passwords."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.core import uploads
from app.core.forms import EmptyForm, attach_error
from app.core.private import make_private_dir, write_private
from app.core.sheet_reading import FILE_ERRORS, ImportFileError
from app.extensions import db
from app.orgs import imports, queries, services
from app.orgs.forms import (
    ImportConfirmForm,
    ImportForm,
    MoveForm,
    OrganisationEditForm,
    OrganisationForm,
    OrgFilterForm,
)
from app.orgs.models import Organisation, OrgKind

bp = Blueprint("orgs", __name__)

PER_PAGE = 50
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
SESSION_KEY = "org_import_token"
KEEP_SECONDS = 24 * 3600  # a dry run's file waits this long for its confirmation


def _org(org_id: int | None) -> Organisation | None:
    return db.session.get(Organisation, org_id) if org_id else None


def _filters() -> OrgFilterForm:
    form = OrgFilterForm(request.args)
    form.district_id.choices = [("", _("All"))] + [(str(d.id), d.name) for d in queries.districts()]
    return form


@bp.route("/", methods=["GET", "POST"])
def index():
    form = OrganisationForm()
    form.parent_id.choices = queries.organisation_choices(
        _("— none (the city) —"), active_only=True
    )
    if form.validate_on_submit():
        try:
            org = services.create_organisation(
                code=form.code.data,
                name=form.name.data,
                kind=OrgKind(form.kind.data),
                parent=_org(form.parent_id.data),
                actor=current_user,
            )
        except services.OrganisationError as error:
            db.session.rollback()
            attach_error(form, error.field, error.message)
        else:
            db.session.commit()
            flash(_("Organisation %(name)s created.", name=org.name), "success")
            return redirect(url_for("staff.orgs.index"))
    filters = _filters()
    valid = filters.validate()
    kind = filters.kind.data if filters.kind.data in {k.value for k in OrgKind} else None
    tree = queries.tree_page(
        q=(filters.q.data or "").strip() if valid else "",
        kind=OrgKind(kind) if kind else None,
        district_id=filters.district_id.data if valid else None,
        page=(filters.page.data or 1) if valid else 1,
        per_page=PER_PAGE,
    )
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "orgs/index.html",
        form=form,
        filters=filters,
        tree=tree,
        args=args,
    )


@bp.route("/<int:org_id>", methods=["GET", "POST"])
def edit(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    form = OrganisationEditForm(obj=org)
    if form.validate_on_submit():
        try:
            services.update_organisation(
                org, code=form.code.data, name=form.name.data, actor=current_user
            )
        except services.OrganisationError as error:
            db.session.rollback()
            attach_error(form, error.field, error.message)
        else:
            db.session.commit()
            flash(_("Organisation %(name)s saved.", name=org.name), "success")
            return redirect(url_for("staff.orgs.edit", org_id=org.id))
    return _detail(org, form=form, move_form=_move_form(org))


def _move_form(org: Organisation, *, posted: bool = False) -> MoveForm:
    """The move form: as `posted` to the move route, else showing the current parent."""
    form = MoveForm()
    form.parent_id.choices = queries.organisation_choices(
        _("— none (the city) —"), active_only=True
    )
    if not posted:
        form.parent_id.data = org.parent_id
    return form


def _detail(org: Organisation, *, form=None, move_form=None, status=200):
    return (
        render_template(
            "orgs/detail.html",
            org=org,
            form=form or OrganisationEditForm(formdata=None, obj=org),
            move_form=move_form or _move_form(org),
            button=EmptyForm(),
            accounts=queries.unit_accounts(org),
        ),
        status,
    )


@bp.post("/<int:org_id>/move")
def move(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    form = _move_form(org, posted=True)
    if form.validate_on_submit():
        try:
            services.move_organisation(org, parent=_org(form.parent_id.data), actor=current_user)
        except services.OrganisationError as error:
            db.session.rollback()
            attach_error(form, error.field, error.message)
        else:
            db.session.commit()
            flash(_("Organisation %(name)s moved.", name=org.name), "success")
            return redirect(url_for("staff.orgs.edit", org_id=org.id))
    return _detail(org, move_form=form, status=400)


def _unit_action(org_id: int, act) -> Response:
    """A button on the unit page: `act(org)` runs the service and returns the message to
    flash; a refusal is flashed instead. Back to the unit page either way."""
    org = db.get_or_404(Organisation, org_id)
    if EmptyForm().validate_on_submit():
        try:
            message = act(org)
        except services.OrganisationError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(message, "success")
    return redirect(url_for("staff.orgs.edit", org_id=org.id))


@bp.post("/<int:org_id>/deactivate")
def deactivate(org_id: int):
    def act(org: Organisation) -> str:
        count = services.deactivate_organisation(org, actor=current_user)
        return _("%(name)s deactivated, and %(n)d of its accounts.", name=org.name, n=count)

    return _unit_action(org_id, act)


@bp.post("/<int:org_id>/reactivate")
def reactivate(org_id: int):
    def act(org: Organisation) -> str:
        services.reactivate_organisation(org, actor=current_user)
        return _("%(name)s reactivated.", name=org.name)

    return _unit_action(org_id, act)


@bp.post("/<int:org_id>/passwords")
def issue_passwords(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("staff.orgs.edit", org_id=org.id))
    try:
        issued = services.issue_initial_passwords(org, actor=current_user)
    except services.OrganisationError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("staff.orgs.edit", org_id=org.id))
    db.session.commit()
    return _passwords_page(issued)


def _passwords_page(issued) -> Response:
    """Shown once: the response is not stored, and nothing can fetch the passwords again."""
    groups: dict[int, list] = {}
    for item in issued:
        groups.setdefault(item.organisation.id, []).append(item)
    response = Response(render_template("orgs/passwords.html", groups=list(groups.values())))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/import/template.xlsx")
def import_template():
    return Response(
        imports.build_template(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=organisations-template.xlsx"},
    )


def _import_dir() -> Path:
    return Path(current_app.instance_path) / "org-imports"


def _prune_imports() -> None:
    """Remove the kept files of dry runs nobody confirmed."""
    folder = _import_dir()
    if folder.is_dir():
        for old in folder.glob("*.xlsx"):
            if old.stat().st_mtime < time.time() - KEEP_SECONDS:
                old.unlink(missing_ok=True)


def _stored(token: str | None) -> Path | None:
    """The file kept for this session's dry run, if the token is that one."""
    if not token or not TOKEN_RE.match(token) or session.get(SESSION_KEY) != token:
        return None
    path = _import_dir() / f"{token}.xlsx"
    return path if path.is_file() else None


def _file_error(problem: Exception) -> str:
    code = str(problem)
    if code.startswith("columns:"):
        return _("Missing columns: %(cols)s", cols=code.split(":", 1)[1])
    return str(FILE_ERRORS.get(code, FILE_ERRORS["xlsx"]))


@bp.route("/import", methods=["GET", "POST"])
def import_upload():
    form = ImportForm()
    if form.validate_on_submit():
        storage = request.files.get("file")
        try:
            if storage is None or not (storage.filename or "").lower().endswith(".xlsx"):
                raise ImportFileError("type")
            data = uploads.read_limited(
                storage.stream, current_app.config["UPLOAD_MAX_ATTACHMENT_BYTES"]
            )
            plan = imports.plan_import(*imports.read_workbook(data))
        except uploads.UploadError:
            attach_error(form, "file", _("The file is too large or empty."))
        except ImportFileError as problem:
            attach_error(form, "file", _file_error(problem))
        else:
            db.session.rollback()  # planning only reads; nothing may linger
            token = None
            if plan.ok:
                _prune_imports()
                token = secrets.token_urlsafe(24)
                write_private(make_private_dir(_import_dir()) / f"{token}.xlsx", data)
                session[SESSION_KEY] = token
            return render_template(
                "orgs/import.html",
                form=form,
                plan=plan,
                confirm=ImportConfirmForm(formdata=None, token=token),
            )
    return render_template("orgs/import.html", form=form, plan=None, confirm=None)


@bp.post("/import/confirm")
def import_confirm():
    confirm = ImportConfirmForm()
    path = _stored(confirm.token.data) if confirm.validate_on_submit() else None
    if path is None:
        flash(_("This dry run has expired: upload the file again."), "error")
        return redirect(url_for("staff.orgs.import_upload"))
    # Planned again from the kept file: the database may have changed since the dry run.
    plan = imports.plan_import(*imports.read_workbook(path.read_bytes()))
    if not plan.ok:
        db.session.rollback()
        return render_template("orgs/import.html", form=ImportForm(), plan=plan, confirm=None), 400
    issued = services.apply_import(plan, actor=current_user)
    db.session.commit()
    path.unlink(missing_ok=True)
    session.pop(SESSION_KEY, None)
    flash(
        _(
            "Imported: %(orgs)d organisations created, %(updated)d updated, "
            "%(accounts)d accounts created.",
            orgs=len(plan.orgs_created),
            updated=len(plan.orgs_updated),
            accounts=len(plan.accounts_created),
        ),
        "success",
    )
    return _passwords_page(issued)
