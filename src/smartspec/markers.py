"""The machine-readable parts of a spec: the settings comment and the critical-section tags.

Both the renderer (which writes them) and the document parser (which reads them) use these
patterns, so the two can never disagree about the format (design.md §5).
"""

from __future__ import annotations

import json

from smartspec.lazyre import is_word_char, lazy_re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SETTINGS_SCHEMA = 1

# The formats below are defined by these patterns; the readers after them (``settings_json``,
# ``meta_tag``) give the same answers with ``str`` operations, which the tests hold them to on
# every golden spec's lines, so a run that reads a spec compiles none of them.

# <!-- smartspec: {"schema":1,...} -->   (one line; the JSON never contains "<" or ">")
SETTINGS_RE = lazy_re(r"^<!-- smartspec: (?P<json>\{.*\}) -->\s*$")

# <!-- @critical NAME -->  and  <!-- @critical NAME allow-update -->
CRITICAL_OPEN_RE = lazy_re(
    r"^<!--\s*@critical\s+(?P<name>[A-Za-z0-9_-]+)(?P<allow>\s+allow-update)?\s*-->\s*$"
)
# <!-- @end-critical -->
CRITICAL_CLOSE_RE = lazy_re(r"^<!--\s*@end-critical\s*-->\s*$")
# Anything that looks like a meta tag at all, valid or not (for well-formedness checks).
ANY_META_RE = lazy_re(r"^<!--\s*@(?:end-)?critical\b")
# SmartSpec's own closing tag, ``<!-- @end -->``, read as ``<!-- @end-critical -->``.
SMARTSPEC_END_RE = lazy_re(r"^<!--\s*@end\s*-->\s*$")

BUILTIN_CRITICAL = ("security", "config", "di", "monitoring")
# --force-update keys that are aliases of a critical name: STRIDE is the threat model the
# security section holds, and the name people know it by.
FORCE_ALIASES = {"stride": "security"}


# Characters that some line splitter (Python's ``str.splitlines``, JavaScript, Unicode-aware
# editors) treats as the end of a line, beyond the ASCII controls JSON already escapes.
# Everything smartspec writes on one line escapes them, so no reader sees a line break where
# smartspec wrote none.
_LINE_BREAKERS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def escape_line_breaks(json_text: str) -> str:
    """``json_text`` (the output of ``json.dumps``) with every raw line-breaking character
    written as a JSON ``\\u`` escape: the same value, on one line for every line splitter."""
    if json_text.isascii():
        return json_text  # none of them is ASCII: the common case costs one C-speed scan
    for char, escaped in _LINE_BREAKERS:
        json_text = json_text.replace(char, escaped)
    return json_text


def settings_comment(settings: dict[str, Any]) -> str:
    """Encode settings as the one-line comment. ``<``, ``>`` and ``&`` are \\u-escaped, so no
    value (a title, say) can close the comment or forge a tag."""
    payload = json.dumps({"schema": SETTINGS_SCHEMA, **settings}, ensure_ascii=False,
                         separators=(",", ":"))
    payload = escape_line_breaks(payload)
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"<!-- smartspec: {payload} -->"


def parse_settings(line: str) -> dict[str, Any] | None:
    """The settings dict from a settings-comment line, or None if the line is not one.

    Raises ValueError when the line is a settings comment whose JSON does not parse.
    """
    payload = settings_json(line.strip())
    if payload is None:
        return None
    value = json.loads(payload)
    if not isinstance(value, dict):
        raise ValueError("the settings comment must hold a JSON object")
    return value


_SETTINGS_OPEN = "<!-- smartspec: {"
_SETTINGS_CLOSE = "} -->"


def settings_json(line: str) -> str | None:
    """The JSON of a settings-comment line (``SETTINGS_RE``'s ``json`` group), or None when
    the line is not one."""
    body = line.rstrip()
    if (len(body) < len(_SETTINGS_OPEN) + len(_SETTINGS_CLOSE)
            or not body.startswith(_SETTINGS_OPEN) or not body.endswith(_SETTINGS_CLOSE)):
        return None
    payload = body[len(_SETTINGS_OPEN) - 1:-len(_SETTINGS_CLOSE) + 1]
    # The pattern's "." does not cross a line break: a payload holding one is no match.
    return None if "\n" in payload else payload


# The kinds ``meta_tag`` tells apart.
OPEN, CLOSE, SMARTSPEC_END, MALFORMED = "open", "close", "end", "malformed"
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def meta_tag(line: str) -> tuple[str, str, bool] | None:
    """What a line is as a critical-section tag: (OPEN, name, allow_update) as
    ``CRITICAL_OPEN_RE`` reads it, (CLOSE, "", False) for ``CRITICAL_CLOSE_RE``,
    (SMARTSPEC_END, "", False) for ``SMARTSPEC_END_RE``, (MALFORMED, "", False) for a line
    ``ANY_META_RE`` takes for a tag that is none of these, and None for any other line.
    ``str`` operations only; ``\\s`` in a ``str`` pattern is what ``str.split`` and
    ``str.strip`` take for whitespace."""
    if not line.startswith("<!--"):
        return None
    body = line.rstrip()
    inner = body[4:-3].strip() if len(body) >= 7 and body.endswith("-->") else None
    if inner == "@end":
        return SMARTSPEC_END, "", False
    lead = line[4:].lstrip()
    if lead.startswith("@critical"):
        after = lead[9:10]
    elif lead.startswith("@end-critical"):
        after = lead[13:14]
    else:
        return None
    if after and is_word_char(after):
        return None  # "\\b" after the word: "@criticality" is no tag
    if inner == "@end-critical":
        return CLOSE, "", False
    if inner is not None and inner.startswith("@critical") and inner[9:10].isspace():
        words = inner[9:].split()
        if (1 <= len(words) <= 2 and all(char in _NAME_CHARS for char in words[0])
                and words[1:] in ([], ["allow-update"])):
            return OPEN, words[0], len(words) == 2
    return MALFORMED, "", False


def critical_open(name: str, allow_update: bool = False) -> str:
    return f"<!-- @critical {name}{' allow-update' if allow_update else ''} -->"


CRITICAL_CLOSE = "<!-- @end-critical -->"


def inline_user_text(text: str) -> str:
    """User text (name, title, description) made safe to place inside a Markdown paragraph.

    Whitespace runs (newlines included) fold to one space, so the text cannot start a heading,
    a fence or a tag line; ``<!--`` and ``-->`` are written as entities so the text renders as
    typed but can never open or close an HTML comment (a meta tag or the settings comment).
    """
    folded = " ".join(text.split())
    return folded.replace("<!--", "&lt;!--").replace("-->", "--&gt;")
