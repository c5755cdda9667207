"""Every route in the URL map, as an anonymous visitor, as another user, and without
a CSRF token. The routes are read from app.url_map, so a new one cannot slip past."""

from __future__ import annotations

import pytest

from .conftest import make_app, sign_in
from .html import csrf_token, soup

# Routes anyone may call; every other route must refuse an anonymous visitor.
PUBLIC = {
    "static",
    "home",
    "favicon",
    "theme.choose",  # a display preference for this browser, in a cookie
    "auth.login",
    "auth.signup",
    "api_docs.docs",
    "api-docs.openapi_json",
    "api_tokens.Tokens",  # Basic credentials or a bearer token, checked in the view
    "health.healthz",  # for load balancers: they say nothing about anyone's notes
    "health.readyz",
    "metrics.metrics",  # counts by route, no one's notes; by address only (test_metrics)
}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def routes():
    app = make_app("sqlite://")
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - IGNORED_METHODS):
            yield pytest.param(rule, method, id=f"{method} {rule.rule}")


ROUTES = list(routes())


@pytest.fixture
def world(app, user, make_notes, api_token):
    """Alice's note (edited once: it has a history), a note in her trash, her token and
    signed-in browser; and Bob signed in (browser) and with a token (API)."""
    from notesweb.auth import service
    from notesweb.extensions import db
    from notesweb.models import ApiToken, LoginSession
    from notesweb.notes import service as notes_service

    note_id, trashed_id = make_notes(2)
    alice = app.test_client()
    sign_in(alice, "alice")
    alice.post(
        f"/notes/{trashed_id}/delete", headers={"X-CSRFToken": csrf_token(alice.get("/notes/"))}
    )
    with app.app_context():
        alice_user = service.find_user("alice")
        notes_service.update_note(notes_service.get_note(alice_user, note_id), body="v2")
        token_id = db.session.query(ApiToken.id).scalar()
        session_id = db.session.query(LoginSession.id).order_by(LoginSession.id).first()[0]
        bob = service.create_user("bob", "bob's long passphrase")
        bob_token, _ = service.create_token(bob)
    bob_browser = app.test_client()
    sign_in(bob_browser, "bob", "bob's long passphrase")
    return {
        "values": {"note_id": note_id, "token_id": token_id, "session_id": session_id},
        "trashed_id": trashed_id,
        "bob_browser": bob_browser,
        "bob_token": bob_token,
    }


def in_trash(rule) -> bool:
    return rule.endpoint.startswith(("trash.", "api_trash."))


def url_for_rule(rule, values) -> str:
    return rule.build({k: values.get(k, 1) for k in rule.arguments}, append_unknown=False)[1]


def test_the_public_routes_are_exactly_the_listed_ones():
    endpoints = {r.values[0].endpoint for r in ROUTES}
    assert PUBLIC <= endpoints  # a renamed public route must be renamed here too


PRIVATE = [r for r in ROUTES if r.values[0].endpoint not in PUBLIC]


@pytest.mark.parametrize(("rule", "method"), PRIVATE)
def test_anonymous_visitors_are_sent_to_sign_in(app, world, rule, method):
    client = app.test_client()
    url = url_for_rule(rule, world["values"])
    headers = {"X-CSRFToken": csrf_token(client.get("/login"))}
    response = client.open(url, method=method, headers=headers, json={})
    if rule.rule.startswith("/api/"):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    elif method == "POST" and hasattr(app.view_functions[rule.endpoint], "typed_form"):
        # A note's text is never dropped on the way to signing in: it comes back.
        assert response.status_code == 401
        assert soup(response).select_one(".error-page a[href='/login']") is not None
    else:
        assert response.status_code == 303
        assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    ("rule", "method"),
    [r for r in ROUTES if {"note_id", "token_id", "session_id"} & r.values[0].arguments],
)
def test_another_users_things_are_404(app, world, rule, method):
    values = world["values"]
    if in_trash(rule):  # a note in Alice's trash, where these routes look
        values = values | {"note_id": world["trashed_id"]}
    url = url_for_rule(rule, values)
    if rule.rule.startswith("/api/"):
        client, headers = app.test_client(), {"Authorization": f"Bearer {world['bob_token']}"}
    else:
        client = world["bob_browser"]
        headers = {"X-CSRFToken": csrf_token(client.get("/login"))}
    response = client.open(url, method=method, headers=headers, json={"title": "Bob's now"})
    assert response.status_code == 404
    alice = app.test_client()
    sign_in(alice, "alice")
    assert alice.get(f"/notes/{world['values']['note_id']}").status_code == 200
    assert alice.get(f"/trash/{world['trashed_id']}").status_code == 200
    assert alice.get(f"/notes/{world['values']['note_id']}/history/1").status_code == 200


STATE_CHANGING = [
    r for r in ROUTES if r.values[1] == "POST" and not r.values[0].rule.startswith("/api/")
]


def test_every_html_form_route_is_in_the_csrf_matrix():
    assert len(STATE_CHANGING) >= 10


@pytest.mark.parametrize(("rule", "method"), STATE_CHANGING)
def test_state_changing_routes_refuse_a_missing_or_wrong_csrf_token(
    app, client, world, rule, method
):
    url = url_for_rule(rule, world["values"])
    for headers in ({}, {"X-CSRFToken": "forged"}):
        response = client.post(url, data={"title": "x"}, headers=headers)
        assert response.status_code == 400, (url, headers)
    assert client.get(f"/notes/{world['values']['note_id']}").status_code == 200
