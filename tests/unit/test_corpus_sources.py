"""The real-spec corpus says where every file came from, every row it lists is there, and
no file has changed since it was copied.

The corpus is third-party text redistributed under its licence, so a file without a source
row (or a row whose file is gone) would be an untraceable copy. Its files are also test data
other tests run adopt, edit and validate over: a test that wrote into the corpus by mistake
would silently change every later result, so each file's SHA-256 is pinned.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SOURCES = CORPUS / "SOURCES.md"
CHECKSUMS = CORPUS / "SHA256SUMS"
KINDS = {"hand-written", "tool template", "tool output", "smartspec-project"}
COMMIT = re.compile(r"[0-9a-f]{40}")
# Files that describe the corpus rather than belong to it.
OWN_FILES = {"SOURCES.md", "SHA256SUMS", ".gitattributes"}


def source_rows() -> list[list[str]]:
    """Every data row of the SOURCES.md table, as its stripped cells."""
    rows = []
    for line in SOURCES.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith(("| our path", "| ---")):
            continue
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def corpus_files() -> set[str]:
    """Every corpus data file, as a path relative to the corpus folder."""
    return {
        path.relative_to(CORPUS).as_posix()
        for path in CORPUS.rglob("*")
        if path.is_file()
        and path.name not in OWN_FILES
        and path.relative_to(CORPUS).parts[0] != "licenses"
    }


def test_every_row_is_well_formed_and_its_file_exists() -> None:
    rows = source_rows()
    assert len(rows) >= 30
    for row in rows:
        assert len(row) == 6, row
        ours, repo, _their_path, commit, licence, kind = row
        assert (CORPUS / ours).is_file(), f"{ours} is listed in SOURCES.md but missing"
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", repo), row
        assert COMMIT.fullmatch(commit), row
        assert licence, row
        assert kind in KINDS, row
        slug = Path(ours).parts[1]
        assert (CORPUS / "licenses" / f"{slug}.LICENSE").is_file(), f"no licence for {slug}"


def test_every_corpus_file_has_exactly_one_row() -> None:
    listed = [row[0] for row in source_rows()]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    assert corpus_files() == set(listed)


def test_every_corpus_file_is_byte_for_byte_what_was_copied() -> None:
    pinned: dict[str, str] = {}
    for line in CHECKSUMS.read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        pinned[name] = digest
    assert set(pinned) == corpus_files()
    for name, digest in pinned.items():
        actual = hashlib.sha256((CORPUS / name).read_bytes()).hexdigest()
        assert actual == digest, f"{name} differs from the copy taken from its source"
