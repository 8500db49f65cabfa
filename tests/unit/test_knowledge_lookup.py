"""``knowledge.lookup`` answers from an index of every name and spelling: the same entry as
reading the list in file order and taking the first that has the name or the spelling."""

from __future__ import annotations

from smartspec.knowledge import Entry, _builtin, lookup


def _first_in_file_order(name: str) -> Entry | None:
    wanted = name.lower()
    return next((e for e in _builtin()[0] if e.name.lower() == wanted or wanted in e.spellings),
                None)


def test_every_name_and_spelling_finds_the_first_entry_that_has_it() -> None:
    words = {"", "no such technology", "redis ", "POSTGRESQL"}
    for entry in _builtin()[0]:
        words.update((entry.name, entry.name.upper(), entry.name.lower(), *entry.spellings,
                      *(s.title() for s in entry.spellings)))
    assert len(words) > 300
    for word in sorted(words):
        assert lookup(word) == _first_in_file_order(word), word
    assert lookup("postgres") is not None and lookup("postgres") == lookup("PostgreSQL")
