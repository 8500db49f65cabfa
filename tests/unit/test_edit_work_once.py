"""One edit does each piece of its work once: the config files are found and read once, the plan
for the spec's recorded settings is built once and the edit's own plan once (both from the model
the state folder keeps, so no model is built again from words), the spec on disk
and the merged text are each parsed once, and sections the merge keeps whatever is rendered are
not rendered. Counted in-process with wrappers, so a change that adds the work back fails
here rather than only in bench/edit.py."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from smartspec import config, detect, digest, document, merge, plan, render, rules
from smartspec import model as model_package
from smartspec.document import parse
from smartspec.model import build
from smartspec.model.io import model_from_data
from tests.helpers import run_cli

PAYMENT = "Card payments with a PostgreSQL ledger and the Stripe API"


class Calls:
    """Every call of the wrapped functions, by name, with its arguments."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.seen: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = {}

    def wrap(self, module: Any, name: str, *, label: str | None = None) -> None:
        original: Callable[..., Any] = getattr(module, name)
        key = label or name
        self.seen.setdefault(key, [])

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.seen[key].append((args, kwargs))
            return original(*args, **kwargs)

        self.monkeypatch.setattr(module, name, counted)

    def count(self, name: str) -> int:
        return len(self.seen[name])


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Calls]:
    counter = Calls(monkeypatch)
    counter.wrap(config, "read_config_files")
    counter.wrap(plan, "make_plan")
    counter.wrap(build, "build_model")
    counter.wrap(render, "render_section")
    counter.wrap(detect, "detect")
    counter.wrap(model_package, "dumps", label="model_dumps")
    # ``parse`` as each module that parses a whole spec on edit's path reaches it.
    for module in (document, merge, rules):
        counter.wrap(module, "parse", label="parse")
    yield counter


def new_spec(project: Path, *args: str) -> Path:
    result = run_cli(["new", *args, "--json"], project)
    assert result.code == 0, result.err
    return project / str(json.loads(result.out)["spec"]["path"])


def add_line(spec: Path, title_part: str, line: str) -> None:
    """A person adds a line right under a section's heading."""
    text = spec.read_text(encoding="utf-8")
    section = next(s for s in parse(text).sections if title_part in s.title)
    lines = text.splitlines(keepends=True)
    lines.insert(section.heading.line + 1, f"\n{line}\n")
    spec.write_text("".join(lines), encoding="utf-8")


def parsed_texts(calls: Calls) -> list[str]:
    return [args[0] if args else kwargs["text"] for args, kwargs in calls.seen["parse"]]


def test_an_edit_reads_config_once_and_builds_each_plan_once(project: Path,
                                                             calls: Calls) -> None:
    (project / "smartspec.config.json").write_text(
        json.dumps({"organization": {"name": "Acme"}}), encoding="utf-8")
    spec = new_spec(project, "meeting-notes", "Keeps the meeting notes of a team", "--profile=basic")
    add_line(spec, "Overview", "A line the team wrote.")
    before = spec.read_text(encoding="utf-8")
    for name in calls.seen:
        calls.seen[name].clear()

    result = run_cli(["edit", str(spec.relative_to(project)), "--performance=full"], project)

    assert result.code == 0, result.err
    after = spec.read_text(encoding="utf-8")
    assert after != before  # the edit really rewrote the spec
    assert calls.count("read_config_files") == 1
    # The plan the spec was written with (to compare the header with) and the edit's own.
    assert calls.count("make_plan") == 2
    # Both plans take the model the state folder keeps; none is built again from words.
    assert all(kwargs.get("model") is not None for _, kwargs in calls.seen["make_plan"])
    assert calls.count("build_model") == 0
    # Nor is the model's text made again: the file it was read from is that text.
    assert calls.count("model_dumps") == 0
    texts = parsed_texts(calls)
    assert texts.count(before) == 1  # the spec on disk: read to route the edit, reused
    # The merged text: parsed by the merge's check, and that parse reused by the rules and
    # the index entry.
    assert texts.count(after) == 1
    assert "A line the team wrote." in after


def test_recorded_domains_are_tried_once_each(project: Path, calls: Calls) -> None:
    """A spec whose domains were detected under a given profile: the edit tries its settings
    with and without them (two recorded plans), and the old header reuses the one chosen."""
    spec = new_spec(project, "payment-processing", PAYMENT, "--profile=basic")
    record = parse(spec.read_text(encoding="utf-8")).settings
    assert record is not None and record["domains"], "the description names a domain"
    for name in calls.seen:
        calls.seen[name].clear()

    result = run_cli(["edit", str(spec.relative_to(project)), "--performance=full"], project)

    assert result.code == 0, result.err
    assert calls.count("read_config_files") == 1
    assert calls.count("make_plan") == 3
    # The three plans read the same name and description: the words are read once.
    assert calls.count("detect") == 1
    assert calls.count("build_model") == 0
    recorded = [args[1] for args, _ in calls.seen["make_plan"][:2]]
    assert recorded[0].source("domains").source == "spec"
    assert recorded[1].source("domains").source == "default"


def test_sections_the_merge_keeps_are_not_rendered(project: Path, calls: Calls) -> None:
    """The critical sections (protected) and a section a person edited keep their text
    whatever is rendered: the edit renders every other planned section and not those."""
    spec = new_spec(project, "payment-processing", PAYMENT, "--profile=basic",
                    "--security=basic", "--di=minimal")
    add_line(spec, "Overview", "A line the team wrote.")
    doc = parse(spec.read_text(encoding="utf-8"))
    critical = {b.name for b in doc.critical_blocks}
    assert {"security", "di"} <= critical
    for name in calls.seen:
        calls.seen[name].clear()

    result = run_cli(["edit", str(spec.relative_to(project)), "--performance=full", "--json"],
                     project)

    assert result.code == 0, result.err
    rendered = {args[1].key for args, _ in calls.seen["render_section"]}
    assert "security" not in rendered and "di" not in rendered and "overview" not in rendered
    planned = {s["key"] for s in json.loads(result.out)["sections"]}
    assert rendered == planned - {"security", "di", "overview"}
    after = spec.read_text(encoding="utf-8")
    assert "A line the team wrote." in after
    for name in ("security", "di"):
        block_before = next(b for b in doc.critical_blocks if b.name == name)
        new_doc = parse(after)
        block_after = next(b for b in new_doc.critical_blocks if b.name == name)
        assert doc.text(block_before.open_line + 1, block_before.close_line) == \
            new_doc.text(block_after.open_line + 1, block_after.close_line)


def test_an_edit_hashes_the_spec_and_each_section_once(project: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """sha256 reads every byte (the built-in one, about 60 instructions a byte): the spec's
    bytes as read are hashed once for both the records' check and the registry's
    ``file_previous``, and no section text is fingerprinted twice -- a section rendered as
    the file holds it takes the fingerprint its text already has."""
    from smartspec.runs import edit as editing

    spec = new_spec(project, "payment-processing", PAYMENT, "--profile=basic")
    add_line(spec, "Architecture", "A line the team wrote.")
    before = spec.read_bytes()
    hashed: list[bytes | str] = []
    fingerprinted: list[str] = []

    def sha256_hex(data: bytes | str) -> str:
        hashed.append(data)
        return digest.sha256_hex(data)

    def block_hash(text: str) -> str:
        fingerprinted.append(text)
        return document.block_hash(text)

    monkeypatch.setattr(editing, "sha256_hex", sha256_hex)
    monkeypatch.setattr(merge, "block_hash", block_hash)

    result = run_cli(["edit", str(spec.relative_to(project)), "--performance=full", "--json"],
                     project)

    assert result.code == 0, result.err
    after = spec.read_bytes()
    assert after != before  # the performance section was regenerated
    assert hashed.count(before) == 1
    fates = {s["fate"] for s in json.loads(result.out)["section_changes"]}
    assert {"regenerated", "unchanged", "kept-edited"} <= fates
    repeated = {text[:40] for text in fingerprinted if fingerprinted.count(text) > 1}
    assert not repeated, repeated
    registry = json.loads((project / ".smartspec/registry/critical-sections-registry.json")
                          .read_text(encoding="utf-8"))
    entry = next(iter(registry["specs"].values()))
    assert entry["file_previous"] == digest.sha256_hex(before)
    assert entry["file_sha256"] == digest.sha256_hex(after)


def test_the_stored_model_file_is_the_text_of_the_model_read_from_it(project: Path) -> None:
    """What lets an edit take the model file's text as the model's own (``model_text``):
    reading the file and writing the model again gives back its bytes, so the settings
    comment's hash and the file stay what they were."""
    spec = new_spec(project, "payment-processing", PAYMENT, "--profile=financial")
    record = parse(spec.read_text(encoding="utf-8")).settings
    assert record is not None
    model_file = project / ".smartspec" / "models" / f"{record['id']}.json"
    text = model_file.read_text(encoding="utf-8")
    again = model_from_data(json.loads(text), str(model_file))
    assert model_package.dumps(again) == text
    assert digest.sha256_hex(text)[:16] == record["model_sha256"]

    result = run_cli(["edit", str(spec.relative_to(project)), "--performance=full"], project)

    assert result.code == 0, result.err
    assert model_file.read_text(encoding="utf-8") == text
    after = parse(spec.read_text(encoding="utf-8")).settings
    assert after is not None and after["model_sha256"] == record["model_sha256"]
