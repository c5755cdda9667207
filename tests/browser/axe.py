"""axe-core, vendored, run in the page (whose context must bypass the CSP to take it)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text()


def violations(page: Page) -> list[str]:
    page.add_script_tag(content=AXE)
    found = page.evaluate("async () => (await axe.run()).violations")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in found]
