"""docs/operating.md stays true: the metrics it lists are the ones served, and the
alert rules it ships are valid and fire when they should (promtool)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from .servers import required

ROOT = Path(__file__).resolve().parent.parent
OPERATING = ROOT / "docs" / "operating.md"


@pytest.fixture(scope="module")
def promtool() -> str:
    found = shutil.which("promtool")
    required("promtool (Debian: prometheus)", found)
    return found


def test_the_alert_rules_are_valid(promtool):
    checked = subprocess.run(
        [promtool, "check", "rules", "deploy/prometheus-alerts.yml"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 4 rules found" in checked.stdout


def test_each_alert_fires_when_it_should_and_only_then(promtool):
    tested = subprocess.run(
        [promtool, "test", "rules", "alerts_test.yml"],
        cwd=ROOT / "tests" / "prometheus", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_the_documented_metrics_are_the_served_ones(anon_client):
    documented = set(re.findall(r"^\| `(notesweb_\w+)` \|", OPERATING.read_text(), re.M))
    text = anon_client.get("/metrics").get_data(as_text=True)
    served = {
        family.name + ("_total" if family.type == "counter" else "")
        for family in text_string_to_metric_families(text)
        if family.name.startswith("notesweb_")
    }
    assert documented == served
