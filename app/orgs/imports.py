"""The organisation workbook: its template, reading it, and planning what it would change.

Sheet 1 lists organisations (编码, 名称, 类型, 上级编码), sheet 2 nominator accounts (用户名,
姓名, 组织编码, 邮箱, 电话); the template's third sheet explains the columns. Parents are
found by code across the whole file and the database, so rows may come in any order.
plan_import() only reads (one query for the organisations, one for the named accounts);
services.apply_import() writes a plan that has no errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role, User
from app.accounts.services import USERNAME_RE, normalize_username
from app.core import sheet_reading as reading
from app.core.sheet_reading import LINE_BREAKING_CHARS
from app.core.spreadsheets import XlsxBook
from app.extensions import db
from app.orgs.labels import KIND_WORDS
from app.orgs.models import ALLOWED_PARENTS, Organisation, OrgKind
from app.orgs.services import CODE_RE, normalize_code

ORG_SHEET = "组织"
ACCOUNT_SHEET = "账号"
ORG_COLUMNS = {
    "code": ("编码", "code"),
    "name": ("名称", "name"),
    "kind": ("类型", "kind"),
    "parent": ("上级编码", "parent code", "parent"),
}
ACCOUNT_COLUMNS = {
    "username": ("用户名", "username"),
    "display_name": ("姓名", "display name"),
    "org": ("组织编码", "organisation code"),
    "email": ("邮箱", "email"),
    "phone": ("电话", "phone"),
}
ORG_REQUIRED = ("code", "name", "kind", "parent")
ACCOUNT_REQUIRED = ("username", "display_name", "org")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^[0-9+\- ]{5,30}$")

EXPLANATION = [
    ("工作表", "列", "说明"),
    (ORG_SHEET, "编码", "必填。组织的唯一编码：2–40 位小写字母、数字或短横线，如 yh-mafeng。"),
    (ORG_SHEET, "名称", "必填。组织全称，最多 100 字；同一上级下不能重名。"),
    (ORG_SHEET, "类型", "必填。市、区县、乡镇街道、村社区、单位、学校、媒体、文明办之一。"),
    (
        ORG_SHEET,
        "上级编码",
        "上级组织的编码（市级组织留空）。上级可以写在本文件的任意一行，也可以是系统中已有的组织。"
        "区县在市下；乡镇街道在区县下；村社区在乡镇街道下；单位、学校在市、区县或乡镇街道下；"
        "媒体、文明办在市或区县下。",
    ),
    (ACCOUNT_SHEET, "用户名", "必填。登录名：3–40 位小写字母、数字、点、短横线或下划线。"),
    (ACCOUNT_SHEET, "姓名", "必填。账号使用人的姓名，最多 60 字。"),
    (ACCOUNT_SHEET, "组织编码", "必填。账号所属推荐单位的编码（本文件或系统中已有）。"),
    (ACCOUNT_SHEET, "邮箱", "选填。接收通知的电子邮箱。"),
    (ACCOUNT_SHEET, "电话", "选填。联系电话。"),
    (
        "导入",
        "",
        "先上传预检，页面列出将新建、将修改的行和每一行的错误；确认后一次全部导入，"
        "有任何错误则什么都不写入。重复导入同一文件不会重复创建。新账号的初始密码只在导入后"
        "显示一次，请按单位打印分发；首次登录必须修改密码。",
    ),
]


def build_template() -> bytes:
    """The empty workbook offered for download: two header rows and the explanation."""
    book = XlsxBook()
    book.sheet(ORG_SHEET).append([names[0] for names in ORG_COLUMNS.values()])
    book.sheet(ACCOUNT_SHEET).append([names[0] for names in ACCOUNT_COLUMNS.values()])
    explanation = book.sheet("说明")
    for line in EXPLANATION:
        explanation.append(line)
    return book.to_bytes()


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: object


@dataclass(frozen=True)
class OrgRow:
    row: int
    code: str
    name: str
    kind: OrgKind | None
    parent_code: str


@dataclass(frozen=True)
class AccountRow:
    row: int
    username: str
    display_name: str
    org_code: str
    email: str
    phone: str


@dataclass
class ImportPlan:
    orgs_created: list[OrgRow] = field(default_factory=list)
    orgs_updated: list[tuple[OrgRow, dict]] = field(default_factory=list)
    orgs_unchanged: int = 0
    accounts_created: list[AccountRow] = field(default_factory=list)
    accounts_updated: list[tuple[AccountRow, dict]] = field(default_factory=list)
    accounts_unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # What the plan was made against (loaded once), for apply_import.
    existing_orgs: dict[str, Organisation] = field(default_factory=dict)
    existing_users: dict[str, User] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes(self) -> int:
        return (
            len(self.orgs_created)
            + len(self.orgs_updated)
            + len(self.accounts_created)
            + len(self.accounts_updated)
        )


def read_workbook(data: bytes) -> tuple[list[OrgRow], list[AccountRow]]:
    """The rows of both sheets, through the bounded reader. File-level problems raise
    ImportFileError; a bad value in a row is left for plan_import() to report."""
    org_rows = [
        OrgRow(
            number,
            normalize_code(r["code"]),
            r["name"],
            KIND_WORDS.get(r["kind"]) or KIND_WORDS.get(r["kind"].lower()),
            normalize_code(r.get("parent", "")),
        )
        for number, r in reading.records(
            reading.xlsx_table(data, 0), ORG_COLUMNS, ORG_REQUIRED, strip=LINE_BREAKING_CHARS
        )
    ]
    account_rows = [
        AccountRow(
            number,
            normalize_username(r["username"]),
            r["display_name"],
            normalize_code(r["org"]),
            r.get("email", ""),
            r.get("phone", ""),
        )
        for number, r in reading.records(
            reading.xlsx_table(data, 1),
            ACCOUNT_COLUMNS,
            ACCOUNT_REQUIRED,
            strip=LINE_BREAKING_CHARS,
            optional=True,
        )
    ]
    return org_rows, account_rows


def plan_import(org_rows: list[OrgRow], account_rows: list[AccountRow]) -> ImportPlan:
    """What importing these rows would create and change, and every row error."""
    plan = ImportPlan()
    existing = {o.code: o for o in db.session.scalars(sa.select(Organisation))}
    plan.existing_orgs = existing
    code_of = {o.id: o.code for o in existing.values()}
    _plan_orgs(plan, org_rows, existing, code_of)
    _plan_accounts(plan, account_rows, {r.code for r in org_rows}, existing)
    plan.errors.sort(key=lambda e: (e.sheet != ORG_SHEET, e.row))
    return plan


def _plan_orgs(plan: ImportPlan, rows: list[OrgRow], existing: dict, code_of: dict) -> None:
    col = {key: names[0] for key, names in ORG_COLUMNS.items()}

    def fail(row: OrgRow, key: str, message) -> None:
        plan.errors.append(RowError(ORG_SHEET, row.row, col[key], message))

    in_file: dict[str, OrgRow] = {}
    for row in rows:
        if not CODE_RE.match(row.code):
            fail(row, "code", _l("2–40 characters: lower-case letters, digits or dashes."))
        elif row.code in in_file:
            fail(row, "code", _l("This code is already on row %(n)d.", n=in_file[row.code].row))
        else:
            in_file[row.code] = row
        if not row.name:
            fail(row, "name", _l("This field is required."))
        elif len(row.name) > 100:
            fail(row, "name", _l("At most %(n)d characters.", n=100))
        if row.kind is None:
            fail(row, "kind", _l("Unknown kind: use one of the kinds the template lists."))

    def kind_of(code: str) -> OrgKind | None:
        return in_file[code].kind if code in in_file else existing[code].kind

    effective_parent = {code: code_of.get(o.parent_id, "") for code, o in existing.items()}
    effective_parent |= {code: row.parent_code for code, row in in_file.items()}
    for code, row in in_file.items():
        if row.kind is None:
            continue
        old = existing.get(code)
        if old is not None and old.kind is not row.kind:
            fail(row, "kind", _l("An imported organisation cannot change its kind."))
        if old is not None and not old.is_active:
            fail(row, "code", _l("This organisation is deactivated."))
        allowed = ALLOWED_PARENTS[row.kind]
        parent = row.parent_code
        if not parent:
            if allowed:
                fail(row, "parent", _l("This kind of organisation needs a parent."))
            continue
        if parent not in in_file and parent not in existing:
            fail(row, "parent", _l("No organisation has this code, here or in the registry."))
        elif parent == code or _in_cycle(code, effective_parent):
            fail(row, "parent", _l("An organisation cannot be placed under itself."))
        elif kind_of(parent) not in allowed:
            fail(row, "parent", _l("This kind of organisation cannot be placed there."))
        elif parent not in in_file and not existing[parent].is_active:
            fail(row, "parent", _l("This organisation is deactivated."))
    names: dict[tuple[str, str], int] = {}
    for code, o in existing.items():
        if code not in in_file and effective_parent[code]:
            key = (effective_parent[code], o.name)
            names[key] = names.get(key, 0) + 1
    for row in in_file.values():
        if row.parent_code and row.name:
            key = (row.parent_code, row.name)
            names[key] = names.get(key, 0) + 1
    for code, row in in_file.items():
        if row.parent_code and names.get((row.parent_code, row.name), 0) > 1:
            fail(row, "name", _l("The parent already has an organisation of this name."))
        old = existing.get(code)
        if old is None:
            plan.orgs_created.append(row)
            continue
        changes = {}
        if old.name != row.name:
            changes["name"] = (old.name, row.name)
        if code_of.get(old.parent_id, "") != row.parent_code:
            changes["parent"] = (code_of.get(old.parent_id, ""), row.parent_code)
        if changes:
            plan.orgs_updated.append((row, changes))
        else:
            plan.orgs_unchanged += 1


def _in_cycle(code: str, parent_of: dict[str, str]) -> bool:
    """Whether walking up from `code` comes back to it (a loop above it is its own row's)."""
    seen: set[str] = set()
    current = parent_of.get(code, "")
    while current and current not in seen:
        if current == code:
            return True
        seen.add(current)
        current = parent_of.get(current, "")
    return False


def _plan_accounts(
    plan: ImportPlan, rows: list[AccountRow], file_codes: set[str], existing: dict
) -> None:
    col = {key: names[0] for key, names in ACCOUNT_COLUMNS.items()}

    def fail(row: AccountRow, key: str, message) -> None:
        plan.errors.append(RowError(ACCOUNT_SHEET, row.row, col[key], message))

    usernames = sorted({r.username for r in rows})
    users = {
        u.username: u
        for u in db.session.scalars(sa.select(User).where(User.username.in_(usernames)))
    }
    plan.existing_users = users
    code_of = {o.id: o.code for o in existing.values()}
    seen: dict[str, int] = {}
    for row in rows:
        if not USERNAME_RE.match(row.username):
            fail(
                row,
                "username",
                _l("3–40 characters: lower-case letters, digits, dot, dash or underscore."),
            )
        elif row.username in seen:
            fail(
                row, "username", _l("This username is already on row %(n)d.", n=seen[row.username])
            )
        else:
            seen[row.username] = row.row
        if not row.display_name:
            fail(row, "display_name", _l("This field is required."))
        elif len(row.display_name) > 60:
            fail(row, "display_name", _l("At most %(n)d characters.", n=60))
        if row.org_code not in file_codes and row.org_code not in existing:
            fail(row, "org", _l("No organisation has this code, here or in the registry."))
        elif row.org_code in existing and not existing[row.org_code].is_active:
            fail(row, "org", _l("This organisation is deactivated."))
        if row.email and (len(row.email) > 120 or not EMAIL_RE.match(row.email)):
            fail(row, "email", _l("Not a valid email address."))
        if row.phone and not PHONE_RE.match(row.phone):
            fail(row, "phone", _l("Not a valid phone number."))
        user = users.get(row.username)
        if user is None:
            plan.accounts_created.append(row)
            continue
        if Role.NOMINATOR not in user.roles:
            fail(
                row, "username", _l("This username belongs to an account that is not a nominator.")
            )
            continue
        changes = {}
        if user.display_name != row.display_name:
            changes["display_name"] = (user.display_name, row.display_name)
        if code_of.get(user.organisation_id, "") != row.org_code:
            changes["org"] = (code_of.get(user.organisation_id, ""), row.org_code)
        if row.email and user.email != row.email:
            changes["email"] = (user.email, row.email)
        if row.phone and user.phone != row.phone:
            changes["phone"] = (user.phone, row.phone)
        if changes:
            plan.accounts_updated.append((row, changes))
        else:
            plan.accounts_unchanged += 1
