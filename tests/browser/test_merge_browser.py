"""Two browsers edit one note: the second save lands on the merge page, with its own
text in the form and the other change within reach, and both saved together."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .axe import violations

BASE = "Groceries: eggs.\n\nCall the plumber.\n\nBook the train."


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_second_save_lands_on_the_merge_page_with_both_texts(signed_in_page, notes, javascript):
    note_id = notes.write("Plans", BASE)
    first = signed_in_page()
    second = signed_in_page(java_script_enabled=javascript, bypass_csp=javascript)  # for axe
    for page in (first, second):
        page.goto(f"/notes/{note_id}/edit")
        expect(page.get_by_label("Title")).to_be_focused()

    first.get_by_label("Body").fill(BASE.replace("eggs", "eggs, milk"))
    first.get_by_role("button", name="Save").click()
    expect(first.locator("#flash")).to_have_text("Note saved.")

    mine = BASE.replace("the train", "the night train")
    second.get_by_label("Body", exact=True).fill(mine)
    second.get_by_role("button", name="Save").click()
    merge = second.locator("#merge")
    expect(merge).to_be_visible()
    expect(second.locator("#form-errors")).to_contain_text("changed elsewhere")
    expect(second.get_by_label("Body", exact=True)).to_have_value(mine)
    expect(merge.locator(".diff-body ins")).to_have_text("[added: eggs, milk.]")
    merge.get_by_text("Their whole text").click()
    expect(merge.locator(".their-body")).to_have_text(BASE.replace("eggs", "eggs, milk"))
    combined = BASE.replace("eggs", "eggs, milk").replace("the train", "the night train")
    expect(second.get_by_label("The combined text")).to_have_value(combined)
    if javascript:
        assert violations(second) == []

    second.get_by_role("button", name="Save both changes together").click()
    expect(second).to_have_url(re.compile(rf"/notes/{note_id}$"))
    expect(second.locator(".note-body")).to_contain_text("eggs, milk")
    expect(second.locator(".note-body")).to_contain_text("night train")
    expect(second.locator("main article .meta")).to_contain_text("version 3")
