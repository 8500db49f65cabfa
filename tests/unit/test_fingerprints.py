"""document.block_hash: the registry's fingerprint of a block leaves out the number of the
block's own ``##`` heading (a renumbered section is neither a person's edit nor smartspec's),
and nothing else; legacy_block_hash is the fingerprint registries held before, still accepted."""

from __future__ import annotations

import hashlib

import pytest

from smartspec.delivery import managed, plan_md
from smartspec.delivery.items import read_facts
from smartspec.delivery.timeline import compute
from smartspec.document import block_hash, legacy_block_hash
from tests.delivery_cases import spec_text

BLOCK = "<!-- @critical config -->\n## 3. Configuration\n\n### 3.1 Settings\n\nText.\n"


@pytest.mark.parametrize("same", [
    BLOCK.replace("## 3. Configuration", "## 12. Configuration"),
    BLOCK.replace("\n", "\r\n"),
    BLOCK + "\n---\n\n",
])
def test_the_heading_number_line_endings_and_separators_are_left_out(same: str) -> None:
    assert block_hash(same) == block_hash(BLOCK)


@pytest.mark.parametrize("other", [
    BLOCK.replace("## 3. Configuration", "## Configuration"),  # unnumbered now
    BLOCK.replace("## 3. Configuration", "## 3 Configuration"),  # another style
    BLOCK.replace("## 3. Configuration", "## 3. Settings"),  # other words
    BLOCK.replace("### 3.1", "### 4.1"),  # a sub-heading's number is text
    BLOCK.replace("Text.", "Text. 3"),
])
def test_everything_else_in_the_block_counts(other: str) -> None:
    assert block_hash(other) != block_hash(BLOCK)


def test_the_legacy_fingerprint_is_the_one_registries_held_before() -> None:
    assert legacy_block_hash(BLOCK + "\n---\n") == hashlib.sha256(
        BLOCK.rstrip("\n").encode("utf-8")).hexdigest()
    assert legacy_block_hash(BLOCK) != legacy_block_hash(BLOCK.replace("## 3. C", "## 4. C"))


def test_a_plan_registry_with_legacy_fingerprints_still_counts_as_smartspecs() -> None:
    facts = read_facts(spec_text("full"), "s.md")
    blocks = plan_md.render_blocks(facts, compute(facts), "s.md")
    first = managed.merge(None, blocks, {}, plan_md.section_key)
    by_key = {b.key: b.text for b in blocks}
    legacy = {key: legacy_block_hash(managed.unticked(by_key[key])) for key in first.hashes}
    other = plan_md.render_blocks(facts, compute(facts, {"bufferMin": 35}), "s.md")
    merged = managed.merge(first.text, other, legacy, plan_md.section_key)
    assert merged.kept_edits == []
    assert "section:timeline" in merged.updated and "Buffer: 35%" in merged.text
