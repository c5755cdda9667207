"""Markdown: what a note body renders to, that nothing in it can run or restyle the
page, and the plain-text excerpts lists show."""

from __future__ import annotations

import html
import re

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from notesweb.limits import BODY_MAX
from notesweb.notes import markdown


def rendered(source: str) -> BeautifulSoup:
    return BeautifulSoup(markdown.render(source), "html.parser")


def test_github_flavoured_markdown_renders():
    page = rendered(
        "# Plan\n\nSome **bold**, _italic_ and ~~struck~~ text; see https://example.com.\n\n"
        "- [ ] buy milk\n- [x] call Ann\n\n"
        "| item | price |\n|:-----|------:|\n| tea  | 3.50  |\n\n"
        "```python\nprint('<hi>')\n```\n"
    )
    assert page.select_one("h2").get_text() == "Plan"
    assert page.select_one("strong").get_text() == "bold"
    assert page.select_one("em").get_text() == "italic"
    assert page.select_one("s").get_text() == "struck"
    autolink = page.select_one("p a")
    assert autolink["href"] == "https://example.com"
    boxes = page.select("li.task-list-item input[type=checkbox][disabled]")
    assert [(box.has_attr("checked"), box["aria-label"]) for box in boxes] == [
        (False, "To do"),
        (True, "Done"),
    ]
    assert [cell["class"] for cell in page.select("th")] == [["align-left"], ["align-right"]]
    assert page.select_one("td.align-right").get_text() == "3.50"
    assert page.select_one("pre code").get_text() == "print('<hi>')\n"


def test_headings_sit_below_the_page_title():
    page = rendered("# One\n## Two\n###### Six")
    assert [h.name for h in page.find_all(re.compile("^h"))] == ["h2", "h3", "h6"]


def test_an_image_is_a_link_named_by_its_alt_text():
    page = rendered("![the plan](https://example.com/plan.png)")
    assert page.find("img") is None
    link = page.select_one("a")
    assert (link["href"], link.get_text()) == ("https://example.com/plan.png", "the plan")


# OWASP's XSS filter evasion cheat sheet, in HTML and in Markdown's own syntax.
XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
    '&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116">',
    "<a href=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;"
    "&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>x</a>",
    "<a href=\"jav\tascript:alert('XSS');\">x</a>",
    "<a href=\"jav&#x09;ascript:alert('XSS');\">x</a>",
    "<a href=\"jav&#x0A;ascript:alert('XSS');\">x</a>",
    "<a href=\" &#14;  javascript:alert('XSS');\">x</a>",
    '<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<iframe src=http://xss.rocks/scriptlet.html <",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    "<input type=text name=q value=x onfocus=alert(1) autofocus>",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<svg/onload=alert('XSS')>",
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\"><tr><td>x</td></tr></TABLE>",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">x</DIV>",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">x</DIV>",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+" type="image/svg+xml">',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>"
    "</table></mtext></math>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<button formaction=javascript:alert(1)>x</button>",
    "<details open ontoggle=alert(1)><summary>s</summary></details>",
    '<a href="https://example.com" style="position:fixed;inset:0">overlay</a>',
    '<p class="flash flash-error" id="flash" data-hx-get="/account">fake</p>',
    "<select><template><script>alert(1)</script></template></select>",
    '<a href="https://example.com" target="_top" rel="opener">x</a>',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:alert(1))",
    "[x](file:///etc/passwd)",
    "![x](javascript:alert(1))",
    '![x"onerror="alert(1)](https://example.com/a.png)',
    '[x](https://example.com "t\\" onmouseover=\\"alert(1)")',
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "[a](https://example.com)<img src=x onerror=alert(1)>",
    "`<script>alert(1)</script>`",
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "- [x] <img src=x onerror=alert(1)>",
]

SAFE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "input", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "s", "samp", "small", "strong", "sub", "summary", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "u", "ul", "var",
}  # fmt: skip
SAFE_ATTRIBUTES = {
    "href", "title", "rel", "start", "colspan", "rowspan", "class", "type", "checked",
    "disabled", "aria-label", "tabindex",
}  # fmt: skip
OUR_CLASSES = {
    "contains-task-list", "task-list-item", "task-list-item-checkbox",
    "align-left", "align-center", "align-right",
}  # fmt: skip


def scheme(url: str) -> str | None:
    """The scheme a browser would read, ignoring the whitespace and controls it skips."""
    cleaned = re.sub(r"[\x00-\x20]", "", html.unescape(url)).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
    return match[1] if match else None


@pytest.mark.parametrize("source", XSS)
def test_nothing_in_a_note_can_run_or_restyle_the_page(source):
    page = rendered(source)
    for element in page.find_all(True):
        assert element.name in SAFE_TAGS, element
        assert set(element.attrs) <= SAFE_ATTRIBUTES, element
        assert set(element.get("class", [])) <= OUR_CLASSES, element
        if element.has_attr("href"):
            assert scheme(element["href"]) in (None, "http", "https", "mailto"), element
        if element.name == "a" and element.has_attr("href"):
            assert element.get("rel") == ["nofollow", "noopener", "ugc"], element
        elif element.name == "a":
            assert set(element.attrs) <= {"title"}, element  # HTML: no rel without href
        if element.name == "input":
            assert element["type"] == "checkbox" and element.has_attr("disabled"), element
        if element.has_attr("tabindex"):  # ours, so a keyboard can scroll a wide box
            assert element.name in ("table", "pre") and element["tabindex"] == "0", element


def test_links_keep_their_address_and_are_marked_as_user_content():
    link = rendered("[docs](https://example.com/a?b=1&c=2)").select_one("a")
    assert link["href"] == "https://example.com/a?b=1&c=2"
    assert link["rel"] == ["nofollow", "noopener", "ugc"]


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("Plain words\nand a second line", "Plain words\nand a second line"),
        ("# Title\n\nSome **bold** and `code`.", "Title\nSome bold and code."),
        ("Para one\n\n\n\n- item\n- [x] done\n\nPara two", "Para one\nitem\n☑ done\nPara two"),
        ("one\n\ntwo\n\nthree\n\nfour\n\nfive", "one\ntwo\nthree\nfour…"),
        ("<div>html <b>inside</b></div>\n\nafter", "html inside\nafter"),
        ("[a link](https://example.com) &amp; ![pic](p.png)", "a link & pic"),
        ("```\n  indented code\n```", "  indented code"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "a · b\n1 · 2"),
        ("", ""),
    ],
)
def test_an_excerpt_is_the_text_without_markdown_or_html(source, text):
    assert markdown.excerpt(source) == text


def test_a_long_excerpt_ends_with_an_ellipsis_within_the_limit():
    text = markdown.excerpt("word " * 200)
    assert len(text) == markdown.EXCERPT_MAX
    assert text.endswith("word…")


LETTER = st.characters(categories=["Lu", "Ll", "Lo"])
INERT = st.sampled_from(list("abcXYZ éß日0123456789 .,;:?!'\"()/-%$@^#") + ["  ", " #tag"])
START = st.sampled_from(["", "- ", "#", "- #"])
LINE = st.one_of(
    st.just(""),
    st.just("   "),
    st.builds(
        lambda start, first, rest: start + first + "".join(rest),
        START,
        LETTER,
        st.lists(INERT, max_size=30),
    ),
)


@given(st.lists(LINE, min_size=1, max_size=12).map("\n".join))
def test_the_quick_way_to_an_excerpt_agrees_with_parsing(source):
    assert markdown._PLAIN.fullmatch(source)
    quick = [line for line in markdown._plain_lines(source) if line.strip()]
    parsed = [line for line in markdown._text_lines(source) if line.strip()]
    assert quick == parsed


@pytest.mark.parametrize(
    "source",
    [
        # Short rows that markdown-it fills up to the header's width, table after table.
        ("|" * 163 + "\n" + "|:-:" * 162 + "|\n" + "a\n" * 405 + "\n") * 30,
        # One long address, used by thousands of reference links.
        "[x]: http://a/" + "b" * 24_980 + "\n\n" + "[x] " * 6_250,
    ],
)
def test_a_note_that_would_render_far_larger_is_shown_as_its_text(source):
    source = source[:BODY_MAX]
    page = rendered(source)
    assert len(str(page)) < 2 * len(source)
    assert page.select_one("pre").get_text() == source
    assert "too large to show formatted" in page.select_one("p").get_text()
    assert markdown.excerpt(source) is not None


def test_a_table_of_ordinary_size_is_still_a_table():
    rows = "\n".join(f"| {i} | {'x' * 10} |" for i in range(2_000))
    page = rendered("| n | text |\n|---|---|\n" + rows)
    assert len(page.select("tbody tr")) == 2_000
