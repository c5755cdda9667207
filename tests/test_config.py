"""Settings: production refuses to start without a secret; development makes one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """Import the WSGI module in a fresh process, as gunicorn would."""
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "NOTESWEB_ENV")}
    clean |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "NOTESWEB_INSTANCE_PATH": str(tmp_path / "instance"),
        **env,
    }
    code = "import wsgi; print(wsgi.app.config['NOTESWEB_ENV'])"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=clean | {"PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_production_without_secret_key_refuses_with_one_line(tmp_path):
    result = start(tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "SECRET_KEY is not set" in lines[0]


def test_production_with_secret_key_starts(tmp_path):
    result = start(tmp_path, SECRET_KEY="x" * 64)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "production"


def test_development_generates_a_key_once_and_says_so(tmp_path):
    first = start(tmp_path, NOTESWEB_ENV="development")
    assert first.returncode == 0, first.stderr
    assert "development SECRET_KEY generated" in first.stderr
    key = (tmp_path / "instance" / "secret_key").read_text().strip()
    assert len(key) >= 64
    second = start(tmp_path, NOTESWEB_ENV="development")
    assert "generated" not in second.stderr
    assert (tmp_path / "instance" / "secret_key").read_text().strip() == key


def test_settings_come_from_a_dotenv_file(tmp_path):
    (tmp_path / ".env").write_text(f"SECRET_KEY={'from-dotenv' * 4}\nNOTESWEB_ENV=production\n")
    result = start(tmp_path)
    assert result.returncode == 0, result.stderr


def test_an_unknown_environment_name_is_refused(tmp_path):
    result = start(tmp_path, NOTESWEB_ENV="staging", SECRET_KEY="x")
    assert result.returncode != 0
    assert "NOTESWEB_ENV must be" in result.stderr
