"""The edges of paging: the first and last pages, a count that fills its pages
exactly, pages whose notes were deleted meanwhile, and the API's offsets."""

from __future__ import annotations

import pytest

from notesweb.limits import PAGE_SIZE
from notesweb.models import User


def ids_on(page) -> list[int]:
    return [int(a["data-note-id"]) for a in page.html.select("#note-list article")]


def total_on(page) -> str:
    return page.html.select_one("#notes-total").get_text(strip=True)


def delete_notes(app, user, ids) -> None:
    from notesweb.extensions import db
    from notesweb.notes import service, trash

    with app.app_context():
        owner = db.session.get(User, user.id)
        for note_id in ids:
            trash.trash_note(service.get_note(owner, note_id))


def test_newer_links_walk_back_to_the_first_page(browser_client, make_notes):
    ids = make_notes(PAGE_SIZE * 2 + 7)
    first = browser_client.get("/notes/")
    forward = [first]
    while forward[-1].html.select_one("#next-link") is not None:
        forward.append(browser_client.follow(forward[-1], "#next-link"))
    assert len(forward) == 3

    back = [forward[-1]]
    while back[-1].html.select_one("#previous-link") is not None:
        assert len(back) <= 3, "the Newer links go on past the first page"
        back.append(browser_client.follow(back[-1], "#previous-link"))
    assert [ids_on(page) for page in back] == [ids_on(page) for page in reversed(forward)]
    assert ids_on(back[-1]) == sorted(ids, reverse=True)[:PAGE_SIZE]
    # The first page, reached either way, offers no Newer link; the pager item is hidden.
    for page in (first, back[-1]):
        assert page.html.select_one("#previous-link") is None
        assert page.html.select_one("#pager-previous").has_attr("hidden")
        assert page.html.select_one("#next-link") is not None


@pytest.mark.parametrize("count", [PAGE_SIZE, PAGE_SIZE * 2])
def test_a_count_that_fills_its_pages_exactly_has_no_link_to_an_empty_page(
    browser_client, make_notes, count
):
    ids = make_notes(count)
    page = browser_client.get("/notes/")
    seen = ids_on(page)
    while page.html.select_one("#next-link") is not None:
        page = browser_client.follow(page, "#next-link")
        assert ids_on(page), f"an Older link led to an empty page: {page.url}"
        seen += ids_on(page)
    assert seen == sorted(ids, reverse=True)
    assert len(ids_on(page)) == PAGE_SIZE
    assert page.html.select_one("#load-more") is None
    assert page.html.select_one("#pager-next").has_attr("hidden")


def test_an_older_page_whose_notes_were_all_deleted(app, user, browser_client, make_notes):
    ids = make_notes(PAGE_SIZE + 5)
    newest_first = sorted(ids, reverse=True)
    first = browser_client.get("/notes/")
    older_url = first.html.select_one("#next-link")["href"]
    # The five notes of the second page go, and so does the note its cursor names.
    delete_notes(app, user, newest_first[PAGE_SIZE - 1 :])

    empty = browser_client.get(older_url)
    assert empty.status == 200
    assert ids_on(empty) == []
    assert total_on(empty) == f"{PAGE_SIZE - 1} notes"
    assert "No notes on this page any more." in empty.html.select_one("#notes").get_text()
    assert empty.html.select_one("#next-link") is None
    back = browser_client.follow(empty, "#previous-link")
    assert back.status == 200
    assert ids_on(back) == newest_first[: PAGE_SIZE - 1]
    assert back.html.select_one("#previous-link") is None
    assert back.html.select_one("#next-link") is None


def test_a_newer_page_whose_notes_were_all_deleted(app, user, browser_client, make_notes):
    ids = make_notes(PAGE_SIZE * 2 + 5)
    newest_first = sorted(ids, reverse=True)
    page = browser_client.get("/notes/")
    page = browser_client.follow(page, "#next-link")
    last = browser_client.follow(page, "#next-link")
    assert ids_on(last) == newest_first[PAGE_SIZE * 2 :]
    newer_url = last.html.select_one("#previous-link")["href"]
    # Every note newer than the last page goes; the last page's five stay.
    delete_notes(app, user, newest_first[: PAGE_SIZE * 2])
    remaining = newest_first[PAGE_SIZE * 2 :]

    # Nothing is newer any more: the newest page is shown rather than an empty one.
    newest = browser_client.get(newer_url)
    assert newest.status == 200
    assert total_on(newest) == "5 notes"
    assert newest.html.select_one("#previous-link") is None
    # The five remaining notes are all reachable from here, none skipped.
    seen, page = ids_on(newest), newest
    while page.html.select_one("#next-link") is not None:
        page = browser_client.follow(page, "#next-link")
        seen += ids_on(page)
    assert seen == remaining


def test_an_api_cursor_whose_notes_were_all_deleted(app, user, api_client, make_notes):
    ids = make_notes(25)
    newest_first = sorted(ids, reverse=True)
    cursor = api_client.get("/api/notes?limit=20").get_json()["next_cursor"]
    delete_notes(app, user, newest_first[19:])

    response = api_client.get(f"/api/notes?limit=20&cursor={cursor}")
    assert response.status_code == 200
    page = response.get_json()
    assert page["items"] == []
    assert page["total"] == 19
    assert page["offset"] is None
    assert page["next_cursor"] is None


@pytest.mark.parametrize(
    ("count", "limit"), [(25, 10), (30, 10), (7, 7), (8, 7), (1, 1)], ids=lambda v: str(v)
)
def test_only_the_last_offset_page_lacks_a_next_cursor(api_client, make_notes, count, limit):
    newest_first = make_notes(count)[::-1]
    offsets = range(0, count, limit)
    for offset in offsets:
        page = api_client.get(f"/api/notes?limit={limit}&offset={offset}").get_json()
        assert [n["id"] for n in page["items"]] == newest_first[offset : offset + limit]
        if offset == offsets[-1]:
            assert page["next_cursor"] is None, f"offset {offset} is the last page"
            continue
        assert page["next_cursor"] is not None, f"offset {offset} is not the last page"
        following = api_client.get(f"/api/notes?limit={limit}&cursor={page['next_cursor']}")
        assert following.status_code == 200
        expected = newest_first[offset + limit : offset + 2 * limit]
        assert [n["id"] for n in following.get_json()["items"]] == expected


def test_an_offset_past_the_end_is_an_empty_last_page(api_client, make_notes):
    make_notes(5)
    page = api_client.get("/api/notes?limit=5&offset=5").get_json()
    assert (page["items"], page["total"], page["next_cursor"]) == ([], 5, None)


def test_a_newer_link_reaches_the_one_note_left_above(app, user, browser_client, make_notes):
    """Page 2's Newer link starts from its own first note, not from the cursor: when
    all of page 1 but its last note is deleted, that note can still be reached."""
    ids = make_notes(PAGE_SIZE + 5)
    newest_first = sorted(ids, reverse=True)
    older_url = browser_client.get("/notes/").html.select_one("#next-link")["href"]
    delete_notes(app, user, newest_first[: PAGE_SIZE - 1])
    second = browser_client.get(older_url)
    assert ids_on(second) == newest_first[PAGE_SIZE:]
    newer = browser_client.follow(second, "#previous-link")
    assert ids_on(newer) == [newest_first[PAGE_SIZE - 1]]
