"""``index --check``: every defect of an index against the files it names."""

from __future__ import annotations

import difflib
import re
from pathlib import Path, PurePosixPath

from smartspec.digest import sha256_hex
from smartspec.errors import DocumentError
from smartspec.fsutil import read_regular, shown_path
from smartspec.index.build import spec_files
from smartspec.index.extract import merge_entry, public_fields, spec_fields
from smartspec.index.graph import find_cycles
from smartspec.index.model import (
    CHECKS,
    DEFAULT_ID_PATTERN,
    ID_RE,
    SEVERITY_ORDER,
    SPEC_FIELDS,
    IndexEntry,
    IndexFinding,
    Reporter,
    SpecIndex,
    spec_path_for_display,
)
from smartspec.index.state import Cache, read_cache
from smartspec.specfile import decode_spec


def check_index(index: SpecIndex, root: Path, *, specs_dir: Path | None = None,
                cache_path: Path | None = None, repo: str | None = None,
                id_pattern: str | None = None) -> list[IndexFinding]:
    """Every defect of the index against the files under ``root``, errors first.

    ``id_pattern`` (the config's ``index.idPattern``, else ``DEFAULT_ID_PATTERN``) is the
    shape an id must have; an id of another shape is a warning, not an error: an id is a name,
    and a project may have its own convention.

    With ``specs_dir``, spec files that have no entry are reported too. With ``repo`` (this
    repository's name), entries of other repositories are not looked for on disk. The cache
    (when given) saves parsing files whose hash it knows.
    """
    root = root.resolve()
    findings: list[IndexFinding] = []

    def report(code: str, message: str, spec_id: str | None) -> None:
        findings.append(IndexFinding(code, CHECKS[code][0], message, spec_id))

    cached = read_cache(cache_path)
    specs_rel = shown_path(specs_dir.resolve(), root) if specs_dir is not None else None
    seen_paths: dict[str, str] = {}
    pattern = re.compile(id_pattern or DEFAULT_ID_PATTERN)
    for entry in sorted(index.all_entries(), key=lambda e: (e.id, e.path or "")):
        _check_entry(entry, index, root, report, seen_paths, cached, specs_rel, repo, pattern)
    for dup in index.duplicates:
        first = index.entries[dup.id]
        report("duplicate-id", f"{dup.id}: the id appears twice in the index (paths "
                               f"{first.path or 'none'} and {dup.path or 'none'})", dup.id)
    for cycle, rest in find_cycles(index):
        message = "dependency cycle: " + " -> ".join(cycle)
        if rest:
            message += f" (also in this cycle group: {', '.join(rest)})"
        report("cycle", message, cycle[0])
    if specs_dir is not None and specs_dir.is_dir():
        indexed = {e.path for e in index.all_entries() if e.path}
        for item in spec_files(specs_dir.resolve()):
            rel = shown_path(Path(item.path), root)
            if rel in indexed:
                continue
            try:
                spec_id = spec_fields(decode_spec(read_regular(item.path), rel)[0], rel,
                                      specs_rel)["id"]
            except (OSError, DocumentError):
                spec_id = PurePosixPath(rel).parent.name
            report("unindexed-spec", f"{rel} ({spec_id}) is not in the index; run "
                                     "'smartspec index'", spec_id)
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.spec_id or "", f.code, f.message))
    return findings


def _check_entry(entry: IndexEntry, index: SpecIndex, root: Path, report: Reporter,
                 seen_paths: dict[str, str], cached: Cache,
                 specs_rel: str | None, repo: str | None, pattern: re.Pattern[str]) -> None:
    spec_id = entry.id
    if pattern.search(spec_id) is None:
        report("bad-id", f"{spec_id}: the id does not match the id pattern {pattern.pattern} "
                         "(set index.idPattern in the config to change it)", spec_id)
    match = ID_RE.match(spec_id)
    if match is not None and entry.category:
        named = match.group("category") or "feature"
        if named != entry.category.lower():
            report("id-category-mismatch", f"{spec_id}: the id names category {named!r} but the "
                                           f"entry's category is {entry.category!r}", spec_id)
    for dependency in entry.dependencies:
        if dependency == spec_id:
            report("self-dependency", f"{spec_id} depends on itself", spec_id)
        elif dependency not in index.entries:
            near = difflib.get_close_matches(dependency, list(index.entries), n=1, cutoff=0.8)
            hint = f" (did you mean {near[0]}?)" if near else ""
            report("unknown-dependency", f"{spec_id} depends on {dependency}, which is not in "
                                         f"the index{hint}", spec_id)
    if entry.path is None:
        report("planned", f"{spec_id}: a placeholder with no spec file yet", spec_id)
        return
    path = entry.path
    if path in seen_paths and seen_paths[path] != spec_id:
        report("duplicate-path", f"{spec_id}: {path} is also the path of {seen_paths[path]}",
               spec_id)
    seen_paths.setdefault(path, spec_id)
    if path.endswith("spec.md.md"):
        report("double-extension", f"{spec_id}: the path {path} ends in spec.md.md; expected "
                                   f"{spec_path_for_display(path)}", spec_id)
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or re.match(r"^[A-Za-z]:", path):
        report("path-outside-root", f"{spec_id}: the path {path} is not relative to the project "
                                    "root; expected a path such as specs/<category>/<id>/spec.md",
               spec_id)
        return
    if repo and entry.repo and entry.repo != repo:
        return  # the file lives in another repository
    full = root / path
    try:
        data = read_regular(full)  # a FIFO in a spec's place is reported, never read
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        report("missing-file", f"{spec_id}: the spec file {path} does not exist", spec_id)
        return
    except OSError as exc:
        if full.is_dir():
            report("missing-file", f"{spec_id}: the spec file {path} does not exist", spec_id)
        else:
            report("unreadable-file", f"{spec_id}: {path} cannot be read ({exc.strerror})",
                   spec_id)
        return
    digest = sha256_hex(data)
    record = cached.files.get(path)
    stated = cached.fields(path, digest, record[5]) if record is not None else None
    if stated is None:
        try:
            stated = spec_fields(decode_spec(data, path)[0], path, specs_rel)
        except DocumentError as exc:
            report("unreadable-file", f"{spec_id}: {exc}", spec_id)
            return
    # Guessed fields (a category from the folder, an id from the folder name) are what the
    # index may legitimately know better; only what the spec states is compared.
    skipped = {"title", *stated.get("_inferred", ())}
    stated = public_fields(stated)
    own_title = stated.get("title")
    if own_title is not None and own_title != entry.title:
        report("title-mismatch", f"{spec_id}: the index says title {entry.title!r} but {path} "
                                 f"says {own_title!r}", spec_id)
    merged = merge_entry(entry, stated, path, digest)
    differing = [name for name in SPEC_FIELDS
                 if name not in skipped and getattr(merged, name) != getattr(entry, name)]
    if differing:
        report("stale-entry", f"{spec_id}: {path} changed since it was indexed "
                              f"({', '.join(differing)} differ); run 'smartspec index'", spec_id)
    elif entry.sha256 is not None and entry.sha256 != digest:
        report("stale-entry", f"{spec_id}: {path} changed since it was indexed (its content "
                              "hash differs); run 'smartspec index'", spec_id)
