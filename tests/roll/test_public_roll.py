"""Honor roll, search, honoree page, feed, API (against its OpenAPI document), statistics."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
import sqlalchemy as sa
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from app.extensions import db
from app.honors import services as honor_services
from app.orgs.models import OrgKind
from app.privacy import crypto
from app.programs.models import Level
from app.registry.models import Honor, Honoree, HonoreeKind
from tests import factories
from tests.demo.test_demo import SPEC_FIGURES

ATOM = "{http://www.w3.org/2005/Atom}"
PHONE, ID_NUMBER, ADDRESS = (
    "13322224444",
    factories.valid_id_number("19720202", "246"),
    "漯河市召陵区保密路9号",
)


@pytest.fixture
def roll(app):
    with app.app_context():
        city = factories.make_program(code="luohe_good")
        nation = factories.make_program(code="china_good", external=True, level=Level.NATION)
        district = factories.make_org(name="源汇区", kind=OrgKind.DISTRICT, code="yh")
        people = [
            ("王救人", "勇救落水儿童", "### 救人\n\n他跳进沙河救人。", HonoreeKind.INDIVIDUAL),
            ("李孝顺", "孝老爱亲二十年", "照顾瘫痪婆婆二十年。", HonoreeKind.INDIVIDUAL),
            ("红马甲志愿队", "义务巡河十年", "队员们守护河道。", HonoreeKind.GROUP),
        ]
        slugs = []
        for i, (name, headline, story, kind) in enumerate(people):
            honoree = factories.make_honoree(
                name=name,
                headline=headline,
                story_md=story,
                kind=kind,
                district=district,
                slug=f"r-{i}",
                unit="某某单位",
                phone_enc=crypto.encrypt(PHONE),
                address_enc=crypto.encrypt(ADDRESS),
                id_number_enc=crypto.encrypt(ID_NUMBER),
                id_number_hash=crypto.keyed_hash(ID_NUMBER) if i == 0 else None,
            )
            factories.make_honor(
                honoree,
                city,
                period=f"2026-0{i + 1}",
                period_start=date(2026, i + 1, 1),
                period_end=date(2026, i + 1, 28),
            )
            slugs.append(honoree.slug)
        first = db.session.scalar(sa.select(Honoree).where(Honoree.slug == "r-0"))
        factories.make_honor(
            first,
            nation,
            period="2026-Q1",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 3, 31),
        )
        return {"slugs": slugs, "district": district.id}


def _names(html: str) -> list[str]:
    return re.findall(r'class="card-title"><a [^>]*>(.*?)</a>', html)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("救人", {"王救人"}),  # two characters: one bigram
        ("李", {"李孝顺"}),  # one character: a surname
        ("孝", set()),  # a surname no name begins with
        ("照顾瘫痪", {"李孝顺"}),  # a phrase of bigrams
        ("巡河", {"红马甲志愿队"}),
        ("不存在的词", set()),
    ],
)
def test_search_finds_chinese_substrings(client, roll, q, expected):
    html = client.get("/roll", query_string={"q": q}).get_data(as_text=True)
    found = {re.sub(r"</?mark>", "", n) for n in _names(html)}
    assert found == expected
    if expected:
        assert "<mark>" in html


@pytest.mark.parametrize("q", ["%", "'", '"', "\\", "_", "a" * 500, "<script>", "' OR 1=1 --"])
def test_hostile_queries_never_500(client, roll, q):
    response = client.get("/roll", query_string={"q": q})
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True).split("<main")[1]


def test_filters_combine_and_stay_in_url(client, roll):
    html = client.get("/roll?level=nation&kind=individual").get_data(as_text=True)
    assert [re.sub(r"</?mark>", "", n) for n in _names(html)] == ["王救人"]
    html = client.get(f"/roll?kind=group&district={roll['district']}").get_data(as_text=True)
    assert _names(html) == ["红马甲志愿队"]
    assert "/roll.csv?" in html and "kind=group" in html.split("/roll.csv?")[1].split('"')[0]
    assert _names(client.get("/roll?year=1999").get_data(as_text=True)) == []
    assert client.get("/roll?year=abc&level=bogus&district=-1&page=0").status_code == 200


def test_pagination_edges(app, client, roll):
    from app.roll.queries import RollFilters, roll_page

    with app.app_context():
        first = roll_page(RollFilters(), page=1, per_page=2)
        last = roll_page(RollFilters(), page=99, per_page=2)
        assert (first.total, first.pages, len(first.items)) == (4, 2, 2)
        assert (last.page, len(last.items)) == (2, 2)
        assert roll_page(RollFilters(), page=-5, per_page=2).page == 1


def test_honoree_page_has_public_fields_only(client, roll):
    response = client.get(f"/honorees/{roll['slugs'][0]}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "王救人" in html and "application/ld+json" in html and "og:title" in html
    assert "<svg" in html  # the QR code
    api = client.get(f"/api/v1/honorees/{roll['slugs'][0]}").get_data(as_text=True)
    for secret in (PHONE, ID_NUMBER, ADDRESS, ID_NUMBER[:6] + "********"):
        assert secret not in html and secret not in api


def test_atom_feed_parses_and_lists_honors(client, roll):
    response = client.get("/feed.atom")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert root.tag == f"{ATOM}feed" and len(titles) == 4
    assert any("王救人" in t for t in titles)


@pytest.fixture
def openapi(client):
    return client.get("/api/v1/openapi.json").get_json()


def _validate(openapi, schema_name, instance):
    resource = Resource.from_contents(openapi, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:api", resource)
    schema = {"$ref": f"urn:api#/components/schemas/{schema_name}"}
    Draft202012Validator(schema, registry=registry).validate(instance)


def test_api_responses_conform_to_openapi(client, roll, openapi):
    assert openapi["openapi"].startswith("3.1")
    cases = [
        ("/api/v1/honorees", "HonoreeList"),
        ("/api/v1/honorees?q=救人&per_page=1", "HonoreeList"),
        ("/api/v1/honorees?page=999&kind=group", "HonoreeList"),
        (f"/api/v1/honorees/{roll['slugs'][2]}", "HonoreeDetail"),
        ("/api/v1/programs", "ProgramList"),
        ("/api/v1/stats", "Stats"),
        ("/api/v1/honorees/nope", "Error"),
    ]
    for url, schema in cases:
        _validate(openapi, schema, client.get(url).get_json())
    paths = openapi["paths"]
    assert {
        "/api/v1/honorees",
        "/api/v1/honorees/{slug}",
        "/api/v1/programs",
        "/api/v1/stats",
    } <= set(paths)


def test_revocation_removes_from_roll_feed_and_api(app, client, roll):
    with app.app_context():
        honor = db.session.scalars(
            sa.select(Honor).where(Honor.honoree.has(slug=roll["slugs"][1]))
        ).first()
        honor_services.revoke_honor(honor, reason="事迹失实", actor=None)
        db.session.commit()
    assert "李孝顺" not in client.get("/roll").get_data(as_text=True)
    assert "李孝顺" not in client.get("/feed.atom").get_data(as_text=True)
    assert "李孝顺" not in client.get("/api/v1/honorees").get_data(as_text=True)
    assert "李孝顺" not in client.get("/roll.csv").get_data(as_text=True)
    assert client.get(f"/honorees/{roll['slugs'][1]}").status_code == 410
    assert client.get(f"/api/v1/honorees/{roll['slugs'][1]}").status_code == 410


def test_roll_csv_public_fields(client, roll):
    text = client.get("/roll.csv").get_data(as_text=True)
    assert "王救人" in text and PHONE not in text and ID_NUMBER not in text


def test_demo_stats_show_spec_figures(app, client, runner):
    assert runner.invoke(args=["honors", "demo"]).exit_code == 0
    html = client.get("/stats").get_data(as_text=True)
    values = [int(v) for v in re.findall(r'class="figure-value">(\d+)<', html)]
    expected = SPEC_FIGURES
    assert values == [
        expected["national_models"],
        expected["provincial_models"],
        expected["henan_good_people"],
        expected["luohe_good_people"],
        expected["china_good_people"],
    ]
    assert client.get("/stats/district.csv").status_code == 200
    assert client.get("/stats/nope.csv").status_code == 404
    stats = client.get("/api/v1/stats").get_json()["headline"]
    assert {k: stats[k] for k in SPEC_FIGURES} == SPEC_FIGURES


def test_honoree_qr_code_is_drawn_once_per_url(monkeypatch):
    import segno

    from app.honors.views import public

    public.qr_svg.cache_clear()
    drawn = []
    real = segno.make
    monkeypatch.setattr(segno, "make", lambda url, **kw: drawn.append(url) or real(url, **kw))
    first = public.qr_svg("https://example.org/honorees/a")
    again = public.qr_svg("https://example.org/honorees/a")
    other = public.qr_svg("https://example.org/honorees/b")
    assert drawn == ["https://example.org/honorees/a", "https://example.org/honorees/b"]
    assert first == again != other and first.startswith("<svg")
    public.qr_svg.cache_clear()
