"""The one way user Markdown becomes HTML: python-markdown, then an nh3 allow-list.

python-markdown finds a link by scanning from each `[` to its matching `]`, and from each
`](` to the closing `)`: on unmatched or deeply nested brackets that is quadratic (5,000
`[` took seconds). Two guards keep rendering linear in the length of the text:
- before parsing, `[` and `(` left unmatched or nested deeper than MAX_NESTING are escaped
  (with their closing bracket), so they are shown as typed but start no scan (inside
  code such a bracket shows its backslash: a rare cost, accepted);
- the link processors scan at most LINK_WINDOW characters from a bracket, so even a
  quote that python-markdown follows past the `)` costs a bounded amount per link.
Lists nest by recursion: indentation is capped and list markers chained on one line are
escaped past MAX_NESTING, and should the recursion limit still be reached the text is
shown escaped as plain paragraphs instead of failing the page.
"""

from __future__ import annotations

import re

import markdown as md
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import (
    ImageInlineProcessor,
    ImageReferenceInlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
)
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "blockquote",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_NESTING = 4
LINK_WINDOW = 500
_PAIRS = {"]": "[", ")": "("}
# Leading whitespace kept on a line: 8 levels of 4-space list nesting.
_DEEP_INDENT = re.compile(r"^([ \t]{32})[ \t]+", re.MULTILINE)
# A line opening with several list markers ("- - - a" nests one list per marker).
_CHAINED_MARKERS = re.compile(
    rf"^((?:[ \t]*(?:[-*+]|\d{{1,9}}\.)[ \t]+){{{MAX_NESTING}}})((?:(?:[-*+]|\d{{1,9}}\.)[ \t]+)+)",
    re.MULTILINE,
)
_MARKER = re.compile(r"([-*+]|\d{1,9})(\.?)([ \t]+)")


def flatten_nesting(text: str) -> str:
    """Cap list nesting: trim deep indentation, escape chained markers past MAX_NESTING."""
    text = _DEEP_INDENT.sub(r"\1", text)
    return _CHAINED_MARKERS.sub(
        lambda m: m[1] + _MARKER.sub(lambda k: _escape_marker(k), m[2]), text
    )


def _escape_marker(match: re.Match[str]) -> str:
    marker, dot, space = match.groups()
    return (marker + "\\." if dot else "\\" + marker) + space


def defuse_nesting(text: str) -> str:
    """`text` with every `[` or `(` that is unmatched, or nested deeper than MAX_NESTING,
    backslash-escaped together with its closing bracket (one linear pass)."""
    open_at: dict[str, list[int]] = {"[": [], "(": []}
    escape: set[int] = set()
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if char == "\\":
            i += 2  # an escaped character starts no scan: skip it
            continue
        if char in open_at:
            stack = open_at[char]
            if len(stack) >= MAX_NESTING:
                escape.add(i)
            stack.append(i)
        elif char in _PAIRS:
            stack = open_at[_PAIRS[char]]
            if stack and stack.pop() in escape:
                escape.add(i)
        i += 1
    escape.update(open_at["["], open_at["("])
    if not escape:
        return text
    return "".join("\\" + c if n in escape else c for n, c in enumerate(text))


class _Windowed:
    """A link processor that looks at most LINK_WINDOW characters past a bracket."""

    def getText(self, data: str, index: int):  # noqa: N802 - python-markdown's name
        text, end, handled = super().getText(data[index : index + LINK_WINDOW], 0)
        return text, index + end, handled

    def getLink(self, data: str, index: int):  # noqa: N802 - python-markdown's name
        href, title, end, handled = super().getLink(data[index : index + LINK_WINDOW], 0)
        return href, title, index + end, handled


# python-markdown's link processors by registered name, with their priorities.
_LINK_PROCESSORS = {
    "reference": (ReferenceInlineProcessor, 170),
    "link": (LinkInlineProcessor, 160),
    "image_link": (ImageInlineProcessor, 150),
    "image_reference": (ImageReferenceInlineProcessor, 140),
    "short_reference": (ShortReferenceInlineProcessor, 130),
    "short_image_ref": (ShortImageReferenceInlineProcessor, 125),
}
_WINDOWED = {
    name: (type(f"Windowed{cls.__name__}", (_Windowed, cls), {}), priority)
    for name, (cls, priority) in _LINK_PROCESSORS.items()
}


class BoundedLinks(Extension):
    """Replace the link processors with their windowed versions (same patterns)."""

    def extendMarkdown(self, md_instance) -> None:  # noqa: N802 - python-markdown's name
        for name, (cls, priority) in _WINDOWED.items():
            pattern = md_instance.inlinePatterns[name].pattern
            md_instance.inlinePatterns.register(cls(pattern, md_instance), name, priority)


def render_markdown(text: str | None) -> Markup:
    """Render untrusted Markdown to safe HTML (no raw HTML, scripts, images or styles)."""
    if not text:
        return Markup("")
    try:
        html = md.markdown(
            defuse_nesting(flatten_nesting(text)),
            extensions=["tables", "sane_lists", BoundedLinks()],
            output_format="html",
        )
    except RecursionError:
        html = "".join(f"<p>{escape(part)}</p>" for part in text.split("\n\n"))
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
    return Markup(cleaned)  # noqa: S704  # nosec B704 # sanitized by nh3 just above
