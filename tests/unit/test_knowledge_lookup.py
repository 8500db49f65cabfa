"""``knowledge.lookup`` answers from an index of every name and spelling: the same entry as
reading the list in file order and taking the first that has the name or the spelling."""

from __future__ import annotations

from typing import Any

from smartspec.knowledge import Entry, Spellings, entries, lookup


def _first_in_file_order(name: str) -> Entry | None:
    wanted = name.lower()
    return next((e for e in entries().values()
                 if e.name.lower() == wanted or wanted in e.spellings), None)


def test_every_name_and_spelling_finds_the_first_entry_that_has_it() -> None:
    words = {"", "no such technology", "redis ", "POSTGRESQL"}
    for entry in entries().values():
        words.update((entry.name, entry.name.upper(), entry.name.lower(), *entry.spellings,
                      *(s.title() for s in entry.spellings)))
    assert len(words) > 300
    for word in sorted(words):
        assert lookup(word) == _first_in_file_order(word), word
    assert lookup("postgres") is not None and lookup("postgres") == lookup("PostgreSQL")


def _first_spelled(spelling: str, extra: list[dict[str, Any]]) -> Entry | None:
    """What the model builder's table was: every entry's spellings in ``entries(extra)``
    order, the first entry to have one keeping it."""
    table: dict[str, Entry] = {}
    for entry in entries(extra).values():
        for written in entry.spellings:
            table.setdefault(written, entry)
    return table.get(spelling)


def test_the_spelling_table_names_the_entries_a_full_table_named() -> None:
    extra = [{"name": "Redis", "role": "queue-broker", "spellings": ["redis", "valkey"]},
             {"name": "Acme Pay", "role": "payment-provider", "spellings": ["acme pay", "stripe"]}]
    for given in ([], extra):
        table = Spellings(given)
        words = {"", "no such", "acme pay", "valkey", "postgres"}
        for entry in entries(given).values():
            words.update(entry.spellings)
        assert len(words) > 150
        for word in sorted(words):
            assert table.get(word) == _first_spelled(word, given), word
    assert Spellings(extra).get("redis") == entries(extra)["Redis"]
    assert Spellings(extra).get("redis").role == "queue-broker"  # type: ignore[union-attr]
    # The package's own table is shared by every table without extras: extras never reach it.
    assert Spellings([]).get("valkey") is None
    assert Spellings([]).get("stripe") == entries()["Stripe"]
