"""Issue 3 in a real browser: nominate with a photo and live preview, return, resubmit, qualify."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import shot


def _login(page, base, username):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "luohe-demo")
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def _logout(page, base):
    page.context.clear_cookies()


def test_nominate_return_resubmit_qualify(page, live_server, tmp_path):
    name = "浏览器测试" + ("甲" if page.viewport_name == "phone" else "乙")
    photo = tmp_path / "id.jpg"
    photo.write_bytes(factories.jpeg_bytes(size=(600, 800), exif_gps=True))

    _login(page, live_server, "demo-nominator")
    page.goto(f"{live_server}/nominations/new")
    page.locator(".cycle-list a").first.click()
    page.fill("#name", name)
    page.select_option("#location_id", index=3)
    page.select_option("#gender", "female")
    page.fill("#birth_date", "1975-06-01")
    page.fill("#unit", "柳岸社区")
    page.select_option("#category_id", index=1)
    page.fill("#headline", "坚持十年为孤寡老人送餐")
    page.fill("#summary", "十年来她每天为三位孤寡老人送去午饭。")
    page.fill("#story_md", "### 送餐\n\n她**每天**准时出门。")
    # Locator waits: a string predicate would need eval, which the CSP rightly forbids.
    expect(page.locator(".preview-body strong")).to_have_text("每天")
    page.fill("#unit_opinion", "同意推荐")
    page.check("#consent_given")
    page.fill("#consent_collected_by", "柳岸社区")
    page.fill("#consent_date", "2026-11-05")
    page.set_input_files("#id_photo", str(photo))
    page.fill("#id_photo_alt", f"{name}的证件照")
    shot(page, "nomination-form")
    page.click("button[value=submit]")
    page.wait_for_load_state()
    assert "已提交" in page.locator("main").inner_text(), page.locator("main").inner_text()[:500]
    nomination_url = page.url
    nomination_id = re.search(r"/nominations/(\d+)", nomination_url).group(1)
    shot(page, "nomination-submitted")

    _logout(page, live_server)
    _login(page, live_server, "demo-staff")
    page.goto(f"{live_server}/staff/nominations/{nomination_id}")
    page.fill("#decision-reason", "请补充生活照片")
    page.click("button:has-text('退回修改')")
    page.wait_for_load_state()
    assert "退回修改" in page.locator(".badge").first.inner_text()

    _logout(page, live_server)
    _login(page, live_server, "demo-nominator")
    page.goto(f"{live_server}/inbox")
    assert "请补充生活照片" in page.locator("main").inner_text()
    page.goto(f"{live_server}/nominations/{nomination_id}/edit")
    assert "请补充生活照片" in page.locator("main").inner_text()
    page.set_input_files("#life-0-file", str(photo))
    page.fill("#life-0-alt", "她在给老人送饭")
    page.click("button[value=submit]")
    page.wait_for_load_state()
    assert "已提交" in page.locator("main").inner_text()

    _logout(page, live_server)
    _login(page, live_server, "demo-staff")
    page.goto(f"{live_server}/staff/nominations/{nomination_id}")
    page.click("button:has-text('审查通过')")
    page.wait_for_load_state()
    assert "审查通过" in page.locator(".badge").first.inner_text()
    shot(page, "vetting-qualified")
