"""Nested tags: a note tagged #project/alpha is listed, and counted, under #project
too. The notes already tagged so get their parent tags' rows.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from notesweb.notes.tags import tag_key, with_parents

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

COPIED = ("updated_at", "created_at", "sort_title", "pinned")


def upgrade():
    bind = op.get_bind()
    nested = bind.execute(sa.text("SELECT id, owner_id, key, name FROM tags WHERE key LIKE '%/%'"))
    parents: set[tuple[int, str]] = set()
    for tag_id, owner_id, key, name in nested.all():
        for parent_key, parent_name in with_parents({key: name}).items():
            if parent_key == key:
                continue
            bind.execute(
                sa.text(
                    "INSERT INTO tags (owner_id, key, name, note_count) "
                    "VALUES (:owner, :key, :name, 0) ON CONFLICT (owner_id, key) DO NOTHING"
                ),
                {"owner": owner_id, "key": parent_key, "name": parent_name},
            )
            bind.execute(
                sa.text(
                    f"""INSERT INTO note_tags (note_id, tag_id, {", ".join(COPIED)})
                    SELECT child.note_id, parent.id, {", ".join(f"child.{c}" for c in COPIED)}
                    FROM note_tags AS child
                    JOIN tags AS parent ON parent.owner_id = :owner AND parent.key = :key
                    WHERE child.tag_id = :child AND NOT EXISTS (
                        SELECT 1 FROM note_tags AS had
                        WHERE had.note_id = child.note_id AND had.tag_id = parent.id)"""
                ),
                {"owner": owner_id, "key": parent_key, "child": tag_id},
            )
            parents.add((owner_id, parent_key))
    for owner_id, key in parents:
        bind.execute(
            sa.text(
                """UPDATE tags SET note_count = (
                    SELECT count(*) FROM note_tags WHERE note_tags.tag_id = tags.id)
                WHERE owner_id = :owner AND key = :key"""
            ),
            {"owner": owner_id, "key": key},
        )


def downgrade():
    """Each note keeps the rows of the tags written in it (its `tag_names`) alone."""
    bind = op.get_bind()
    tagged = bind.execute(
        sa.text(
            """SELECT notes.id, notes.tag_names, tags.id, tags.key FROM note_tags
            JOIN notes ON notes.id = note_tags.note_id
            JOIN tags ON tags.id = note_tags.tag_id"""
        )
    )
    implied = [
        {"note": note_id, "tag": tag_id}
        for note_id, names, tag_id, key in tagged.all()
        if key not in {tag_key(name) for name in names.split()}
    ]
    if implied:
        bind.execute(
            sa.text("DELETE FROM note_tags WHERE note_id = :note AND tag_id = :tag"), implied
        )
        bind.execute(
            sa.text(
                """UPDATE tags SET note_count = (
                    SELECT count(*) FROM note_tags WHERE note_tags.tag_id = tags.id)"""
            )
        )
