"""Small helpers that turn lists into English prose, shared by the section templates (as the
``oxford`` filter) and by the Python that writes spec text, so both say a list the same way.

It imports nothing of smartspec and costs nothing to load, so any stage may use it.
"""

from __future__ import annotations

from collections.abc import Iterable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def oxford(items: Iterable[Any], word: str = "and") -> str:
    """``items`` as one phrase: "a", "a and b", "a, b, and c" (the serial comma from three on).

    ``word`` is the conjunction ("or" for alternatives). Each item is shown with ``str``, as
    a template would print it.
    """
    names = [str(item) for item in items]
    if len(names) <= 2:
        return f" {word} ".join(names)
    return ", ".join(names[:-1]) + f", {word} " + names[-1]
