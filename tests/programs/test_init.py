"""`flask honors init`: the real catalogue from an empty database, the first administrator,
idempotence, and coexistence with `honors demo`."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts import passwords
from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.extensions import db
from app.nominations.models import Nomination
from app.orgs.models import Organisation
from app.programs.models import BallotRule, Cadence, Category, Cycle, Level, Program
from app.registry.models import Honor, Honoree
from tests import factories
from tests.conftest import login

CLASSIC = {"altruistic", "brave", "honest", "dedicated", "filial"}
YOUTH = {"diligent", "self_reliant", "public_spirited", "innovative"}

# code: (name_zh, level, cadence, external, has_nomination_award, categories)
EXPECTED_PROGRAMS = {
    "top_ten_citizens": ("十佳市民", Level.CITY, Cadence.MONTHLY, False, False, CLASSIC),
    "luohe_good": ("漯河好人", Level.CITY, Cadence.MONTHLY, False, False, CLASSIC),
    "good_youth": ("新时代好少年", Level.CITY, Cadence.QUARTERLY, False, False, YOUTH),
    "touching_luohe": ("感动漯河年度人物", Level.CITY, Cadence.ANNUAL, False, False, CLASSIC),
    "city_moral_model": ("漯河市道德模范", Level.CITY, Cadence.BIENNIAL, False, True, CLASSIC),
    "henan_good": ("河南好人榜", Level.PROVINCE, Cadence.IRREGULAR, True, False, CLASSIC),
    "henan_moral_model": ("河南省道德模范", Level.PROVINCE, Cadence.IRREGULAR, True, True, CLASSIC),
    "china_good": ("中国好人榜", Level.NATION, Cadence.IRREGULAR, True, False, CLASSIC),
    "national_moral_model": ("全国道德模范", Level.NATION, Cadence.IRREGULAR, True, True, CLASSIC),
    "national_good_youth": (
        "全国新时代好少年",
        Level.NATION,
        Cadence.IRREGULAR,
        True,
        False,
        YOUTH,
    ),
}

ADMIN_ARGS = ["--admin-username", "admin", "--admin-name", "管理员", "--admin-password"]
ADMIN_PASSWORD = "a-long-admin-password"  # noqa: S105 - test value


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def _init(runner, *args: str, input: str | None = None):
    result = runner.invoke(args=["honors", "init", *args], input=input)
    assert result.exit_code == 0, result.output
    return result


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_init_from_empty_database_creates_exactly_the_catalogue(app, runner):
    _init(runner, "--no-admin")
    with app.app_context():
        programs = {p.code: p for p in db.session.scalars(sa.select(Program))}
        seen = {
            code: (
                p.name_zh,
                p.level,
                p.cadence,
                p.external,
                p.has_nomination_award,
                {link.category.code for link in p.categories},
            )
            for code, p in programs.items()
        }
        assert seen == EXPECTED_PROGRAMS
        assert {c.name_zh for c in db.session.scalars(sa.select(Category))} >= {
            "助人为乐",
            "见义勇为",
            "诚实守信",
            "敬业奉献",
            "孝老爱亲",
        }
        assert [(p.code, p.notice_days) for p in programs.values() if p.notice_days != 7] == []
        assert programs["touching_luohe"].ballot_rule is BallotRule.SCORE
        assert sum(c["weight"] for c in programs["touching_luohe"].score_criteria) == 100
        assert (programs["good_youth"].age_min, programs["good_youth"].age_max) == (6, 18)
        assert {link.quota for link in programs["city_moral_model"].categories} == {2}
        assert {p.code: sorted(t.code for t in p.feeds) for p in programs.values() if p.feeds} == {
            "luohe_good": ["henan_good"],
            "good_youth": ["national_good_youth"],
            "city_moral_model": ["henan_moral_model"],
            "henan_good": ["china_good"],
            "henan_moral_model": ["national_moral_model"],
        }


def test_init_creates_no_people_accounts_orgs_or_cycles(app, runner):
    _init(runner, "--no-admin")
    with app.app_context():
        counts = {
            model.__name__: _count(model)
            for model in (User, Organisation, Honoree, Honor, Nomination, Cycle)
        }
    assert counts == dict.fromkeys(counts, 0)


def test_init_audits_each_program_and_category_it_creates(app, runner):
    _init(runner, "--no-admin")
    with app.app_context():
        actions = db.session.execute(
            sa.select(AuditEvent.action, sa.func.count()).group_by(AuditEvent.action)
        ).all()
    assert dict(actions) == {"program.created": 10, "category.created": 9}


def test_init_twice_changes_nothing(app, runner):
    _init(runner, *ADMIN_ARGS, ADMIN_PASSWORD)
    with app.app_context():
        before = _row_counts()
    again = _init(runner, *ADMIN_ARGS, ADMIN_PASSWORD)
    assert "catalogue already present; nothing changed" in again.output
    assert "an administrator exists; no account created" in again.output
    with app.app_context():
        assert _row_counts() == before


def test_init_again_keeps_an_edited_program(app, runner):
    _init(runner, "--no-admin")
    with app.app_context():
        program = db.session.scalar(sa.select(Program).where(Program.code == "luohe_good"))
        program.quota = 8
        program.notice_days = 10
        program.name_zh = "漯河好人榜"
        program.categories = [link for link in program.categories if link.category.code != "brave"]
        program.feeds = []
        db.session.commit()
    _init(runner, "--no-admin")
    with app.app_context():
        program = db.session.scalar(sa.select(Program).where(Program.code == "luohe_good"))
        assert (program.quota, program.notice_days, program.name_zh) == (8, 10, "漯河好人榜")
        assert {link.category.code for link in program.categories} == CLASSIC - {"brave"}
        assert program.feeds == []


def test_init_recreates_a_missing_program_only(app, runner):
    _init(runner, "--no-admin")
    with app.app_context():
        db.session.delete(
            db.session.scalar(sa.select(Program).where(Program.code == "national_good_youth"))
        )
        db.session.commit()
    result = _init(runner, "--no-admin")
    assert "programs 1" in result.output
    with app.app_context():
        assert _count(Program) == 10
        youth = db.session.scalar(sa.select(Program).where(Program.code == "national_good_youth"))
        assert {link.category.code for link in youth.categories} == YOUTH


def test_init_prompts_for_the_first_administrator(app, runner):
    result = _init(runner, input="Chief\n系统管理员\nlong-enough-secret\nlong-enough-secret\n")
    assert "created administrator chief" in result.output
    with app.app_context():
        users = db.session.scalars(sa.select(User)).all()
        assert [(u.username, u.display_name, u.roles) for u in users] == [
            ("chief", "系统管理员", {Role.ADMIN, Role.STAFF})
        ]
        assert passwords.verify_password(users[0].password_hash, "long-enough-secret")


def test_init_options_create_the_administrator_without_prompting(app, runner):
    result = _init(runner, *ADMIN_ARGS, ADMIN_PASSWORD, input="")
    assert "Username" not in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert (user.username, user.display_name, user.roles) == (
            "admin",
            "管理员",
            {Role.ADMIN, Role.STAFF},
        )


def test_init_does_not_prompt_when_an_admin_exists(app, runner):
    with app.app_context():
        factories.make_user(Role.ADMIN, username="existing")
    result = _init(runner, input="")
    assert "Username" not in result.output
    assert "an administrator exists; no account created" in result.output
    with app.app_context():
        assert list(db.session.scalars(sa.select(User.username))) == ["existing"]


def test_init_prompts_when_the_only_admin_is_deactivated(app, runner):
    with app.app_context():
        factories.make_user(Role.ADMIN, username="retired", is_active=False)
    result = _init(runner, input="chief\n\nlong-enough-secret\nlong-enough-secret\n")
    assert "created administrator chief" in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "chief"))
        assert (user.display_name, user.roles) == ("chief", {Role.ADMIN, Role.STAFF})


def test_init_refuses_a_short_password_and_keeps_the_catalogue(app, runner):
    result = runner.invoke(args=["honors", "init", *ADMIN_ARGS, "short"])
    assert result.exit_code == 1
    assert "password" in result.output
    with app.app_context():
        assert (_count(User), _count(Program)) == (0, 10)


def test_demo_after_init_loads(app, runner):
    _init(runner, "--no-admin")
    result = runner.invoke(args=["honors", "demo"])
    assert result.exit_code == 0, result.output
    loaded = result.output.split("demo data loaded: ")[1].strip().split(", ")
    kinds = {item.rsplit(" ", 1)[0] for item in loaded}
    assert {"programs", "categories", "program_categories", "program_feeds"} & kinds == set()
    assert {"organisations", "users", "honorees"} <= kinds
    with app.app_context():
        assert _count(Program) == 10
        assert db.session.scalar(sa.select(User).where(User.username == "demo-admin")) is not None


def test_init_after_demo_changes_nothing(app, runner):
    result = runner.invoke(args=["honors", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        before = _row_counts()
    again = _init(runner, input="")
    assert "catalogue already present; nothing changed" in again.output
    assert "an administrator exists; no account created" in again.output
    with app.app_context():
        assert _row_counts() == before


def test_init_admin_logs_in_and_sees_the_seeding_in_the_audit_log(app, runner, client):
    _init(runner, *ADMIN_ARGS, ADMIN_PASSWORD)
    assert login(client, "admin", ADMIN_PASSWORD).status_code == 302
    page = client.get("/staff/audit/?action=program.created")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count("<code>program.created</code>") == 10
