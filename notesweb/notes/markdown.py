"""Note bodies as HTML: CommonMark with GitHub's extensions, rendered on the server and
sanitised, so nothing a note holds can run, or restyle the page, in a reader's browser.
And as plain text, for the list's excerpts."""

from __future__ import annotations

import html
import importlib
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.tasklists import tasklists_plugin

EXCERPT_MAX = 240
EXCERPT_LINES = 4
LINK_REL = "nofollow noopener ugc"

_ALIGN = re.compile(r"text-align:(left|center|right)")
_CHECKED = 'checked="checked"'
_CHECKBOX = '<input class="task-list-item-checkbox"'

# markdown-it fills every short table row up to the header's width, up to 65,536
# empty cells a table: a few KB of pipes would render to megabytes, for seconds.
_tables = importlib.import_module("markdown_it.rules_block.table")
_tables.MAX_AUTOCOMPLETED_CELLS = 1_000
# What one note may grow to once rendered: table cells, and the characters of link
# addresses (a reference link repeats its address wherever it is used).
CELLS_MAX = 10_000
ADDRESSES_MAX = 200_000


class _TooLarge(Exception):
    """The note would render far larger than it is written."""


def _bounded_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's table rule, stopping the parse once a note has too many cells."""
    before = len(state.tokens)
    found = _tables.table(state, start, end, silent)
    if found and not silent:
        added = state.tokens[before:]
        cells = state.env.get("cells", 0) + sum(t.type in ("td_open", "th_open") for t in added)
        if cells > CELLS_MAX:
            raise _TooLarge
        state.env["cells"] = cells
    return found


def _addresses_within_bounds(state: StateCore) -> None:
    addresses = 0
    for token in state.tokens:
        for child in token.children or ():
            if child.type in ("link_open", "image"):
                addresses += len(str(child.attrGet("href") or child.attrGet("src") or ""))
    if addresses > max(ADDRESSES_MAX, 4 * len(state.src)):
        raise _TooLarge


def _fit_to_page(state: StateCore) -> None:
    """What the page around a note needs of its HTML: its headings below the page's
    own h1, table alignment as classes (the CSP refuses inline style), and a task
    list's checkboxes named for people using a screen reader."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
        elif token.type in ("th_open", "td_open") and (style := token.attrs.pop("style", None)):
            if match := _ALIGN.fullmatch(str(style)):
                token.attrSet("class", f"align-{match[1]}")
        elif token.type == "inline":
            for child in token.children or ():
                if child.type == "html_inline" and child.content.startswith(_CHECKBOX):
                    done = _CHECKED in child.content
                    child.content = (
                        f'{_CHECKBOX} type="checkbox" disabled'
                        f'{" checked" if done else ""} aria-label="{"Done" if done else "To do"}">'
                    )


def _image_as_link(_renderer, tokens: list[Token], index: int, _options, _env) -> str:
    """Notes hold no images, and a page loads nothing from elsewhere (the CSP says so,
    and a note must not carry a tracking pixel): an image is a link to it, named by
    its alt text."""
    token = tokens[index]
    source = str(token.attrGet("src") or "")
    return f'<a href="{html.escape(source)}">{html.escape(token.content or source)}</a>'


_renderer = MarkdownIt("gfm-like", {"typographer": False}).use(tasklists_plugin)
_renderer.block.ruler.at("table", _bounded_table)
_renderer.core.ruler.after("inline", "addresses_within_bounds", _addresses_within_bounds)
_renderer.core.ruler.push("fit_to_page", _fit_to_page)
_renderer.add_render_rule("image", _image_as_link)

_TABLE_CELL = {"align-left", "align-center", "align-right"}
_sanitiser = nh3.Cleaner(
    tags={
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "details",
        "dl",
        "dt",
        "em",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "input",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
        "var",
    },  # fmt: skip
    clean_content_tags={"script", "style", "textarea", "select", "noscript", "template"},
    attributes={
        "*": set(),  # none on every tag (the sanitiser's default allows title and lang)
        "a": {"href", "title"},
        "abbr": {"title"},
        "ol": {"start"},
        "td": {"colspan", "rowspan"},
        "th": {"colspan", "rowspan"},
        "input": {"aria-label"},
    },
    tag_attribute_values={"input": {"type": {"checkbox"}, "checked": {""}}},
    # A table or code block wider than the page scrolls in its box: tabindex lets a
    # keyboard reach it to scroll it.
    set_tag_attribute_values={
        "input": {"disabled": "", "type": "checkbox"},
        "table": {"tabindex": "0"},
        "pre": {"tabindex": "0"},
    },
    allowed_classes={
        "ul": {"contains-task-list"},
        "ol": {"contains-task-list"},
        "li": {"task-list-item"},
        "input": {"task-list-item-checkbox"},
        "th": _TABLE_CELL,
        "td": _TABLE_CELL,
    },
    url_schemes={"http", "https", "mailto"},
    link_rel=LINK_REL,
)


# An <a> as the sanitiser writes it: attributes double-quoted, `"` escaped inside them.
_LINK_TAG = re.compile(r'<a((?: [\w-]+="[^"]*")*)>')
_REL = f' rel="{LINK_REL}"'


def _without_dead_rel(match: re.Match) -> str:
    """An <a> whose address was refused may not carry `rel` (HTML says so)."""
    attributes = match[1]
    return match[0] if ' href="' in attributes else f"<a{attributes.replace(_REL, '')}>"


@lru_cache(maxsize=128)
def render(body: str) -> str:
    """A note body as safe HTML. Cached by the text itself, so each version of a note
    is rendered once per worker (a 50,000-character note takes ~80 ms; bench/markdown.py)."""
    try:
        rendered = _renderer.render(body)
    except _TooLarge:
        return (
            '<p class="meta">This note is too large to show formatted; here is its text.</p>'
            f'<pre tabindex="0">{html.escape(body)}</pre>'
        )
    return _LINK_TAG.sub(_without_dead_rel, _sanitiser.clean(rendered))


# Plain text reads the source as written: no autolinking, which may rewrite a URL's text.
_reader = MarkdownIt("gfm-like", {"linkify": False}).use(tasklists_plugin)
_reader.block.ruler.at("table", _bounded_table)

# Text that Markdown leaves as it is, but for list markers (most notes start so): each
# line starts with a letter or a #tag, or is a "- " item starting so, or is blank; no
# character that could start any other syntax, escape or entity.
_PLAIN_LINE = r"(?:(?:- )?#?[^\W\d_][^\n\r\t\x00\\`*_\[\]<>&|~=+{}]*|[ ]*)"
_PLAIN = re.compile(rf"{_PLAIN_LINE}(?:\n{_PLAIN_LINE})*")


def excerpt(body: str, most: int = EXCERPT_MAX, lines: int = EXCERPT_LINES) -> str:
    """The start of a note as plain text, for lists: no Markdown syntax and no HTML,
    its first lines with their breaks kept and blank lines left out. Kept beside the
    note when it is written, so that no list reads or parses a body."""
    start = body[: most * 4]
    try:
        found = _plain_lines(start) if _PLAIN.fullmatch(start) else _text_lines(start)
    except _TooLarge:
        found = start.split("\n")
    kept = [line for line in found if line.strip()]
    text = "\n".join(kept[:lines])
    if len(text) > most:
        return text[: most - 1].rstrip() + "…"
    return text + "…" if len(kept) > lines else text


def _plain_lines(source: str) -> list[str]:
    """_text_lines of text that _PLAIN matches, without parsing it (seeding a million
    notes would otherwise spend minutes here)."""
    return [line.removeprefix("- ").rstrip() for line in source.split("\n")]


def _text_lines(source: str) -> list[str]:
    lines: list[str] = []
    row: list[str] | None = None  # the cells of a table row, which make one line
    for token in _reader.parse(source):
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            lines.append(" · ".join(row))
            row = None
        elif token.type == "inline" and row is not None:
            row.append(_inline_text(token).replace("\n", " "))
        elif token.type == "inline":
            lines.extend(_inline_text(token).split("\n"))
        elif token.type in ("fence", "code_block"):
            lines.extend(token.content.split("\n"))
        elif token.type == "html_block":
            lines.extend(html.unescape(nh3.clean(token.content, tags=set())).split("\n"))
    return [line.rstrip() for line in lines]


def _inline_text(token: Token) -> str:
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline", "image"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "html_inline" and "task-list-item-checkbox" in child.content:
            parts.append("☑" if _CHECKED in child.content else "☐")
    return "".join(parts)
