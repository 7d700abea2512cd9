"""The one Markdown filter: formatting kept, anything executable dropped."""

from app.core.markdown import render_markdown


def test_markdown_keeps_formatting():
    html = str(render_markdown("### 事迹\n\n**救人** 的故事\n\n- 一\n- 二"))
    assert "<h3>事迹</h3>" in html
    assert "<strong>救人</strong>" in html
    assert "<li>一</li>" in html


def test_markdown_drops_scripts_handlers_and_bad_urls():
    html = str(
        render_markdown(
            "<script>alert(1)</script><img src=x onerror=alert(1)>"
            "[x](javascript:alert(1)) [y](data:text/html,hi) ![z](http://e/x.png)"
        )
    )
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "data:" not in html
    assert "<img" not in html


def test_markdown_links_get_safe_rel():
    html = str(render_markdown("[站点](https://example.org)"))
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_markdown_empty_is_empty():
    assert str(render_markdown(None)) == ""
