"""``RegistryText.with_record`` writes exactly what ``registry.dumps`` writes for the registry
with one record replaced or added, and ``RegistryText.read`` trusts only the file its keys
file describes."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartspec.registry import RegistryText, dumps, keys_file_bytes

KEYS = st.sampled_from(["spec-001-a", "spec-002-b", "spec-010-z", "spec-core-001-auth",
                        "spec-000-first", "spec-tools-001-cli", "spec-\u2028-odd"])
RECORDS = st.fixed_dictionaries(
    {"path": st.sampled_from(["specs/feature/a/spec.md", "specs/x y/spec.md"]),
     "updated": st.just("2026-12-01T10:00:00Z"),
     "sections": st.dictionaries(st.sampled_from(["overview", "stride", "config"]),
                                 st.fixed_dictionaries({
                                     "title": st.sampled_from(["Overview", "Ü \u2028 x"]),
                                     "critical": st.booleans(),
                                     "sha256": st.sampled_from(["ab" * 32, "cd" * 32])}),
                                 max_size=3)},
    optional={"file_sha256": st.just("ef" * 32), "new": st.booleans()}) | st.just({})


def registries() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda specs, delivery: {"schema": 1, "specs": specs,
                                 **({"delivery": {"spec-001-a": {"plan.md": {}}}}
                                    if delivery else {})},
        st.dictionaries(KEYS, RECORDS, min_size=1, max_size=5), st.booleans())


@settings(max_examples=400, deadline=None)
@given(registries(), KEYS, RECORDS)
def test_with_record_writes_what_dumps_writes(registry: dict[str, Any], key: str,
                                              record: dict[str, Any]) -> None:
    text = dumps(registry)
    expected = copy.deepcopy(registry)
    expected["specs"][key] = record
    spliced = RegistryText("r.json", text, sorted(registry["specs"])).with_record(key, record)
    assert spliced == dumps(expected)


def test_with_record_in_a_registry_msgspec_encodes() -> None:
    records = {f"spec-{n:03d}-x": {"path": f"specs/{n}/spec.md", "sections": {}}
               for n in range(0, 300, 2)}
    registry = {"schema": 1, "specs": records}
    text = dumps(registry)
    for key in ("spec-000-x", "spec-001-x", "spec-150-x", "spec-299-x", "spec-zzz"):
        expected = copy.deepcopy(registry)
        expected["specs"][key] = {"path": "p", "sections": {"a": {"critical": True}}}
        assert RegistryText("r", text, sorted(records)).with_record(
            key, {"path": "p", "sections": {"a": {"critical": True}}}) == dumps(expected), key


def test_read_trusts_only_the_file_its_keys_file_describes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import smartspec.registry

    registry = tmp_path / "registry.json"
    keys_file = tmp_path / "keys.json"
    registry.write_text(dumps({"schema": 1, "specs": {"spec-001-a": {}}}), encoding="utf-8")
    # A registry this small is loaded whole: no keys file is made for it.
    assert keys_file_bytes("registry.json", os.lstat(registry), ["spec-001-a"]) is None
    monkeypatch.setattr(smartspec.registry, "KEYS_FILE_AFTER", 0)
    data = keys_file_bytes("registry.json", os.lstat(registry), ["spec-001-a"])
    assert data is not None
    keys_file.write_bytes(data)
    found = RegistryText.read(str(registry), str(keys_file), "registry.json")
    assert found is not None and found.keys == ["spec-001-a"]
    assert RegistryText.read(str(registry), str(keys_file), "other.json") is None
    registry.write_text(registry.read_text() + " ", encoding="utf-8")  # a hand edit
    assert RegistryText.read(str(registry), str(keys_file), "registry.json") is None
    keys_file.write_text("not json", encoding="utf-8")
    assert RegistryText.read(str(registry), str(keys_file), "registry.json") is None


@settings(max_examples=200, deadline=None)
@given(registries(), KEYS, RECORDS)
def test_records_read_from_the_text_answer_as_the_decoded_registry(
        registry: dict[str, Any], key: str, record: dict[str, Any]) -> None:
    import json

    text = dumps(registry)
    decoded = json.loads(text)["specs"]
    specs = RegistryText("r", text, sorted(registry["specs"])).as_mapping()["specs"]
    assert isinstance(specs, dict)
    for name in ["spec-404-none", *registry["specs"]]:
        assert (name in specs, specs.get(name)) == (name in decoded, decoded.get(name))
    mine = specs.overlaid(key, record)
    assert mine.get(key) == record and specs.get(key) == decoded.get(key)
    assert dict(mine.items()) == {**decoded, key: record}
    assert list(mine) == list({**decoded, key: record})
