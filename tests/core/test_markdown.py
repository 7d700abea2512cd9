"""The one Markdown filter: formatting kept, anything executable dropped, work linear."""

import os
import sys

import markdown
import pytest

from app.core.markdown import MAX_NESTING, defuse_nesting, render_markdown


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


# --- rendering stays linear in the length of the text -------------------------------------


def _markdown_lines(text: str) -> int:
    """Lines of python-markdown's own code executed to render `text`: a measure of work
    that does not depend on the machine's speed or load."""
    root = os.path.dirname(markdown.__file__)
    count = 0

    def local(frame, event, arg):
        nonlocal count
        count += event == "line"
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(root) else None

    sys.settrace(calls)
    try:
        render_markdown(text)
    finally:
        sys.settrace(None)
    return count


PATHOLOGICAL = {
    # The reported payload: nested brackets, one left unclosed.
    "nested_brackets": lambda n: "[" * (n // 2) + "]" * (n // 2 - 1),
    "unclosed_brackets": lambda n: "[" * n,
    "unclosed_images": lambda n: "![" * (n // 2),
    "unclosed_references": lambda n: "[a][" * (n // 4),
    "unclosed_parens": lambda n: "[a](" * (n // 4),
    # python-markdown follows an open quote past the ")" to the end of the paragraph.
    "open_title_quotes": lambda n: '[a]("x)' * (n // 7),
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_markdown_work_doubles_at_most_when_text_doubles(name):
    make = PATHOLOGICAL[name]
    small, large = _markdown_lines(make(2000)), _markdown_lines(make(4000))
    assert large / small < 2.4  # quadratic work would be about 4


def test_markdown_chained_list_markers_render_without_recursion():
    html = str(render_markdown("- " * 2500 + "a"))
    assert html.count("<ul>") == MAX_NESTING
    assert html.endswith("a</li>\n</ul>\n</li>\n</ul>\n</li>\n</ul>\n</li>\n</ul>")


def test_markdown_deep_indentation_is_capped():
    html = str(render_markdown("".join(" " * (4 * i) + "- a\n" for i in range(300))))
    assert html.count("<ul>") <= 9


def test_markdown_recursion_limit_falls_back_to_escaped_paragraphs(monkeypatch):
    def too_deep(*args, **kwargs):
        raise RecursionError

    monkeypatch.setattr(markdown, "markdown", too_deep)
    assert str(render_markdown("a <b>\n\n[c]")) == "<p>a &lt;b&gt;</p><p>[c]</p>"


def test_defuse_nesting_escapes_unmatched_and_deep_brackets_only():
    assert defuse_nesting("a[1] (b) [x](y) \\[") == "a[1] (b) [x](y) \\["
    assert defuse_nesting("[[[[[a]]]]] [b") == "[[[[\\[a\\]]]]] \\[b"
    assert defuse_nesting("f(x") == "f\\(x"


def test_markdown_ordinary_links_and_brackets_unchanged():
    html = str(render_markdown("见[报道](https://example.org/a_(b))，数组 a[1]，未闭合 [ 与 (。"))
    assert html == (
        '<p>见<a href="https://example.org/a_(b)" rel="nofollow noopener noreferrer">报道</a>'
        "，数组 a[1]，未闭合 [ 与 (。</p>"
    )
