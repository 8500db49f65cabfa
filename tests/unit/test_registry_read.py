"""Reading one record of the critical-sections registry: the bisecting reader finds exactly
what decoding the whole file finds, for any registry smartspec writes, and a file a person
laid out otherwise (reordered, reindented) is read as a whole decode reads it.

A one-spec ``validate`` in a project of thousands of specs reads its one record this way;
the records it sees must be the ones every other reader sees.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartspec import registry
from smartspec.errors import DocumentError

COMMON = settings(max_examples=60, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])

# Keys as spec ids are and as a person could write them: quotes, backslashes, line breaks
# (escaped in the file), characters beyond ASCII, keys that are prefixes of each other.
KEYS = st.one_of(
    st.from_regex(r"spec-(?:[a-z]{1,4}-)?\d{3}-[a-z0-9-]{1,12}", fullmatch=True),
    st.text(min_size=0, max_size=8),
    st.sampled_from(["spec-001", "spec-001-a", 'a"b', "a\\b", "a\u2028b", "a\nb", "é", ""]),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=8,
)
RECORDS = st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4)
REGISTRIES = st.dictionaries(KEYS, RECORDS, max_size=12)


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / registry.USUAL_NAME
    path.write_bytes(text.encode("utf-8"))
    return path


def _records(folder: Path) -> Any:
    return registry.read(str(folder), os.path.basename)["specs"]


def _probe_keys(specs: dict[str, Any]) -> list[str]:
    """Every key, and keys that are not there but sort among them."""
    present = sorted(specs)
    return [*present, *(k + "\x00" for k in present), *(k[:-1] for k in present if k),
            "", "~", "spec-000"]


@COMMON
@given(specs=REGISTRIES)
def test_bisect_finds_what_a_full_decode_finds(tmp_path: Path, specs: dict[str, Any]) -> None:
    folder = tmp_path / "registry"
    path = _write(folder, registry.dumps({"schema": 1, "specs": specs}))
    whole = json.loads(path.read_text(encoding="utf-8"))["specs"]
    assert whole == specs
    for key in _probe_keys(specs):
        found, record = registry._bisect(path, key)
        if key in specs:
            # The bisection itself finds every record of a file smartspec wrote ...
            assert found == "found", key
            assert record is not None and json.loads(record) == specs[key]
        else:
            assert found == "unknown"
        # ... and the reader answers as the whole file's decode does.
        assert _records(folder).get(key, "absent") == whole.get(key, "absent")


@COMMON
@given(specs=REGISTRIES, data=st.data())
def test_a_person_reordered_registry_reads_as_a_full_decode(
        tmp_path: Path, specs: dict[str, Any], data: st.DataObject) -> None:
    order = data.draw(st.permutations(sorted(specs)))
    shuffled = {key: specs[key] for key in order}
    text = json.dumps({"schema": 1, "specs": shuffled}, indent=2, ensure_ascii=False) + "\n"
    folder = tmp_path / "registry"
    _write(folder, text)
    for key in _probe_keys(specs):
        assert _records(folder).get(key, "absent") == specs.get(key, "absent")


def _two_records() -> dict[str, Any]:
    return {"spec-001-a": {"path": "specs/a/spec.md", "sections": {}},
            "spec-002-b": {"path": "specs/b/spec.md", "sections": {"x": {"sha256": "0"}}},
            "spec-003-c": {}}


@pytest.mark.parametrize("edit", [
    # Reindented, on one line, with Windows line ends: not the layout bisected.
    lambda d: json.dumps(d, indent=4, sort_keys=True),
    lambda d: json.dumps(d, sort_keys=True),
    lambda d: json.dumps(d, indent=2, sort_keys=True).replace("\n", "\r\n"),
    # A top-level key before ``specs`` (a person's note): still bisected.
    lambda d: json.dumps({**d, "note": "kept"}, indent=2, sort_keys=True) + "\n",
    # No line feed at the end.
    lambda d: json.dumps(d, indent=2, sort_keys=True),
])
def test_other_layouts_read_as_a_full_decode(tmp_path: Path, edit: Any) -> None:
    data: dict[str, Any] = {"schema": 1, "specs": _two_records()}
    folder = tmp_path / "registry"
    _write(folder, edit(data))
    for key in ["spec-001-a", "spec-002-b", "spec-003-c", "spec-004", ""]:
        assert _records(folder).get(key, "absent") == data["specs"].get(key, "absent")


def test_a_key_twice_is_left_to_the_reader_that_reads_up_to_it(tmp_path: Path) -> None:
    # smartspec never writes a key twice; a person's paste can. The bisection sees the
    # neighbour with the same key and leaves the answer to the reader that reads the file
    # up to the record (which takes the first of the two, as it did before bisection).
    text = registry.dumps({"schema": 1, "specs": _two_records()})
    first = '    "spec-002-b": {\n      "path": "old"\n    },\n'
    at = text.index('    "spec-002-b"')
    text = text[:at] + first + text[at:]
    folder = tmp_path / "registry"
    path = _write(folder, text)
    assert registry._bisect(path, "spec-002-b") == ("unknown", None)
    assert _records(folder).get("spec-002-b") == {"path": "old"}
    assert _records(folder).get("spec-001-a") == _two_records()["spec-001-a"]


def test_a_lookup_reads_a_few_windows_of_a_large_registry(tmp_path: Path,
                                                          monkeypatch: Any) -> None:
    specs = {f"spec-{n:03d}-s": {"path": f"specs/{n}/spec.md",
                                 "sections": {"a": {"sha256": "f" * 64}}} for n in range(3000)}
    path = _write(tmp_path / "registry", registry.dumps({"schema": 1, "specs": specs}))
    read: list[int] = []
    real = os.pread

    def counted(fd: int, size: int, offset: int) -> bytes:
        chunk: bytes = real(fd, size, offset)
        read.append(len(chunk))
        return chunk

    monkeypatch.setattr(os, "pread", counted)
    found, record = registry._bisect(path, "spec-2999-s")
    assert found == "found" and record is not None
    assert json.loads(record) == specs["spec-2999-s"]
    size = path.stat().st_size
    assert sum(read) < size // 8  # a few small windows of a file of ~600 KB


# Values a registry can hold, floats too (which msgspec spells differently), and keys and
# strings with quotes, control characters, line breakers and characters beyond ASCII.
ANY_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=10,
)


@COMMON
@given(specs=st.dictionaries(KEYS, st.dictionaries(st.text(max_size=8), ANY_VALUES,
                                                   max_size=4), max_size=8))
def test_the_fast_encoder_writes_the_bytes_json_dumps_writes(specs: dict[str, Any]) -> None:
    data = {"schema": 1, "specs": specs}
    expected = registry._dumps_stdlib(data)
    if registry.same_bytes_from_stdlib(data):
        assert registry._dumps_msgspec(data) == expected
    # However many records (the fast encoder is for large registries), the text is the same.
    many = {"schema": 1, "specs": {**{f"spec-{n:03d}-x": {} for n in range(150)}, **specs}}
    assert registry.dumps(many) == registry._dumps_stdlib(many)
    assert registry.dumps(data) == expected


def test_a_float_keeps_the_standard_librarys_spelling() -> None:
    data = {"schema": 1, "specs": {f"spec-{n:03d}-x": {"n": 1e16} for n in range(150)}}
    assert not registry.same_bytes_from_stdlib(data)
    assert '"n": 1e+16' in registry.dumps(data)


@COMMON
@given(value=ANY_VALUES)
def test_a_large_registry_decodes_to_what_json_loads_gives(value: Any) -> None:
    padding = " " * (registry._MSGSPEC_DECODE_BYTES + 1)
    text = json.dumps({"specs": {"spec-001-x": value}}, ensure_ascii=False) + padding
    assert registry._decode(text) == json.loads(text)


@pytest.mark.parametrize("text", ['{"a": NaN}', '{"a": "\\ud800"}', '{"a": 1e400}'])
def test_what_msgspec_refuses_is_decoded_by_json(text: str) -> None:
    padded = text + " " * (registry._MSGSPEC_DECODE_BYTES + 1)
    assert repr(registry._decode(padded)) == repr(json.loads(padded))


def test_broken_json_in_a_large_registry_is_reported_by_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "registry", "{\n" + " " * (registry._MSGSPEC_DECODE_BYTES + 1)
                  + '\n  "specs": {,}\n}\n')
    with pytest.raises(DocumentError, match=r"registry.json: line 3, column 13: invalid JSON"):
        registry.load(path, "registry.json")
