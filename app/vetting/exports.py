"""Excel export of the vetting queue; full ID numbers only on the logged staff option."""

from __future__ import annotations

from flask_babel import gettext as _

from app.core.labels import label
from app.core.spreadsheets import XlsxBook
from app.nominations.display import masked
from app.nominations.models import Nomination
from app.privacy import crypto
from app.programs.periods import period_label


def queue_workbook(nominations: list[Nomination], *, include_ids: bool) -> bytes:
    book = XlsxBook()
    sheet = book.sheet(_("Nominations"))
    sheet.append(
        [
            _("No."),
            _("Program"),
            _("Period"),
            _("Category"),
            _("Candidate"),
            _("Kind"),
            _("Gender"),
            _("Date of birth"),
            _("District"),
            _("Nominating unit"),
            _("Channel"),
            _("Status"),
            _("Headline"),
            _("Submitted"),
            _("ID card number"),
            _("Phone"),
        ]
    )
    for n in nominations:
        shown = masked(n)
        sheet.append(
            [
                n.id,
                n.cycle.program.name_zh,
                period_label(n.cycle.period),
                n.category.name_zh,
                n.name,
                n.kind.value,
                n.gender.value if n.gender else "",
                n.birth_date.isoformat() if n.birth_date else "",
                n.district.name if n.district else "",
                n.organisation.name,
                n.channel.value,
                label(n.state),
                n.headline,
                n.submitted_at.strftime("%Y-%m-%d %H:%M") if n.submitted_at else "",
                (crypto.decrypt(n.id_number_enc) or "") if include_ids else shown.id_number,
                (crypto.decrypt(n.phone_enc) or "") if include_ids else shown.phone,
            ]
        )
    return book.to_bytes()
