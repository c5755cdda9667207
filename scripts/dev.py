"""The two commands of the README, on a machine that has only Python 3.11+.

    python3 scripts/dev.py serve   # environment, migrations, gunicorn (GUNICORN_BIND)
    python3 scripts/dev.py test    # environment with the test tools, then pytest [ARGS]

Both create `.venv/` and install the locked dependencies into it when the lock file
changed since the last install.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_environment(lock: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 (run by whatever python3 is on PATH)
        sys.exit("notesweb needs Python 3.11 or newer")
    if not PYTHON.exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    lock_path = ROOT / lock
    stamp = VENV / f".installed-{Path(lock).stem}"
    digest = hashlib.sha256(
        lock_path.read_bytes() + (ROOT / "pyproject.toml").read_bytes()
    ).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"Installing dependencies from {lock} ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "-r", str(lock_path)], check=True)
    subprocess.run([*pip, "--no-deps", "--editable", str(ROOT)], check=True)
    stamp.write_text(digest)


def serve() -> None:
    ensure_environment("requirements.lock")
    env = dict(os.environ)
    env.setdefault("NOTESWEB_ENV", "development")
    env.setdefault("LOG_FORMAT", "console")
    flask = [str(BIN / "flask"), "--app", "notesweb"]
    subprocess.run([*flask, "db", "upgrade"], check=True, env=env, cwd=ROOT)
    # gunicorn.conf.py reads GUNICORN_BIND from the environment or .env, and says
    # where it serves once it does (or, in one line, why it cannot).
    gunicorn = [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"]
    os.chdir(ROOT)
    os.execve(gunicorn[0], gunicorn, env)


def test(args: list[str]) -> None:
    ensure_environment("requirements-dev.lock")
    os.chdir(ROOT)
    result = subprocess.run([str(PYTHON), "-m", "pytest", *args])
    sys.exit(result.returncode)


def main() -> None:
    command, *rest = sys.argv[1:] or ["help"]
    if command == "serve":
        serve()
    elif command == "test":
        test(rest)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
