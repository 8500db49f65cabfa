"""The edit rules of design.md §5 for plan.md and tasks.md, at the grain of their blocks.

A managed file is cut into keyed blocks (a ``##`` section of plan.md; a phase heading or one
task with its sub-lines in tasks.md) plus a preamble. The registry keeps, per block, the
``document.block_hash`` of the text smartspec last wrote. On a re-run a block is replaced by
its newly rendered text only if its current text still hashes to that record; a block a
person changed (a line added, a word changed) is kept byte for byte and reported. A ticked
box is not an edit: hashes are taken with boxes unticked, and a replaced task keeps its tick.
Blocks the spec no longer asks for are dropped when untouched and kept when a person changed
them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from smartspec.document import FENCE_RE, block_hash, legacy_block_hash

# A task line: "- [ ] T012 [P] Title ..." (any bullet, x or X for done).
TASK_RE = re.compile(r"^[-*] \[(?P<box>[ xX])\] (?P<tid>T\d{3,})\b")
_BOX_RE = re.compile(r"^([-*] )\[[xX]\]")
_OPEN_BOX_RE = re.compile(r"^([-*] )\[ \]")

KeyOf = Callable[[str], "str | None"]


class Block(NamedTuple):
    key: str
    text: str

    @property
    def checked(self) -> bool:
        match = TASK_RE.match(self.text)
        return bool(match and match.group("box") in "xX")


def unticked(text: str) -> str:
    return _BOX_RE.sub(r"\1[ ]", text, count=1)


def fingerprint(text: str) -> str:
    """The block's registry hash: ``block_hash`` of the text with its box unticked."""
    return block_hash(unticked(text))


def split(text: str, key_of: KeyOf) -> list[Block]:
    """Cut ``text`` into blocks: ``key_of(line)`` names the block a line starts, or None for a
    line that continues the current one. Lines inside code fences never start a block. The
    text before the first block is the block ``"preamble"``."""
    blocks: list[Block] = []
    key, lines = "preamble", []
    fence: str | None = None
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        match = FENCE_RE.match(stripped)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not match.group(2).strip():
                fence = None
            lines.append(line)
            continue
        if match:
            fence = match.group(1)
            lines.append(line)
            continue
        started = key_of(stripped)
        if started is not None:
            if lines or key != "preamble":
                blocks.append(Block(key, "".join(lines)))
            key, lines = started, [line]
        else:
            lines.append(line)
    if lines or key != "preamble":
        blocks.append(Block(key, "".join(lines)))
    return blocks


@dataclass(slots=True)
class Merged:
    text: str
    hashes: dict[str, str]  # key -> hash of what smartspec wrote this time (or kept)
    updated: list[str] = field(default_factory=list)  # keys replaced with new text
    added: list[str] = field(default_factory=list)
    kept_edits: list[str] = field(default_factory=list)  # keys a person changed, kept
    removed: list[str] = field(default_factory=list)  # untouched blocks no longer asked for


def merge(old_text: str | None, new_blocks: list[Block], recorded: Mapping[str, str],
          key_of: KeyOf) -> Merged:
    """Merge freshly rendered ``new_blocks`` into the file on disk (``old_text``, None when
    there is none) under the registry's ``recorded`` hashes."""
    if old_text is None:
        return Merged("".join(b.text for b in new_blocks),
                      {b.key: fingerprint(b.text) for b in new_blocks},
                      added=[b.key for b in new_blocks if b.key != "preamble"])
    old_blocks = split(old_text, key_of)
    old_by_key: dict[str, Block] = {}
    for block in old_blocks:
        old_by_key.setdefault(block.key, block)
    new_keys = {b.key for b in new_blocks}
    result = Merged("", {})

    def edited(block: Block) -> bool:
        # A registry written before heading numbers were left out of fingerprints holds the
        # older fingerprint; it still names smartspec's own text.
        record = recorded.get(block.key)
        return record != fingerprint(block.text) \
            and record != legacy_block_hash(unticked(block.text))

    out: list[Block] = []
    for block in new_blocks:
        old = old_by_key.get(block.key)
        if old is None:
            out.append(block)
            result.added.append(block.key)
            result.hashes[block.key] = fingerprint(block.text)
        elif edited(old):
            out.append(old)
            if fingerprint(old.text) != fingerprint(block.text):
                result.kept_edits.append(block.key)
            # The record stays what smartspec wrote, so the block counts as edited next time.
            result.hashes[block.key] = recorded.get(block.key, fingerprint(block.text))
        else:
            text = block.text
            if old.checked:
                text = _OPEN_BOX_RE.sub(r"\1[x]", text, count=1) if TASK_RE.match(text) else text
            out.append(Block(block.key, text))
            if fingerprint(old.text) != fingerprint(block.text):
                result.updated.append(block.key)
            result.hashes[block.key] = fingerprint(block.text)
    # Blocks the new rendering has no place for (and second copies of a key): kept after
    # the block that preceded them on disk when a person touched them, else dropped.
    emitted = {id(b) for b in out}
    for position, block in enumerate(old_blocks):
        first = old_by_key[block.key] is block
        if first and block.key in new_keys:
            continue
        if first and not edited(block):
            result.removed.append(block.key)
            continue
        anchor = _anchor(old_blocks[:position], out, new_keys)
        out.insert(anchor, block)
        emitted.add(id(block))
        if first:
            result.kept_edits.append(block.key)
            result.hashes[block.key] = recorded.get(block.key, "")
    text = "".join(_ended(b.text) if i < len(out) - 1 else b.text for i, b in enumerate(out))
    result.text = text
    return result


def _anchor(before: list[Block], out: list[Block], new_keys: set[str]) -> int:
    """Where in ``out`` an orphan goes: after the nearest block before it on disk that is
    in ``out``, else at the top (after the preamble)."""
    for previous in reversed(before):
        for index, block in enumerate(out):
            if block.key == previous.key:
                return index + 1
    return 1 if out and out[0].key == "preamble" else 0


def _ended(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"
