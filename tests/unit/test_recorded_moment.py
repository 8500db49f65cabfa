"""A recorded moment reads as strptime reads it, for the shape smartspec writes and any other."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from smartspec.runs.recorded import _written_moment, moment_of


def _by_strptime(value: str) -> datetime | None:
    for pattern in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


@given(st.tuples(st.integers(0, 10000), st.integers(0, 13), st.integers(0, 32),
                 st.integers(0, 25), st.integers(0, 61), st.integers(0, 62)))
def test_written_moments_read_as_strptime_reads_them(parts: tuple[int, ...]) -> None:
    year, month, day, hour, minute, second = parts
    text = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"
    assert moment_of(text) == _by_strptime(text)
    assert moment_of(f" {text}\n") == _by_strptime(text)


def test_other_shapes_still_read_by_strptime() -> None:
    for text in ("2026-11-18", "2026-1-5", "2026-11-18T11:06:40", "๒๐๒๖-11-18T11:06:40Z",
                 "2026-02-30T00:00:00Z", "soon", ""):
        assert moment_of(text) == _by_strptime(text), text
    assert moment_of("2026-11-18T11:06:40Z") == datetime(2026, 11, 18, 11, 6, 40, tzinfo=UTC)
    assert moment_of(None) is None


_WRITTEN_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


@given(st.text(alphabet="0123456789๒٣-T:Z x\n", min_size=18, max_size=22))
def test_the_written_shape_is_read_as_its_pattern_reads_it(text: str) -> None:
    assert _written_moment(text) == (_WRITTEN_MOMENT.fullmatch(text) is not None)
    moment = "2026-11-18T11:06:40Z"
    for at in range(len(moment)):
        for other in ("0", "-", "T", ":", "Z", "๒"):
            changed = moment[:at] + other + moment[at + 1:]
            assert _written_moment(changed) == (_WRITTEN_MOMENT.fullmatch(changed) is not None)
