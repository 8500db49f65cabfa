"""Every sentence smartspec shows people, one catalogue per language: ``en.json`` and
``th.json``, each with the same keys in four parts (``report``: the console report of a run;
``edit``: what became of each section, and restore's words; ``rules``: the rules' findings;
``rule_labels``: the words of the validation reports). Placeholders are ``str.format`` fields,
the same in both languages (a unit test holds the catalogues to it)."""

from __future__ import annotations

import functools
import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LANGUAGES = ("en", "th")


def catalogue(lang: str) -> dict[str, dict[str, str]]:
    """The catalogue of ``lang`` (English for a language smartspec does not have)."""
    return _load(lang if lang in LANGUAGES else "en")


@functools.cache
def _load(name: str) -> dict[str, dict[str, str]]:
    from smartspec.packagedata import read_data

    # Bytes, as json decodes UTF-8 itself: a text file object costs more to open and read
    # through than the decoding (every command reads the English catalogue).
    raw = read_data("report", "locales", f"{name}.json")
    data: Any = json.loads(raw)
    return data  # type: ignore[no-any-return]


def text(part: str, key: str, lang: str = "en", /, **values: Any) -> str:
    """One sentence of ``part`` in ``lang``, with its placeholders filled."""
    return catalogue(lang)[part][key].format(**values)
