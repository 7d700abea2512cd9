"""The site's frame from settings: name, issuing office, government-site identifiers, the
supervision contact on /notice, the demo disclaimer, and period labels on public pages."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from app.core.public_data import bump as bump_public_version
from app.demo import data as demo_data
from app.extensions import db
from app.programs.models import Cadence
from app.programs.periods import period_label, period_label_zh
from app.programs.workflow import CyclePhase
from tests import factories
from tests.conftest import make_test_app

SETTINGS = {
    "SITE_NAME": "Yancheng Good People",
    "SITE_ISSUER": "Yancheng Civilization Office",
    "GOV_SITE_CODE": "4111000001",
    "ICP_NUMBER": "豫ICP备12345678号-1",
    "PSB_NUMBER": "豫公网安备41110202000123号",
    "SUPERVISION_PHONE": "0395-3100000",
    "SUPERVISION_ADDRESS": "Renmin Road 1, Luohe",
}


@pytest.fixture(scope="module")
def configured_app(tmp_path_factory):
    app = make_test_app(tmp_path_factory, **SETTINGS)
    with app.app_context():
        db.create_all()
    return app


def test_footer_shows_configured_name_issuer_and_identifiers(configured_app):
    html = configured_app.test_client().get("/?lang=en").get_data(as_text=True)

    assert "<title>Home · Yancheng Good People</title>" in html
    assert '<span class="brand-name">Yancheng Good People</span>' in html
    assert "Issued by: Yancheng Civilization Office" in html
    assert "Site identifier: 4111000001" in html
    assert (
        '<a href="https://beian.miit.gov.cn/" rel="noopener" target="_blank">'
        "豫ICP备12345678号-1</a>" in html
    )
    assert (
        '<a href="https://beian.mps.gov.cn/#/query/webSearch?code=41110202000123" '
        'rel="noopener" target="_blank">豫公网安备41110202000123号</a>' in html
    )


def test_footer_without_settings_has_default_name_and_no_identifiers(client):
    html = client.get("/?lang=en").get_data(as_text=True)

    assert "<title>Home · Luohe Honor Registry</title>" in html
    assert "Issued by: Luohe Municipal Civilization Office" in html
    assert 'class="footer-ids"' not in html
    assert "Site identifier" not in html
    assert "beian.miit.gov.cn" not in html
    assert "beian.mps.gov.cn" not in html


def test_notice_shows_configured_supervision_phone_and_address(configured_app):
    html = configured_app.test_client().get("/notice?lang=en").get_data(as_text=True)

    assert "Supervision phone: 0395-3100000" in html
    assert "Address: Renmin Road 1, Luohe" in html


def test_notice_without_settings_shows_no_supervision_contact(client):
    html = client.get("/notice?lang=en").get_data(as_text=True)

    assert "Supervision phone" not in html
    assert 'class="notice-supervision"' not in html


def test_demo_marker_is_the_demo_loaders_first_account():
    from app.demo.marker import DEMO_MARKER_USERNAME

    assert demo_data.USERS[0][0] == DEMO_MARKER_USERNAME


def test_demo_disclaimer_absent_without_demo_data(client):
    html = client.get("/?lang=en").get_data(as_text=True)

    assert "All demo names and stories are fictional." not in html


def test_demo_disclaimer_present_once_demo_data_is_loaded(app, client):
    assert "demo-disclaimer" not in client.get("/?lang=en").get_data(as_text=True)
    with app.app_context():
        factories.make_user(username="demo-admin")
        bump_public_version()  # as the demo loader does
        db.session.commit()

    html = client.get("/?lang=en").get_data(as_text=True)

    assert '<p class="muted demo-disclaimer">All demo names and stories are fictional.</p>' in html


@pytest.mark.parametrize(
    ("period", "english"),
    [
        ("2026-11", "November 2026"),
        ("2026-01", "January 2026"),
        ("2026-Q3", "Q3 2026"),
        ("2026", "2026"),
        ("2025-2026", "2025–2026"),
        ("2026年第1批", "2026年第1批"),
        ("", ""),
    ],
)
def test_period_label_in_english(app, period, english):
    with app.test_request_context(), force_locale("en"):
        assert period_label(period) == english


def test_period_label_zh_is_chinese_on_an_english_page(app):
    with app.test_request_context(), force_locale("en"):
        assert period_label_zh("2026-11") == "2026年11月"


def _cadence_honors(app) -> str:
    """One honoree with a monthly, quarterly, annual and biennial honor; returns its slug."""
    with app.app_context():
        honoree = factories.make_honoree(name="王测试")
        for cadence, period in [
            (Cadence.MONTHLY, "2026-11"),
            (Cadence.QUARTERLY, "2026-Q3"),
            (Cadence.ANNUAL, "2025"),
            (Cadence.BIENNIAL, "2023-2024"),
        ]:
            factories.make_honor(honoree, factories.make_program(cadence=cadence), period=period)
        bump_public_version()
        db.session.commit()
        return honoree.slug


@pytest.mark.parametrize("page", ["/roll", "/honorees/{slug}"])
def test_roll_and_honoree_page_show_period_labels_in_english(app, client, page):
    slug = _cadence_honors(app)

    html = client.get(page.format(slug=slug) + "?lang=en").get_data(as_text=True)

    for text in ("November 2026", "Q3 2026", "2025", "2023–2024"):
        assert text in html, text
    assert "2026-11" not in html
    assert "2026-Q3" not in html


@pytest.mark.parametrize("page", ["/roll", "/honorees/{slug}"])
def test_roll_and_honoree_page_show_no_period_codes_in_chinese(app, client, page):
    slug = _cadence_honors(app)

    html = client.get(page.format(slug=slug) + "?lang=zh").get_data(as_text=True)

    assert "2026年11月" in html
    assert "2026-11" not in html
    assert "2026-Q3" not in html
    assert "2023-2024" not in html


@pytest.mark.parametrize(
    ("period", "english"),
    [("2026-11", "November 2026"), ("2026-Q3", "Q3 2026"), ("2026", "2026")],
)
def test_notice_heading_shows_period_label(app, client, period, english):
    with app.app_context():
        cycle = factories.make_cycle(period=period, state=CyclePhase.NOTICE)
        program = cycle.program.name_en

    en = client.get("/notice?lang=en").get_data(as_text=True)
    zh = client.get("/notice?lang=zh").get_data(as_text=True)

    assert f"{program} · {english}</h2>" in en
    if period == "2026-11":  # CLDR's; the others come with the catalog
        assert " · 2026年11月</h2>" in zh


def test_feed_title_uses_configured_site_name(configured_app):
    feed = configured_app.test_client().get("/feed.atom").get_data(as_text=True)

    assert "<title>Yancheng Good People · 最新上榜</title>" in feed


def test_feed_entry_titles_show_no_period_codes(app, client):
    _cadence_honors(app)

    feed = client.get("/feed.atom").get_data(as_text=True)

    assert feed.count("<title>王测试：") == 4
    assert "2026年11月</title>" in feed
    assert "2026-11" not in feed
    assert "2026-Q3" not in feed


def test_ballot_reminder_subject_names_the_period_label(app):
    import sqlalchemy as sa

    from app.committee import ballots
    from app.notifications.models import Notification
    from app.programs.models import Cycle
    from tests.committee.conftest import build

    with app.test_request_context(), force_locale("en"):
        setup = build(members=2, candidates=2, quota=1)
        cycle = db.session.get(Cycle, setup.cycle_id)
        program = cycle.program.name_zh
        assert ballots.remind_non_voters(cycle, actor=None) == 2
        db.session.commit()
        subjects = set(db.session.scalars(sa.select(Notification.subject)))
        db.session.remove()

    assert subjects == {f"Reminder: your ballot for {program} November 2026 is awaited"}


def test_certificate_names_the_configured_issuer_and_no_period_code(configured_app):
    import io

    import pypdf

    with configured_app.app_context():
        honoree = factories.make_honoree(name="证书测试人", slug="cert-site")
        honor = factories.make_honor(honoree, factories.make_program(), period="2026-11")
        url = f"/honorees/cert-site/certificates/{honor.id}.pdf"
        db.session.remove()

    response = configured_app.test_client().get(url)
    text = pypdf.PdfReader(io.BytesIO(response.data)).pages[0].extract_text()

    assert response.status_code == 200
    assert "Yancheng Civilization Office" in text
    assert "2026-11" not in text


@pytest.mark.parametrize("page", ["/", "/stats"])
def test_china_list_since_month_shown_as_label(client, page):
    html = client.get(page + "?lang=en").get_data(as_text=True)

    assert "since August 2018" in html
    assert "2018-08" not in html
    assert "2018年8月" in client.get(page + "?lang=zh").get_data(as_text=True)


def test_vetting_queue_cycle_filter_shows_period_labels(app, login_as):
    from app.accounts.models import Role

    staff = login_as(Role.STAFF)
    with app.app_context():
        cycle = factories.make_cycle(period="2026-Q3")
        option = f'<option value="{cycle.id}">{cycle.program.name_zh} Q3 2026</option>'

    html = staff.get("/staff/nominations/?lang=en").get_data(as_text=True)

    assert option in html


def test_demo_flag_costs_logged_in_pages_no_query_after_the_first(app, login_as):
    from app.accounts.models import Role
    from tests.test_query_counts import count_queries

    staff = login_as(Role.STAFF)
    staff.get("/staff/")  # the process's first read of the flag
    with count_queries(app) as queries, app.test_request_context():
        from app.demo.marker import demo_loaded

        assert demo_loaded() is False

    assert queries["n"] == 0
