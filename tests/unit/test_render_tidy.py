"""A section body's tidying does what the two regular expressions it replaced did."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from smartspec.render import _tidy

TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)
BLANK_RUNS = re.compile(r"\n{3,}")


def _by_regex(text: str) -> str:
    return BLANK_RUNS.sub("\n\n", TRAILING.sub("", text))


@given(st.text(alphabet=st.sampled_from([" ", "\t", "\n", "\r", "a", "|", "\u00a0", "\u3000",
                                         "\x0b", "#"]), max_size=80))
def test_tidy_is_the_regular_expressions(text: str) -> None:
    assert _tidy(text) == _by_regex(text)


def test_tidy_examples() -> None:
    assert _tidy("a  \n\n\n\nb\t\n c \u00a0") == "a\n\nb\n c \u00a0"
    assert _tidy("a \r\nb\n \n \n") == "a \r\nb\n\n"
    assert _tidy("clean\n\nbody") == "clean\n\nbody"


def test_python_code_keeps_the_two_empty_lines_pep_8_puts_between_definitions() -> None:
    code = "```python\nimport x\n\n\nclass A:\n    pass\n\n\n\n\ndef f() -> None: ...\n```"
    assert _tidy(f"Text\n\n\n{code}\n\n\nmore\n\n\n```go\na\n\n\nb\n```") == (
        "Text\n\n```python\nimport x\n\n\nclass A:\n    pass\n\n\ndef f() -> None: ...\n```"
        "\n\nmore\n\n```go\na\n\nb\n```")
