"""The note form. Its fields carry the limits as HTML attributes; the rules that
decide are in the service, so the browser and the API are held to the same ones."""

from wtforms import HiddenField, StringField, SubmitField, TextAreaField

from ..forms import ServiceForm
from ..limits import BODY_MAX, ID_MAX, TITLE_MAX


def browser_newlines(text):
    """Browsers send a textarea's line breaks as CRLF; the note holds what was typed."""
    return text.replace("\r\n", "\n") if isinstance(text, str) else text


class NoteForm(ServiceForm):
    title = StringField(
        "Title", render_kw={"maxlength": TITLE_MAX, "required": True, "autocomplete": "off"}
    )
    body = TextAreaField(
        "Body", filters=[browser_newlines], render_kw={"maxlength": BODY_MAX, "rows": 14}
    )
    # The version the person started editing from, to catch a change made meanwhile.
    version = HiddenField()
    # Pressed to see the body rendered; the text stays in the form and nothing is saved.
    preview = SubmitField("Preview")
    # After a conflict: both changes combined (notes.merge), saved by its own button.
    combined_title = HiddenField()
    combined_body = TextAreaField(
        "The combined text",
        filters=[browser_newlines],
        render_kw={"readonly": True, "rows": 10},
    )
    keep_both = SubmitField("Save both changes together")

    def expected_version(self) -> int | None:
        """The version the form started from; none if it names no version there can be."""
        try:
            version = int(self.version.data)
        except (TypeError, ValueError):
            return None
        return version if 0 < version <= ID_MAX else None
