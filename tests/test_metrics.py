"""/metrics in one process: every metric operators alert on, labelled by route, and
only for the addresses allowed to read it. (Exact sums over gunicorn's workers:
test_observability_server.py.)"""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from prometheus_client.parser import text_string_to_metric_families

from notesweb.config import WORKER_BOOT_ERROR

from .conftest import make_app

NOTE_ROUTE = "/api/notes/<int:note_id>"


def scrape(client) -> dict[tuple[str, frozenset], float]:
    """Every sample of /metrics, keyed by name and labels."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    families = text_string_to_metric_families(response.get_data(as_text=True))
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in families
        for sample in family.samples
    }


def value(samples, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_every_metric_is_exposed_with_its_labels(api_client, make_notes):
    (note_id,) = make_notes(1)
    api_client.get(f"/api/notes/{note_id}")
    samples = scrape(api_client)
    names = {name for name, _labels in samples}
    assert {
        "notesweb_http_requests_total",
        "notesweb_http_request_duration_seconds_bucket",
        "notesweb_http_request_duration_seconds_count",
        "notesweb_http_requests_in_progress",
        "notesweb_db_queries_total",
        "notesweb_db_query_duration_seconds_bucket",
        "notesweb_build_info",
    } <= names
    # The scrape itself is the one request in progress.
    assert value(samples, "notesweb_http_requests_in_progress") == 1
    (build,) = [labels for name, labels in samples if name == "notesweb_build_info"]
    assert dict(build)["version"] and value(samples, "notesweb_build_info", **dict(build)) == 1
    buckets = {
        float(dict(labels)["le"])
        for name, labels in samples
        if name == "notesweb_http_request_duration_seconds_bucket"
    }
    assert min(buckets) == 0.001 and max(b for b in buckets if b != float("inf")) == 10


def test_requests_are_counted_by_route_status_and_time(api_client, make_notes):
    (note_id,) = make_notes(1)
    before = scrape(api_client)
    for _ in range(7):
        assert api_client.get(f"/api/notes/{note_id}").status_code == 200
    api_client.get("/api/notes/999999")
    after = scrape(api_client)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    ok = {"method": "GET", "route": NOTE_ROUTE, "status": "200"}
    assert grew("notesweb_http_requests_total", **ok) == 7
    assert grew("notesweb_http_requests_total", **ok | {"status": "404"}) == 1
    timed = {"method": "GET", "route": NOTE_ROUTE}
    assert grew("notesweb_http_request_duration_seconds_count", **timed) == 8
    assert grew("notesweb_http_request_duration_seconds_bucket", **timed, le="+Inf") == 8
    assert grew("notesweb_http_request_duration_seconds_sum", **timed) > 0
    # The token, then the note: at least two statements per request, all timed.
    queries = grew("notesweb_db_queries_total", route=NOTE_ROUTE)
    assert queries >= 16
    assert grew("notesweb_db_query_duration_seconds_count") >= queries


def test_a_path_without_a_route_is_unmatched_never_its_raw_path(anon_client):
    before = scrape(anon_client)
    anon_client.get("/no/such/page/12345")
    text = anon_client.get("/metrics").get_data(as_text=True)
    after = scrape(anon_client)
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert (
        value(after, "notesweb_http_requests_total", **unmatched)
        - value(before, "notesweb_http_requests_total", **unmatched)
        == 1
    )
    assert "12345" not in text


def migrated(database_url, **settings):
    app = make_app(database_url, **settings)
    with app.app_context():
        upgrade()
    return app


@pytest.mark.parametrize(
    ("allow", "client_address", "status"),
    [
        (None, "127.0.0.1", 200),
        (None, "::1", 200),
        (None, "203.0.113.5", 404),
        ("10.0.0.0/8, 203.0.113.5", "203.0.113.5", 200),
        ("10.0.0.0/8, 203.0.113.5", "10.1.2.3", 200),
        ("10.0.0.0/8, 203.0.113.5", "127.0.0.1", 404),
    ],
)
def test_metrics_answer_only_the_allowed_addresses(
    database_url, monkeypatch, allow, client_address, status
):
    if allow is not None:
        monkeypatch.setenv("METRICS_ALLOW", allow)
    client = migrated(database_url).test_client()
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": client_address})
    assert response.status_code == status
    if status == 404:
        assert "notesweb_" not in response.get_data(as_text=True)


def test_behind_a_proxy_the_real_client_address_counts(database_url, monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    client = migrated(database_url).test_client()
    forwarded = {"X-Forwarded-For": "198.51.100.7"}
    assert client.get("/metrics", headers=forwarded).status_code == 404
    local = {"X-Forwarded-For": "127.0.0.1"}
    assert client.get("/metrics", headers=local).status_code == 200


def test_a_malformed_allow_list_stops_the_app_with_a_reason(database_url, monkeypatch, capsys):
    monkeypatch.setenv("METRICS_ALLOW", "10.0.0.0/8, not-an-address")
    with pytest.raises(SystemExit) as stopped:
        make_app(database_url)
    assert stopped.value.code == WORKER_BOOT_ERROR
    assert "METRICS_ALLOW" in capsys.readouterr().err


def test_metrics_can_be_switched_off(database_url, monkeypatch):
    monkeypatch.setenv("METRICS_ENABLED", "false")
    app = migrated(database_url)
    assert app.test_client().get("/metrics").status_code == 404
    assert "metrics" not in app.blueprints
