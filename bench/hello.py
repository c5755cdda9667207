"""The ceiling: a bare WSGI "hello" that does nothing, under the same gunicorn."""


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"hello"]
