"""The shared template macros (app/templates/_macros.html)."""

from __future__ import annotations

from types import SimpleNamespace

from app.nominations.workflow import NominationState


def _macros(app):
    return app.jinja_env.get_template("_macros.html").make_module()


def _page(page: int, pages: int) -> SimpleNamespace:
    return SimpleNamespace(
        page=page,
        pages=pages,
        has_prev=page > 1,
        prev_num=page - 1,
        has_next=page < pages,
        next_num=page + 1,
    )


def test_pager_links_keep_the_filters(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        html = str(_macros(app).pager(_page(2, 3), "staff.cycles", program="good", state="voting"))
    assert 'href="/staff/cycles?page=1&amp;program=good&amp;state=voting" rel="prev"' in html
    assert 'href="/staff/cycles?page=3&amp;program=good&amp;state=voting" rel="next"' in html


def test_pager_of_one_page_renders_nothing(app):
    with app.test_request_context():
        assert str(_macros(app).pager(_page(1, 1), "staff.cycles")).strip() == ""


def test_state_badge_names_the_state_in_its_class_and_words(app):
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        html = str(_macros(app).state_badge(NominationState.QUALIFIED))
    assert html == '<span class="badge badge-state-qualified">审查通过</span>'
