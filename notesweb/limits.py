"""Limits on what a note may hold: the form, the API schema and the service use these."""

import re

TITLE_MAX = 200
BODY_MAX = 50_000
PAGE_SIZE = 20
API_LIMIT_MAX = 100
# Skipping costs a walk over the skipped entries of the list's index (about 1.6 ms per
# 10,000 at a million notes); deeper than this, the cursor serves every page alike.
API_OFFSET_MAX = 10_000
# Ids are 32-bit on every database; a larger one cannot name a note.
ID_MAX = 2**31 - 1

# A #tag's longest name; a longer #word is not taken for a tag.
TAG_MAX = 64

USERNAME_MAX = 40
# Long passphrases are welcome; the cap only keeps hashing cheap to refuse.
PASSWORD_MAX = 1024
TOKEN_NAME_MAX = 100
# What is kept of a browser's User-Agent, to describe its sign-in on the account page.
USER_AGENT_MAX = 512

# C0 and C1 control characters other than tab, newline and carriage return, and
# lone surrogates (JSON can carry them; no database can store them).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# What is trimmed from a one-line field's ends (a title, a token's name), and what
# may not stand inside it.
TRIMMED = " \t\n\r"
LINE_BREAKS = re.compile(r"[\t\n\r]")
