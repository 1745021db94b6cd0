"""A word-level diff of two versions of a text, for showing a revision to a person. Pure: no Django."""

import difflib
import re
from dataclasses import dataclass

# Words, runs of spaces and single punctuation marks: "ten," → "10," shows only the number as changed.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
#: Unchanged stretches longer than this are shown as their first and last CONTEXT characters.
CONTEXT = 160


@dataclass(frozen=True)
class DiffPart:
    kind: str  # "equal", "delete", "insert", or "skip" (unchanged text left out; `text` says how much)
    text: str


def diff_texts(old: str, new: str) -> list[DiffPart]:
    """A word-level diff of two versions of a text, unchanged stretches shortened around the changes.

    The parts are plain text; templates escape them like any other text.
    """
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    # autojunk off: in a long article, common words and spaces would otherwise be ignored as anchors.
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    parts: list[DiffPart] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.extend(_shortened("".join(old_tokens[i1:i2]), first=not parts, last=i2 == len(old_tokens)))
            continue
        if i2 > i1:
            parts.append(DiffPart("delete", "".join(old_tokens[i1:i2])))
        if j2 > j1:
            parts.append(DiffPart("insert", "".join(new_tokens[j1:j2])))
    return parts


def _shortened(text: str, *, first: bool, last: bool) -> list[DiffPart]:
    """An unchanged stretch, keeping CONTEXT characters next to each change around it."""
    keep_head = 0 if first else CONTEXT
    keep_tail = 0 if last else CONTEXT
    if len(text) <= keep_head + keep_tail + CONTEXT:
        return [DiffPart("equal", text)]
    left_out = len(text) - keep_head - keep_tail
    parts = [DiffPart("equal", text[:keep_head])] if keep_head else []
    parts.append(DiffPart("skip", f"{left_out:,} unchanged characters"))
    if keep_tail:
        parts.append(DiffPart("equal", text[-keep_tail:]))
    return parts
