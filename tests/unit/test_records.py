"""Plain slotted records compare and print as the dataclasses they replace did."""

from __future__ import annotations

import pytest

from smartspec.runs.run import Outcome, Run


def test_records_compare_by_fields_print_their_fields_and_are_unhashable() -> None:
    first = Run("new", settings=None, moment=None, started=1.0)  # type: ignore[arg-type]
    same = Run("new", settings=None, moment=None, started=1.0)  # type: ignore[arg-type]
    same.journal = first.journal
    assert first == same
    same.argv = ["new"]
    assert first != same
    assert repr(first).startswith("Run(command='new', settings=None, moment=None, argv=None, "
                                  "started=1.0, journal=")
    assert Run.__eq__(first, "new") is NotImplemented
    with pytest.raises(TypeError):
        hash(first)
    # Each record gets its own mutable defaults, as default_factory gave them.
    one = Outcome(None, "", None)  # type: ignore[arg-type]
    two = Outcome(None, "", None)  # type: ignore[arg-type]
    one.extra["seen"] = True
    assert two.extra == {} and one != two
    with pytest.raises(AttributeError):
        one.unknown = 1  # type: ignore[attr-defined]
