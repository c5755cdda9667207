"""Front-end assets: vendored and pinned, and no inline script or style anywhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .html import soup

ROOT = Path(__file__).resolve().parent.parent


def test_vendored_files_match_their_pinned_checksums():
    result = subprocess.run(
        [sys.executable, "scripts/vendor_assets.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_htmx_is_the_pinned_2_0_release():
    from scripts.vendor_assets import PACKAGES

    htmx = next(p for p in PACKAGES if p.name == "htmx.org")
    assert htmx.version.startswith("2.0.")


@pytest.mark.parametrize(
    "url", ["/notes/", "/notes/new", "/notes/1", "/notes/1/edit", "/notes/1/delete", "/nowhere"]
)
def test_pages_have_no_inline_script_or_style(client, make_notes, url):
    make_notes(1)
    page = soup(client.get(url))
    scripts = page.select("script")
    assert scripts, "htmx is loaded on every page"
    for script in scripts:
        assert script.get("src", "").startswith("/static/"), script
        assert not script.get_text(strip=True)
    assert page.select("style, [style]") == []
    for element in page.find_all(True):
        assert not any(attr.startswith("on") for attr in element.attrs), element.name
    for link in page.select("link[rel=stylesheet]"):
        assert link["href"].startswith("/static/")
