"""Importing the organisation tree and nominator accounts from one workbook."""

from __future__ import annotations

import io
import time

import sqlalchemy as sa
from openpyxl import load_workbook

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.extensions import db
from app.orgs.imports import build_template, plan_import, read_workbook
from app.orgs.models import Organisation, OrgKind
from tests.orgs.support import PASSWORD_RE, confirm, dry_run, import_file, small_tree, workbook


def _codes(app) -> dict[str, Organisation]:
    with app.app_context():
        orgs = db.session.scalars(sa.select(Organisation)).all()
        return {o.code: (o.name, o.kind, o.parent_id, o.district_id, o.id) for o in orgs}


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_template_has_both_header_rows_and_an_explanation_sheet(ctx):
    orgs, accounts = read_workbook(build_template())
    assert (orgs, accounts) == ([], [])
    book = load_workbook(io.BytesIO(build_template()), read_only=True)
    assert book.sheetnames == ["组织", "账号", "说明"]
    header = next(book["组织"].iter_rows(values_only=True))
    assert list(header) == ["编码", "名称", "类型", "上级编码"]
    assert next(book["账号"].iter_rows(values_only=True))[:3] == ("用户名", "姓名", "组织编码")


def test_template_download_is_an_xlsx(login_as):
    response = login_as(Role.STAFF).get("/staff/organisations/import/template.xlsx")
    assert response.status_code == 200
    assert response.data[:2] == b"PK"


def test_dry_run_writes_nothing_and_lists_what_it_would_create(app, login_as):
    staff = login_as(Role.STAFF)
    data = workbook(small_tree(), [("mf-ss-1", "张三", "lh-yh-mf-ss", "", "")])
    response = dry_run(staff, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "5 to create, 0 to update, 0 unchanged" in html
    assert _count(app, Organisation) == 0
    assert _count(app, User) == 1  # the staff member only
    assert 'name="token"' in html


def test_import_creates_tree_with_parents_after_children_and_districts(app, login_as):
    staff = login_as(Role.STAFF)
    response = import_file(staff, workbook(small_tree()))
    assert response.status_code == 200
    orgs = _codes(app)
    district_id = orgs["lh-yh"][4]
    assert orgs["lh-yh-mf-ss"][2] == orgs["lh-yh-mf"][4]
    assert orgs["lh-yh-mf-ss"][3] == district_id
    assert orgs["lh-yh-mf"][3] == district_id
    assert orgs["lh-yh"][3] == district_id
    assert orgs["lh-school-1"][1] is OrgKind.SCHOOL
    assert orgs["lh"][2] is None


def test_row_errors_are_reported_with_sheet_row_and_column(app, login_as):
    staff = login_as(Role.STAFF)
    rows = [
        *small_tree(),
        ("lh-yh-bad", "错误社区", "村社区", "lh-yh"),  # row 7: a community under a district
        ("lh-yh-mf", "重复", "乡镇街道", "lh-yh"),  # row 8: duplicate code
        ("BAD CODE", "坏编码", "单位", "lh"),  # row 9
        ("lh-x", "未知上级", "单位", "nowhere"),  # row 10
        ("lh-y", "未知类型", "星球", "lh"),  # row 11
    ]
    accounts = [("ok-user", "张三", "lh-yh-mf-ss", "", ""), ("x", "", "missing", "bad", "")]
    with app.app_context():
        plan = plan_import(*read_workbook(workbook(rows, accounts)))
        found = [(e.sheet, e.row, e.column) for e in plan.errors]
    assert found == [
        ("组织", 7, "上级编码"),
        ("组织", 8, "编码"),
        ("组织", 9, "编码"),
        ("组织", 10, "上级编码"),
        ("组织", 11, "类型"),
        ("账号", 3, "用户名"),
        ("账号", 3, "姓名"),
        ("账号", 3, "组织编码"),
        ("账号", 3, "邮箱"),
    ]
    html = dry_run(staff, workbook(rows, accounts)).get_data(as_text=True)
    assert 'name="token"' not in html
    assert "<td>组织</td><td>7</td><td>上级编码</td>" in html


def test_one_bad_row_writes_nothing(app, login_as):
    staff = login_as(Role.STAFF)
    rows = [*small_tree(), ("lh-z", "无上级单位", "单位", "")]
    response = dry_run(staff, workbook(rows, [("mf-ss-1", "张三", "lh-yh-mf-ss", "", "")]))
    assert 'name="token"' not in response.get_data(as_text=True)
    assert _count(app, Organisation) == 0
    assert _count(app, User) == 1


def test_confirm_with_a_forged_token_imports_nothing(app, login_as):
    staff = login_as(Role.STAFF)
    forged = '<input name="token" value="A' + "b" * 30 + '">'
    response = confirm(staff, forged)
    assert response.status_code == 302
    assert _count(app, Organisation) == 0


def test_reimporting_the_same_file_changes_nothing(app, login_as):
    staff = login_as(Role.STAFF)
    data = workbook(small_tree(), [("mf-ss-1", "张三", "lh-yh-mf-ss", "a@example.cn", "")])
    import_file(staff, data)
    before = _codes(app)
    with app.app_context():
        hash_before = db.session.scalar(
            sa.select(User.password_hash).where(User.username == "mf-ss-1")
        )
    html = dry_run(staff, data).get_data(as_text=True)
    assert (
        "Everything in this file is already in the registry." in html or 'name="token"' not in html
    )
    with app.app_context():
        plan = plan_import(*read_workbook(data))
        assert (len(plan.orgs_created), len(plan.accounts_created), plan.changes) == (0, 0, 0)
        assert (plan.orgs_unchanged, plan.accounts_unchanged) == (5, 1)
        assert (
            db.session.scalar(sa.select(User.password_hash).where(User.username == "mf-ss-1"))
            == hash_before
        )
    assert _codes(app) == before


def test_reimport_with_a_renamed_unit_updates_it(app, login_as):
    staff = login_as(Role.STAFF)
    import_file(staff, workbook(small_tree()))
    renamed = [(c, "顺山村" if c == "lh-yh-mf-ss" else n, k, p) for c, n, k, p in small_tree()]
    with app.app_context():
        plan = plan_import(*read_workbook(workbook(renamed)))
        assert [r.code for r, _c in plan.orgs_updated] == ["lh-yh-mf-ss"]
    import_file(staff, workbook(renamed))
    assert _codes(app)["lh-yh-mf-ss"][0] == "顺山村"


def test_reimport_swapping_two_sibling_names_renames_both(app, login_as):
    staff = login_as(Role.STAFF)
    tree = [*small_tree(), ("lh-yh-mf-dj", "东街社区", "村社区", "lh-yh-mf")]
    import_file(staff, workbook(tree))
    swap = {"顺山社区": "东街社区", "东街社区": "顺山社区"}
    swapped = [(c, swap.get(n, n), k, p) for c, n, k, p in tree]
    response = import_file(staff, workbook(swapped))
    assert response.status_code == 200
    codes = _codes(app)
    assert (codes["lh-yh-mf-ss"][0], codes["lh-yh-mf-dj"][0]) == ("东街社区", "顺山社区")


def test_import_of_2000_orgs_and_500_accounts_is_fast_and_audited(app, login_as):
    staff = login_as(Role.STAFF)
    rows = [("lh", "漯河市", "市", "")]
    accounts = []
    for d in range(4):
        rows.append((f"d{d}", f"区{d}", "区县", "lh"))
        for t in range(20):
            rows.append((f"d{d}-t{t}", f"街道{t}", "乡镇街道", f"d{d}"))
            for c in range(24):
                code = f"d{d}-t{t}-c{c}"
                rows.append((code, f"社区{c}", "村社区", f"d{d}-t{t}"))
                if len(accounts) < 500:
                    accounts.append((f"u{d}-{t}-{c}", f"推荐人{c}", code, "", "13800000000"))
    rows.reverse()  # every child before its parent
    assert len(rows) >= 2000
    data = workbook(rows, accounts)
    started = time.monotonic()
    response = import_file(staff, data)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert len(PASSWORD_RE.findall(response.get_data(as_text=True))) == 500
    assert _count(app, Organisation) == len(rows)
    assert _count(app, User) == 501
    assert elapsed < 60, elapsed
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "organisations.imported")
        )
        assert len(event.after["orgs_created"]) == len(rows)
        assert len(event.after["accounts_created"]) == 500
        community = db.session.scalar(
            sa.select(Organisation).where(Organisation.code == "d3-t19-c23")
        )
        assert community.district.code == "d3"
        plan = plan_import(*read_workbook(data))
        assert plan.changes == 0


def test_cycle_in_the_file_is_a_row_error(app):
    rows = [
        ("lh", "漯河市", "市", ""),
        ("lh-a", "甲单位", "单位", "lh-b"),
        ("lh-b", "乙单位", "单位", "lh-a"),
    ]
    with app.app_context():
        plan = plan_import(*read_workbook(workbook(rows)))
    found = [(e.row, e.column) for e in plan.errors]
    assert (3, "上级编码") in found and (4, "上级编码") in found


def test_upload_that_is_not_an_xlsx_is_refused_next_to_the_file_field(app, login_as):
    staff = login_as(Role.STAFF)
    response = dry_run(staff, b"code,name\nx,y\n", filename="orgs.csv")
    assert 'id="file-error"' in response.get_data(as_text=True)
    response = dry_run(staff, b"not a zip", filename="orgs.xlsx")
    assert "The Excel file cannot be read." in response.get_data(as_text=True)
    assert _count(app, Organisation) == 0


def test_missing_column_is_reported_by_name(login_as):
    staff = login_as(Role.STAFF)
    book = workbook([])
    wb = load_workbook(io.BytesIO(book))
    wb["组织"].delete_cols(4)
    buffer = io.BytesIO()
    wb.save(buffer)
    html = dry_run(staff, buffer.getvalue()).get_data(as_text=True)
    assert "Missing columns: 上级编码" in html
