"""The site frame in a real browser: demo logins, navigation by role, language, screenshots."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot

DEMO_ACCOUNTS = {
    "demo-admin": ["文明办工作台", "系统管理"],
    "demo-staff": ["文明办工作台"],
    "demo-nominator": [],
    "demo-committee": [],
}


def _login(page, base, username):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "luohe-demo")
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def _open_nav(page):
    toggle = page.locator(".nav-toggle")
    if toggle.is_visible():
        toggle.click()


def test_home_shows_headline_figures(page, live_server):
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    figures = page.locator(".figure-value").all_inner_texts()
    assert figures == ["1", "3", "48", "42", "251"]
    shot(page, "home")


@pytest.mark.parametrize("username", list(DEMO_ACCOUNTS))
def test_demo_accounts_log_in_through_the_form(page, live_server, username):
    _login(page, live_server, username)
    assert page.url.rstrip("/") == live_server
    assert "欢迎" in page.locator(".flashes").inner_text()
    _open_nav(page)
    nav = page.locator("#site-nav").inner_text()
    for link in DEMO_ACCOUNTS[username]:
        assert link in nav
    if not DEMO_ACCOUNTS[username]:
        assert "文明办工作台" not in nav and "系统管理" not in nav
    shot(page, f"after-login-{username}")


def test_wrong_password_message_next_to_form(page, live_server):
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "demo-staff")
    page.fill("input[name=password]", "wrong-password")
    page.click("form button[type=submit]")
    assert "用户名或密码错误" in page.locator(".form-errors").inner_text()
    assert page.input_value("input[name=username]") == "demo-staff"
    shot(page, "login-error")


def test_language_switch_to_english_and_back(page, live_server):
    page.goto(live_server + "/login")
    _open_nav(page)
    page.click("text=English")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Log in"
    shot(page, "login-en")
    _open_nav(page)
    page.click("text=中文")
    assert page.locator("h1").inner_text() == "登录"


def test_admin_pages_render(page, live_server):
    _login(page, live_server, "demo-admin")
    for path, name in [
        ("/admin/users", "admin-users"),
        ("/admin/users/new", "admin-new-user"),
        ("/staff/organisations/", "admin-orgs"),
        ("/staff/", "staff-dashboard"),
    ]:
        response = page.goto(live_server + path)
        assert response.status == 200, path
        shot(page, name)


def test_keyboard_skip_link(page, live_server):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_error_page(page, live_server):
    response = page.goto(live_server + "/no-such-page")
    assert response.status == 404
    assert "页面不存在" in page.locator("h1").inner_text()
    shot(page, "404")
