"""The README's screenshots, made from the app as it is at every test run (so they
never go stale): docs/screenshots/, at a desktop and a phone's width, light and dark."""

from __future__ import annotations

from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

NOTES = [
    ("Groceries", "- [x] oat milk\n- [ ] lemons\n- [ ] bread from the bakery #home"),
    (
        "Trip to Lisbon",
        "## Plan\n\nThree days in **May**: Alfama on foot, the tram to Belém, and a day "
        "in Sintra.\n\n| day | where |\n|---|---|\n| 1 | Alfama |\n| 2 | Belém |\n"
        "| 3 | Sintra |\n\n#travel #travel/lisbon",
    ),
    (
        "Meeting notes: release 2.4",
        "Decided to ship on **Thursday**.\n\n- Anna: changelog\n- Omar: migration dry run\n"
        "- Lee: the blog post\n\nOpen question: keep the old API for one more release? #work",
    ),
    (
        "Reading list",
        "1. *The Pragmatic Programmer*\n2. *Designing Data-Intensive Applications*\n"
        "3. *A Philosophy of Software Design* #books",
    ),
]


@pytest.fixture
def written(notes):
    ids = [notes.write(title, body) for title, body in NOTES]
    return dict(zip((title for title, _ in NOTES), ids, strict=True))


def shoot(signed_in_page, url: str, name: str, **context) -> Path:
    page = signed_in_page(**context)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path)
    return path


def test_the_readmes_screenshots(signed_in_page, written):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    desktop = {"viewport": {"width": 1280, "height": 800}, "color_scheme": "light"}
    phone = {"viewport": {"width": 375, "height": 740}, "color_scheme": "light"}
    lisbon = written["Trip to Lisbon"]
    made = [
        shoot(signed_in_page, "/notes/", "list", **desktop),
        shoot(signed_in_page, f"/notes/{lisbon}", "note", **desktop),
        shoot(signed_in_page, f"/notes/{lisbon}/edit", "edit", **desktop),
        shoot(signed_in_page, "/notes/", "mobile-list", **phone),
        shoot(signed_in_page, "/notes/", "dark", **(desktop | {"color_scheme": "dark"})),
    ]
    for path in made:
        assert path.stat().st_size > 10_000, path  # an image of a page, not a blank one
