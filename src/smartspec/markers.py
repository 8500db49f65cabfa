"""The machine-readable parts of a spec: the settings comment and the critical-section tags.

Both the renderer (which writes them) and the document parser (which reads them) use these
patterns, so the two can never disagree about the format (design.md §5).
"""

from __future__ import annotations

import json
import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SETTINGS_SCHEMA = 1

# <!-- smartspec: {"schema":1,...} -->   (one line; the JSON never contains "<" or ">")
SETTINGS_RE = re.compile(r"^<!-- smartspec: (?P<json>\{.*\}) -->\s*$")

# <!-- @critical NAME -->  and  <!-- @critical NAME allow-update -->
CRITICAL_OPEN_RE = re.compile(
    r"^<!--\s*@critical\s+(?P<name>[A-Za-z0-9_-]+)(?P<allow>\s+allow-update)?\s*-->\s*$"
)
# <!-- @end-critical -->
CRITICAL_CLOSE_RE = re.compile(r"^<!--\s*@end-critical\s*-->\s*$")
# Anything that looks like a meta tag at all, valid or not (for well-formedness checks).
ANY_META_RE = re.compile(r"^<!--\s*@(?:end-)?critical\b")

BUILTIN_CRITICAL = ("security", "config", "di", "monitoring")
# --force-update keys that are aliases of a critical name: STRIDE is the threat model the
# security section holds, and the name people know it by.
FORCE_ALIASES = {"stride": "security"}


# Characters that some line splitter (Python's ``str.splitlines``, JavaScript, Unicode-aware
# editors) treats as the end of a line, beyond the ASCII controls JSON already escapes.
# Everything smartspec writes on one line escapes them, so no reader sees a line break where
# smartspec wrote none.
_LINE_BREAKERS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_LINE_BREAKER_RE = re.compile("[\x85\u2028\u2029]")


def escape_line_breaks(json_text: str) -> str:
    """``json_text`` (the output of ``json.dumps``) with every raw line-breaking character
    written as a JSON ``\\u`` escape: the same value, on one line for every line splitter."""
    return _LINE_BREAKER_RE.sub(lambda m: _LINE_BREAKERS[m.group(0)], json_text)


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
    match = SETTINGS_RE.match(line.strip())
    if not match:
        return None
    value = json.loads(match.group("json"))
    if not isinstance(value, dict):
        raise ValueError("the settings comment must hold a JSON object")
    return value


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
