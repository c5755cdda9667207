"""The yardstick the speed targets were set against: a minimal Flask +
Flask-SQLAlchemy app that answers GET /api/notes/<id> from the same database with one
ORM query and jsonify, and nothing else (no token, no rate limit, no log, no metrics).
bench/speed.py serves it under the same gunicorn settings as notesweb."""

from __future__ import annotations

import os
from datetime import datetime

from flask import Flask, abort, jsonify
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Note(db.Model):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int]


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db.init_app(app)


@app.get("/api/notes/<int:note_id>")
def get_note(note_id: int):
    note = db.session.get(Note, note_id)
    if note is None:
        abort(404)
    return jsonify(
        id=note.id,
        title=note.title,
        body=note.body,
        created_at=note.created_at.isoformat(),
        updated_at=note.updated_at.isoformat(),
        version=note.version,
    )
