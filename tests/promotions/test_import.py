"""Historical import: 2,000 rows in, re-import changes nothing, one bad row writes nothing."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa
from openpyxl import Workbook

from app.accounts.models import Role
from app.extensions import db
from app.importer.services import COLUMNS
from app.orgs.models import OrgKind
from app.registry.models import Honor, Honoree
from tests import factories
from tests.conftest import csrf_token

HEADERS = [names[0] for names in COLUMNS.values()]


def _workbook(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rows(n: int):
    for i in range(n):
        year, month = 2010 + i // 200, i % 12 + 1
        yield [
            f"导入{i:04d}",
            "个人",
            "男" if i % 2 else "女",
            f"{1950 + i % 50}",
            "某单位",
            "源汇区",
            "luohe_good",
            f"{year}-{month:02d}",
            "",
            "",
            "助人为乐",
            "市",
            "",
            f"事迹标题{i}",
            "事迹正文",
        ]


def _setup(app):
    with app.app_context():
        factories.make_program(code="luohe_good")
        factories.make_org(name="源汇区", kind=OrgKind.DISTRICT, code="yuanhui")
        category = factories.make_category(code="altruistic", name_zh="助人为乐")
        return category.id


def _counts(app):
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count()).select_from(Honoree)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Honor)),
        )


def test_two_thousand_rows_then_reimport_changes_nothing(app, runner, tmp_path):
    _setup(app)
    path = tmp_path / "history.xlsx"
    path.write_bytes(_workbook(_rows(2000)))
    dry = runner.invoke(args=["honors", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would create 2000 honorees, 2000 honors" in dry.output
    assert _counts(app) == (0, 0)
    first = runner.invoke(args=["honors", "import", str(path)])
    assert first.exit_code == 0, first.output
    assert _counts(app) == (2000, 2000)
    again = runner.invoke(args=["honors", "import", str(path)])
    assert "created 0 honorees, 0 honors; 2000 already present" in again.output
    assert _counts(app) == (2000, 2000)


def test_one_bad_row_writes_nothing_and_is_reported(app, runner, tmp_path):
    _setup(app)
    rows = list(_rows(50))
    rows[36][6] = "不存在的项目"  # sheet row 38 (header is row 1)
    rows[36][3] = "1990-13-45"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(_workbook(rows))
    result = runner.invoke(args=["honors", "import", str(path)])
    assert result.exit_code != 0
    assert "row 38, 评选项目: 未知的评选项目“不存在的项目”" in result.output
    assert "row 38, 出生日期或年份" in result.output
    assert _counts(app) == (0, 0)


def test_csv_and_missing_columns(app, runner, tmp_path):
    _setup(app)
    path = tmp_path / "ok.csv"
    path.write_text(
        ",".join(HEADERS) + "\n" + ",".join(next(_rows(1))) + "\n", encoding="utf-8-sig"
    )
    assert runner.invoke(args=["honors", "import", str(path)]).exit_code == 0
    broken = tmp_path / "broken.csv"
    broken.write_text("姓名,事迹\n张三,好事\n", encoding="utf-8")
    result = runner.invoke(args=["honors", "import", str(broken)])
    assert result.exit_code != 0 and "评选项目" in result.output


def test_upload_page_checks_then_imports(app, login_as):
    _setup(app)
    staff = login_as(Role.STAFF)
    data = _workbook(_rows(3))
    token = csrf_token(staff, "/staff/import")
    check = staff.post(
        "/staff/import",
        data={"csrf_token": token, "mode": "check", "file": (io.BytesIO(data), "h.xlsx")},
        content_type="multipart/form-data",
    )
    assert check.status_code == 200 and "检查通过" in check.get_data(as_text=True)
    assert _counts(app) == (0, 0)
    done = staff.post(
        "/staff/import",
        data={"csrf_token": token, "mode": "import", "file": (io.BytesIO(data), "h.xlsx")},
        content_type="multipart/form-data",
    )
    html = done.get_data(as_text=True)  # the page streams: read it to the end
    assert done.status_code == 200 and "已导入" in html and "共 3 行" in html
    assert _counts(app) == (3, 3)
    bad = staff.post(
        "/staff/import",
        data={"csrf_token": token, "mode": "import", "file": (io.BytesIO(b"not excel"), "x.xlsx")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 200 and 'id="file-error"' in bad.get_data(as_text=True)
    assert login_as(Role.NOMINATOR).get("/staff/import").status_code == 403


def test_upload_page_shows_progress_for_long_files(app, login_as):
    _setup(app)
    staff = login_as(Role.STAFF)
    token = csrf_token(staff, "/staff/import")
    response = staff.post(
        "/staff/import",
        data={
            "csrf_token": token,
            "mode": "check",
            "file": (io.BytesIO(_workbook(_rows(1200))), "long.xlsx"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    progress = [int(n) for n in re.findall(r"已检查 (\d+) / 1200 行", html)]
    assert progress == [500, 1000, 1200]
    assert "检查通过" in html
