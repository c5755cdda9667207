"""Production server settings, read from the environment."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# The longest request line gunicorn allows: long cursors and query strings fit.
limit_request_line = 8190
accesslog = None  # the app logs one JSON line per request itself
errorlog = "-"
# gunicorn 27 opens a control socket under ~/.gunicorn by default.
control_socket_disable = True
