"""A section body's tidying does what the two regular expressions it replaced did."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from smartspec.render import _tidy

TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)
BLANK_RUNS = re.compile(r"\n{3,}")
# What cut the runs when a section holds Python code: a run of empty lines, or a whole
# ```python block, in which runs are cut to two empty lines instead of one.
RUNS_OR_PYTHON = re.compile(r"^```python\n.*?^```$|\n{3,}", re.MULTILINE | re.DOTALL)
PYTHON_RUNS = re.compile(r"\n{4,}")


def _by_regex_with_python(text: str) -> str:
    def cut(match: re.Match[str]) -> str:
        found = match.group()
        return PYTHON_RUNS.sub("\n\n\n", found) if found.startswith("`") else "\n\n"

    return RUNS_OR_PYTHON.sub(cut, TRAILING.sub("", text))


def _by_regex(text: str) -> str:
    return BLANK_RUNS.sub("\n\n", TRAILING.sub("", text))


@given(st.text(alphabet=st.sampled_from([" ", "\t", "\n", "\r", "a", "|", "\u00a0", "\u3000",
                                         "\x0b", "#"]), max_size=80))
def test_tidy_is_the_regular_expressions(text: str) -> None:
    assert _tidy(text) == _by_regex(text)


@settings(max_examples=500)
@given(st.lists(st.sampled_from(["\n", "\n\n\n\n", "```python\n", "```", "```\n", "`", "a",
                                 " ", "python\n", "x```python\n", "\n```x"]), max_size=40))
def test_tidy_around_python_blocks_is_the_regular_expression(parts: list[str]) -> None:
    text = "".join(parts)
    assert _tidy(text) == _by_regex_with_python(text)


def test_tidy_examples() -> None:
    assert _tidy("a  \n\n\n\nb\t\n c \u00a0") == "a\n\nb\n c \u00a0"
    assert _tidy("a \r\nb\n \n \n") == "a \r\nb\n\n"
    assert _tidy("clean\n\nbody") == "clean\n\nbody"


def test_python_code_keeps_the_two_empty_lines_pep_8_puts_between_definitions() -> None:
    code = "```python\nimport x\n\n\nclass A:\n    pass\n\n\n\n\ndef f() -> None: ...\n```"
    assert _tidy(f"Text\n\n\n{code}\n\n\nmore\n\n\n```go\na\n\n\nb\n```") == (
        "Text\n\n```python\nimport x\n\n\nclass A:\n    pass\n\n\ndef f() -> None: ...\n```"
        "\n\nmore\n\n```go\na\n\nb\n```")
