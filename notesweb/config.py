"""Settings from the environment (and a `.env` file beside the project).

Every setting is documented in `.env.example`.
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import NoReturn

from dotenv import load_dotenv

PRODUCTION = "production"
DEVELOPMENT = "development"


# A key anyone could guess signs sessions anyone could forge.
SECRET_KEY_MIN = 32

# gunicorn's arbiter stops (instead of respawning workers forever) on this exit code.
WORKER_BOOT_ERROR = 3


def refuse_to_start(reason: str) -> NoReturn:
    """A setting makes the app unable to start: say why in one line, and exit."""
    print(f"notesweb: {reason}", file=sys.stderr)
    raise SystemExit(WORKER_BOOT_ERROR)


def load_settings(instance_path: str, overrides: dict | None = None) -> dict:
    """Settings from the environment, with `overrides` (tests) taking precedence."""
    overrides = overrides or {}
    load_dotenv(override=False)
    env = os.environ.get("NOTESWEB_ENV", PRODUCTION).strip().lower()
    if env not in (PRODUCTION, DEVELOPMENT):
        refuse_to_start(f"NOTESWEB_ENV must be {PRODUCTION!r} or {DEVELOPMENT!r}")
    default_db = "sqlite:///" + str(Path(instance_path) / "notesweb.sqlite3")
    settings = {
        "NOTESWEB_ENV": env,
        "SQLALCHEMY_DATABASE_URI": _database_url(os.environ.get("DATABASE_URL", default_db)),
        # A sync gunicorn worker serves one request per thread, and a request holds one
        # connection: that many per process, and no overflow (see docs/deploy.md).
        "DATABASE_POOL_SIZE": int(
            os.environ.get("DATABASE_POOL_SIZE", os.environ.get("GUNICORN_THREADS", 1))
        ),
        "DATABASE_MAX_OVERFLOW": int(os.environ.get("DATABASE_MAX_OVERFLOW", 0)),
        # Seconds to wait for a connection (from the pool, or a new one from the server)
        # before the request is answered 503 instead of hanging until gunicorn's timeout.
        "DATABASE_POOL_TIMEOUT": int(os.environ.get("DATABASE_POOL_TIMEOUT", 5)),
        "DATABASE_CONNECT_TIMEOUT": int(os.environ.get("DATABASE_CONNECT_TIMEOUT", 5)),
        # Before `flask db upgrade` changes an SQLite schema, a copy of the database goes
        # to instance/backups/ (the last 5 are kept). Off for the tests' apps: their
        # throwaway databases would crowd out the instance's own backups.
        "BACKUP_BEFORE_UPGRADE": _flag(
            os.environ.get("BACKUP_BEFORE_UPGRADE", "false" if overrides.get("TESTING") else "true")
        ),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 1024 * 1024)),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").upper(),
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "json").strip().lower(),
        "METRICS_ENABLED": _flag(os.environ.get("METRICS_ENABLED", "true")),
        # Who may read /metrics (after TRUSTED_PROXIES, the real client address).
        "METRICS_ALLOW": _networks(os.environ.get("METRICS_ALLOW", "127.0.0.1, ::1")),
        "PREFERRED_URL_SCHEME": os.environ.get("PREFERRED_URL_SCHEME", "http"),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed;
        # 0 believes none, since anyone can send those headers to an exposed app.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", 0)),
        "SESSION_COOKIE_SECURE": _flag(os.environ.get("SESSION_COOKIE_SECURE", "false")),
        "REGISTRATION_OPEN": _flag(os.environ.get("REGISTRATION_OPEN", "true")),
        "API_TOKEN_DAYS": int(os.environ.get("API_TOKEN_DAYS", 30)),
        # The largest zip an import takes, in MB (any other request: MAX_CONTENT_LENGTH).
        "IMPORT_MAX_MB": _whole("IMPORT_MAX_MB", 256, minimum=1, maximum=100_000),
        # Deleted notes stay in the trash this long, then are purged.
        "TRASH_DAYS": _whole("TRASH_DAYS", 30, minimum=1, maximum=36_500),
        # A sign-in ends after this long without a request, and this long after it began,
        # whatever the browser keeps (checked on the server at every request).
        "SESSION_IDLE_TIMEOUT": _seconds("SESSION_IDLE_TIMEOUT", 7 * 24 * 3600),
        "SESSION_LIFETIME": _seconds("SESSION_LIFETIME", 30 * 24 * 3600),
        # Rate limits: in memory per process by default; redis://… shares them.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_NAMESPACE": os.environ.get("RATELIMIT_NAMESPACE", "notesweb"),
        # The last 60 seconds, not the clock's minute, so no burst across a window edge;
        # estimated from this minute's count and the last one's, at a constant cost per
        # hit (a moving window keeps every hit, and its cost grows with the limit).
        "RATELIMIT_STRATEGY": "sliding-window-counter",
        # No X-RateLimit-* headers: each would cost every request a second round trip
        # to Redis. A refused request still says when to come back (Retry-After).
        "RATELIMIT_HEADERS_ENABLED": False,
        # Redis gone: count in memory meanwhile rather than refuse every sign-in.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_HEADER_RETRY_AFTER_VALUE": "delta-seconds",
        # NIST SP 800-63B: at least 8, and 12 or more for passwords alone.
        "PASSWORD_MIN_LENGTH": _whole("PASSWORD_MIN_LENGTH", 12, minimum=8),
        # scrypt's N = 2**cost (OWASP: 17). Lower only for tests.
        "PASSWORD_HASH_COST": _whole("PASSWORD_HASH_COST", 17, minimum=14, maximum=20),
        # Failed sign-ins per username and address; per username from anywhere (a
        # browser that signed in to it before is not held); per address.
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "5 per minute"),
        "LOGIN_USERNAME_RATE_LIMIT": os.environ.get("LOGIN_USERNAME_RATE_LIMIT", "20 per hour"),
        "LOGIN_ADDRESS_RATE_LIMIT": os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "20 per minute"),
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "1200 per minute"),
        "API_AUTH_FAILURE_LIMIT": os.environ.get("API_AUTH_FAILURE_LIMIT", "30 per minute"),
        # A CSRF token lives as long as the session: a note written over an hour
        # must not be refused for taking its time.
        "WTF_CSRF_TIME_LIMIT": None,
        **overrides,
    }
    if not settings.get("SECRET_KEY"):
        settings["SECRET_KEY"] = _secret_key(env, instance_path)
    return settings


def _flag(value: str) -> bool:
    if value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if value.strip().lower() in ("0", "false", "no", "off"):
        return False
    refuse_to_start(f"{value!r} is not a yes/no setting (use true or false)")


def _seconds(name: str, default: int) -> int:
    value = os.environ.get(name, str(default)).strip()
    if not value.isdecimal() or int(value) == 0:
        refuse_to_start(f"{name} must be a whole number of seconds above 0, not {value!r}")
    return int(value)


def _whole(name: str, default: int, *, minimum: int, maximum: int = 1_000) -> int:
    value = os.environ.get(name, str(default)).strip()
    if not value.isdecimal() or not minimum <= int(value) <= maximum:
        refuse_to_start(f"{name} must be a whole number from {minimum} to {maximum}, not {value!r}")
    return int(value)


def _networks(setting: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """Comma-separated addresses or networks: `10.0.0.0/8, 192.168.1.7, ::1`."""
    try:
        return tuple(ip_network(part.strip()) for part in setting.split(",") if part.strip())
    except ValueError as exc:
        refuse_to_start(f"METRICS_ALLOW: {exc}")


def _database_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _secret_key(env: str, instance_path: str) -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key and env == PRODUCTION and len(key) < SECRET_KEY_MIN:
        refuse_to_start(
            f"SECRET_KEY is {len(key)} characters; production needs at least {SECRET_KEY_MIN} "
            "(python3 -c 'import secrets; print(secrets.token_hex(32))')"
        )
    if key:
        return key
    if env == PRODUCTION:
        refuse_to_start(
            "SECRET_KEY is not set; set it in the environment or .env "
            "(or NOTESWEB_ENV=development to generate one)"
        )
    # Kept in the instance folder so every worker and every restart signs alike.
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_when_written(path)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32))
    print(f"notesweb: development SECRET_KEY generated in {path}", file=sys.stderr)
    return path.read_text().strip()


def _read_when_written(path: Path) -> str:
    # Another worker may have created the file an instant ago and not written it yet.
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)
    refuse_to_start(f"{path} is empty; delete it to generate a new key")
