"""Helpers for the organisation tests: workbooks built in memory, the upload and confirm."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook

from tests.conftest import csrf_token

ORG_HEADER = ["编码", "名称", "类型", "上级编码"]
ACCOUNT_HEADER = ["用户名", "姓名", "组织编码", "邮箱", "电话"]
TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')
PASSWORD_RE = re.compile(r'class="initial-password">([^<]+)<')


def workbook(orgs, accounts=()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "组织"
    sheet.append(ORG_HEADER)
    for row in orgs:
        sheet.append(list(row))
    accounts_sheet = book.create_sheet("账号")
    accounts_sheet.append(ACCOUNT_HEADER)
    for row in accounts:
        accounts_sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def dry_run(client, data: bytes, filename: str = "orgs.xlsx"):
    """The dry run page, in English (the lang cookie is set) so tests read its words."""
    token = csrf_token(client, "/staff/organisations/import?lang=en")
    return client.post(
        "/staff/organisations/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def confirm(client, dry_run_html: str):
    match = TOKEN_RE.search(dry_run_html)
    assert match, "no confirm form on the dry run page"
    token = csrf_token(client, "/staff/organisations/import")
    return client.post(
        "/staff/organisations/import/confirm",
        data={"csrf_token": token, "token": match.group(1)},
    )


def import_file(client, data: bytes):
    """Dry run then confirm; the response of the confirm (the passwords page)."""
    first = dry_run(client, data)
    assert first.status_code == 200
    return confirm(client, first.get_data(as_text=True))


def small_tree():
    """A city, a district, a township and a community; the community comes first."""
    return [
        ("lh-yh-mf-ss", "顺山社区", "村社区", "lh-yh-mf"),
        ("lh", "漯河市", "市", ""),
        ("lh-yh", "源汇区", "区县", "lh"),
        ("lh-yh-mf", "马路街街道", "乡镇街道", "lh-yh"),
        ("lh-school-1", "漯河市第一中学", "学校", "lh"),
    ]
