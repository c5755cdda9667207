"""gunicorn serves `wsgi:app`."""

from notesweb import create_app

app = create_app()
