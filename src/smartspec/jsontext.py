"""JSON text with a two-space indent, byte for byte what ``json.dumps(value, indent=2, ...)``
writes, for the files and examples smartspec writes that way (the model file, a run report's
JSON twin, the request and response bodies of a spec's examples).

Given an ``indent``, the standard library leaves its C encoder for its pure-Python one, which
walks the value through a chain of generators, one resumption per token: a financial ``new``
paid about 6,000 of those calls for a few kilobytes of JSON. Here each object or array is one
``join`` of its members' texts, and strings are escaped by the C functions json itself uses.
Only the plain JSON types are written this way (str, int, float, bool, None, and dicts with
string keys, lists and tuples of them); a value holding anything else (a subclass, another
key type, a ``default`` hook's kind of object) is handed to ``json.dumps`` whole, so the
answer is always the standard library's.

The json module itself is imported only for ``ensure_ascii`` text and for that fallback: with
``ensure_ascii=False`` strings are escaped by one ``str.translate``, so a command that writes a
little JSON and reads none (an ``index`` with nothing changed) does not pay for importing
json and compiling its patterns.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_INFINITY = float("inf")
# What json's encoder escapes when ``ensure_ascii`` is off: the quote, the backslash and the
# control characters, with the short forms JSON has for five of them.
_ESCAPES = {code: f"\\u{code:04x}" for code in range(0x20)}
_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\", ord("\b"): "\\b", ord("\f"): "\\f",
                 ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})


class _NotPlain(Exception):
    """The value holds something only ``json.dumps`` knows how to write (or refuse)."""


def dumps(value: Any, *, sort_keys: bool = False, ensure_ascii: bool = True) -> str:
    """``json.dumps(value, indent=2, sort_keys=sort_keys, ensure_ascii=ensure_ascii)``."""
    encode: Callable[[str], str] = _quoted
    if ensure_ascii:
        from json.encoder import encode_basestring_ascii

        encode = encode_basestring_ascii
    try:
        return _text(value, "\n", encode, sort_keys)
    except (_NotPlain, RecursionError):
        # Including the circular value json refuses with its own ValueError.
        import json

        return json.dumps(value, indent=2, sort_keys=sort_keys, ensure_ascii=ensure_ascii)


def _quoted(text: str) -> str:
    """``text`` as a JSON string, non-ASCII characters kept (json's ``encode_basestring``)."""
    if text.isprintable():
        # No control character is printable, so only the quote and the backslash need their
        # escapes: two C scans, where translate (its mapping is to longer strings) looks
        # every character up in a dict, some 300 instructions a character.
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return '"' + text.translate(_ESCAPES) + '"'


def _text(value: Any, newline: str, encode: Callable[[str], str], sort_keys: bool) -> str:
    """``value`` at the depth where its lines start with ``newline`` (a line feed and the
    indent of the line it is on)."""
    kind = type(value)
    if kind is str:
        return encode(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = newline + "  "
        items = sorted(value.items()) if sort_keys else value.items()
        members = []
        for key, item in items:
            if type(key) is not str:
                raise _NotPlain  # json spells int, float, bool and None keys its own way
            # Most members are strings: escaped here, without a call of _text each.
            text = encode(item) if type(item) is str else _text(item, inner, encode, sort_keys)
            members.append(f"{encode(key)}: {text}")
        return "{" + inner + ("," + inner).join(members) + newline + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = newline + "  "
        return ("[" + inner + ("," + inner).join([
            encode(item) if type(item) is str else _text(item, inner, encode, sort_keys)
            for item in value]) + newline + "]")
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        # What json writes for the values JSON has no number for (allow_nan, its default).
        if value != value:
            return "NaN"
        if value == _INFINITY:
            return "Infinity"
        if value == -_INFINITY:
            return "-Infinity"
        return float.__repr__(value)
    raise _NotPlain
