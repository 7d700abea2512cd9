"""Excel export of the results: per-candidate totals only, never an individual ballot."""

from __future__ import annotations

from flask_babel import gettext as _

from app.core.spreadsheets import XlsxBook
from app.programs.periods import period_label_zh


def results_workbook(cycle, outcome, names: dict[int, str]) -> bytes:
    book = XlsxBook()
    sheet = book.sheet(_("Results"))
    main = outcome.main
    sheet.append([f"{cycle.program.name_zh} {period_label_zh(cycle.period)}"])
    sheet.append(
        [
            _("Roster"),
            main.roster_size,
            _("Ballots cast"),
            main.ballots_cast,
            _("Quorum"),
            main.quorum_needed,
        ]
    )
    sheet.append([])
    sheet.append(
        [
            _("Rank"),
            _("Candidate"),
            _("Approvals"),
            _("Mean score"),
            _("Eligible ballots"),
            _("Recusals"),
            _("Committee share"),
            _("Public share"),
            _("Combined"),
            _("Above threshold"),
            _("Outcome"),
        ]
    )
    for row in main.rows:
        sheet.append(
            [
                row.rank,
                names.get(row.candidate_id, str(row.candidate_id)),
                row.approvals,
                float(row.mean_score) if row.mean_score is not None else None,
                row.eligible_ballots,
                row.recusals,
                float(row.committee_share),
                float(row.public_share),
                float(row.combined),
                row.above_threshold,
                str(row.outcome.label),
            ]
        )
    for runoff, result in outcome.rounds:
        if result is None:  # an open runoff has no figures yet
            continue
        sheet.append([])
        sheet.append([_("Runoff %(n)d", n=runoff.round), _("places"), runoff.places])
        for row in result.rows:
            sheet.append([row.rank, names.get(row.candidate_id), row.approvals])
    return book.to_bytes()
