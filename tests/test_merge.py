"""Merge, not overwrite: a save that meets a newer version shows the other change
against the version the person started from, keeps their text in the form, and offers
both changes together where they touch different paragraphs."""

from __future__ import annotations

import pytest

from notesweb.extensions import db
from notesweb.models import NoteRevision
from notesweb.notes.merge import merge_titles, three_way

from .html import textarea_value

BASE = "Groceries: eggs.\n\nCall the plumber.\n\nBook the train."


def two_tabs(browser_client, title="Plans", body=BASE):
    """The note's edit form opened twice, as two tabs would."""
    created = browser_client.submit(
        browser_client.get("/notes/new"), "#note-form", title=title, body=body
    )
    edit_url = created.url + "/edit"
    return created.url, browser_client.get(edit_url), browser_client.get(edit_url)


def test_changes_to_different_paragraphs_are_offered_together(browser_client):
    url, first, second = two_tabs(browser_client)
    theirs = BASE.replace("eggs", "eggs, milk")
    browser_client.submit(first, "#note-form", body=theirs)
    mine = BASE.replace("the train", "the night train")
    clash = browser_client.submit(second, "#note-form", body=mine)
    assert clash.status == 409
    html = clash.html
    assert textarea_value(html.select_one("#body")) == mine  # theirs never replaces mine
    change = html.select_one("#merge .diff-body")
    assert [d.get_text() for d in change.select("del")] == ["[removed: eggs.]"]
    assert [i.get_text() for i in change.select("ins")] == ["[added: eggs, milk.]"]
    assert "version 1, which you started from" in html.select_one("#merge").get_text()
    assert html.select_one("#their-text .their-body").get_text() == theirs
    combined = BASE.replace("eggs", "eggs, milk").replace("the train", "the night train")
    assert textarea_value(html.select_one("#combined_body")) == combined
    assert html.select_one("#combined_body").has_attr("readonly")
    assert html.select_one("#version")["value"] == "2"

    saved = browser_client.submit(clash, "#note-form", press="#keep_both")
    assert saved.url == url
    assert saved.flash_messages() == ["Note saved."]
    assert "version 3" in saved.html.select_one("article .meta").get_text()
    assert "eggs, milk" in saved.html.select_one(".note-body").get_text()
    assert "night train" in saved.html.select_one(".note-body").get_text()


def test_changes_to_the_same_paragraph_leave_the_choice_to_the_person(browser_client):
    url, first, second = two_tabs(browser_client)
    browser_client.submit(first, "#note-form", body=BASE.replace("eggs", "bread"))
    clash = browser_client.submit(second, "#note-form", body=BASE.replace("eggs", "rice"))
    assert clash.status == 409
    html = clash.html
    assert html.select_one("#combined_body") is None and html.select_one("#keep_both") is None
    change = html.select_one("#merge .diff-body")
    assert [d.get_text() for d in change.select("del")] == ["[removed: eggs.]"]
    assert [i.get_text() for i in change.select("ins")] == ["[added: bread.]"]
    assert html.select_one("#keep-theirs")["href"] == url
    assert html.select_one("#save-note").get_text() == "Save mine"
    kept_mine = browser_client.submit(clash, "#note-form", press="#save-note")
    assert "rice" in kept_mine.html.select_one(".note-body").get_text()
    # Theirs is not lost either: it is the version mine replaced.
    history = browser_client.get(url + "/history/")
    assert "bread" in history.html.select_one("#versions [data-version='2'] .diff-body").get_text()


def test_a_title_changed_on_one_side_and_the_body_on_the_other_fit_together(browser_client):
    url, first, second = two_tabs(browser_client)
    browser_client.submit(first, "#note-form", title="Plans for the weekend")
    clash = browser_client.submit(second, "#note-form", body=BASE + "\n\nWater the plants.")
    assert clash.html.select_one("#combined_title")["value"] == "Plans for the weekend"
    title_change = clash.html.select_one("#merge .diff-title").get_text()
    assert title_change == "Title: Plans[added:  for the weekend]"
    saved = browser_client.submit(clash, "#note-form", press="#keep_both")
    assert saved.html.select_one("article h1").get_text() == "Plans for the weekend"
    assert "Water the plants." in saved.html.select_one(".note-body").get_text()


def test_without_the_version_started_from_their_whole_text_is_shown(app, browser_client):
    url, first, second = two_tabs(browser_client)
    browser_client.submit(first, "#note-form", body="theirs")
    with app.app_context():
        db.session.execute(db.delete(NoteRevision))  # as for a note older than history
        db.session.commit()
    clash = browser_client.submit(second, "#note-form", body="mine")
    assert clash.status == 409
    assert clash.html.select_one("#merge .diff-body") is None
    assert clash.html.select_one("#their-text").has_attr("open")
    assert clash.html.select_one("#their-text .their-body").get_text() == "theirs"
    assert textarea_value(clash.html.select_one("#body")) == "mine"


@pytest.mark.parametrize(
    ("mine", "theirs", "merged"),
    [
        ("A!\n\nB\n\nC", "A\n\nB\n\nC!", "A!\n\nB\n\nC!"),
        ("A!\n\nB\n\nC", "A\n\nB!\n\nC", "A!\n\nB!\n\nC"),  # neighbours
        ("A\n\nnew\n\nB\n\nC", "A\n\nB\n\nC\n\nend", "A\n\nnew\n\nB\n\nC\n\nend"),
        ("A\n\nB\n\nC", "A\n\nB\n\nC!", "A\n\nB\n\nC!"),  # only theirs
        ("A!\n\nB\n\nC", "A!\n\nB\n\nC", "A!\n\nB\n\nC"),  # the same change
        ("A!\n\nB\n\nC", "A?\n\nB\n\nC", None),
        ("A\n\nX\n\nB\n\nC", "A\n\nY\n\nB\n\nC", None),  # two insertions in one place
        ("C", "A\n\nB!\n\nC", None),  # a deletion around their change
    ],
)
def test_three_way(mine, theirs, merged):
    assert three_way("A\n\nB\n\nC", mine, theirs) == merged


def test_merge_titles():
    assert merge_titles("a", "b", "a") == "b"
    assert merge_titles("a", "a", "c") == "c"
    assert merge_titles("a", "b", "c") is None
