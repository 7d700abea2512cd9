"""Staff upload page for the historical import (dry run first, then import)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    stream_template,
    stream_with_context,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core import uploads
from app.core.forms import EmptyForm
from app.core.sheet_reading import FILE_ERRORS
from app.extensions import db
from app.importer import services
from app.importer.forms import ImportForm

bp = Blueprint("importer", __name__)


@bp.route("/import", methods=["GET", "POST"])
def upload():
    result = error = None
    form = ImportForm()
    if request.method == "POST" and form.validate_on_submit():
        storage = request.files.get("file")
        try:
            if storage is None or not storage.filename:
                raise services.ImportFileError("type")
            data = uploads.read_limited(
                storage.stream, current_app.config["UPLOAD_MAX_ATTACHMENT_BYTES"]
            )
            rows = services.read_rows(data, storage.filename)
            return _stream(rows, dry_run=form.dry_run)
        except uploads.UploadError:
            error = _("The file is too large or empty.")
        except services.ImportFileError as problem:
            code = str(problem)
            if code.startswith("columns:"):
                error = _("Missing columns: %(cols)s", cols=code.split(":", 1)[1])
            else:
                error = str(FILE_ERRORS.get(code, _l("The file cannot be read.")))
    return render_template("importer/upload.html", result=result, error=error, form=EmptyForm())


def _stream(rows, *, dry_run: bool) -> Response:
    """Stream the page: a progress line every few hundred rows, then the result."""
    outcome: dict[str, services.ImportResult] = {}

    def progress():
        done = 0
        for event in services.iter_import(rows, dry_run=dry_run, actor=current_user):
            if isinstance(event, services.ImportResult):
                if event.ok and not dry_run:
                    db.session.commit()
                else:
                    db.session.rollback()
                outcome["result"] = event
                return
            done += event
            yield done

    return Response(
        stream_with_context(
            stream_template(
                "importer/upload.html",
                progress=progress(),
                total=len(rows),
                error=None,
                finish=lambda: outcome.get("result"),
                form=EmptyForm(),
            )
        )
    )
