"""The fields a spec file states about itself, read from its header and settings comment."""

from __future__ import annotations

import re

from smartspec.digest import sha256_hex
from smartspec.index.model import (
    EMPTY_LIST_VALUES,
    SPEC_FIELDS,
    TITLE_PREFIX_RE,
    IndexEntry,
    infer_category,
    unique,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from smartspec.document import Document

# --------------------------------------------------------------------------------------------
# Reading specs


def spec_fields(text: str, rel_path: str, specs_rel: str | None = None, *,
                doc: Document | None = None) -> dict[str, Any]:
    """What a spec states about itself: the settings comment wins over header lines; a
    hand-written spec gets its id from ``**Spec ID:**`` or its folder, its title from the H1.

    Only stated fields are present in the result. ``rel_path`` is the file relative to the
    root, ``specs_rel`` the specs folder relative to the root (for the category of
    ``<specs>/<category>/<id>/spec.md``). Two private keys may be present: ``_inferred`` lists
    the fields guessed from the folder or the id rather than stated, and ``_warning`` carries
    a problem worth showing. ``public_fields`` drops them. ``doc`` is ``text`` parsed already
    (the fields read here do not depend on the critical names it was parsed with).
    """
    if doc is None:
        from smartspec.document import parse

        doc = parse(text)
    settings = doc.settings or {}
    header = {key.strip().lower(): value.strip() for key, value in doc.header.items()}
    stated: dict[str, Any] = {}

    def pick(name: str, setting: str, *header_keys: str) -> None:
        value = settings.get(setting)
        if isinstance(value, str) and value.strip():
            stated[name] = value.strip()
            return
        for key in header_keys:
            if header.get(key):
                stated[name] = header[key]
                return

    def pick_list(name: str, setting: str, *header_keys: str) -> None:
        value = settings.get(setting)
        if isinstance(value, list):
            stated[name] = unique(str(v).strip() for v in value if str(v).strip())
            return
        if isinstance(value, str):
            stated[name] = _split_header_list(value)
            return
        for key in header_keys:
            if key in header:
                stated[name] = _split_header_list(header[key])
                return

    inferred: list[str] = []
    pick("id", "id", "spec id", "id")
    if "id" not in stated:
        from smartspec.adopt import stated_id

        found = stated_id(doc)
        if found is not None:
            stated["id"] = found[0]
    if "id" not in stated:
        parts = _posix_parts(rel_path)
        folder = parts[-2] if len(parts) >= 2 else ""
        stated["id"] = (folder if folder != "/" else "") or rel_path
        inferred.append("id")
    title_setting = settings.get("title")
    if isinstance(title_setting, str) and title_setting.strip():
        stated["title"] = title_setting.strip()
    elif doc.title:
        match = TITLE_PREFIX_RE.match(doc.title)
        stated["title"] = (match.group("title") if match else doc.title).strip()
    pick("repo", "repo", "repo", "repository")
    pick("category", "category", "category")
    pick("status", "status", "status")
    pick("version", "version", "version")
    pick("profile", "profile", "profile")
    pick("created", "created", "created")
    pick("updated", "updated", "updated", "last updated")
    pick_list("domains", "domains", "domains", "domain")
    pick_list("dependencies", "depends_on", "depends on", "dependencies")
    if "status" in stated:
        stated["status"] = stated["status"].lower()
    if "category" not in stated and specs_rel is not None:
        parts = _posix_parts(rel_path)
        base = _posix_parts(specs_rel) if specs_rel not in ("", ".") else []
        if len(parts) == len(base) + 3 and parts[: len(base)] == base:
            stated["category"] = parts[len(base)]
            inferred.append("category")
    if "category" not in stated:
        guessed = infer_category(stated["id"])
        if guessed:
            stated["category"] = guessed
            inferred.append("category")
    if inferred:
        stated["_inferred"] = inferred
    if doc.settings is None and doc.settings_line is not None:
        stated["_warning"] = (f"{rel_path}: line {doc.settings_line + 1}: the smartspec settings "
                              "comment is not valid JSON; used the header lines instead")
    return stated


def _posix_parts(path: str) -> list[str]:
    """The parts of a POSIX path as ``PurePosixPath(path).parts`` gives them (empty and ``.``
    parts dropped, ``/`` first for an absolute path), without pathlib on the commands that
    write a spec."""
    parts = [part for part in path.split("/") if part and part != "."]
    return ["/", *parts] if path.startswith("/") else parts


def public_fields(stated: dict[str, Any]) -> dict[str, Any]:
    """``stated`` without the private ``_inferred`` and ``_warning`` keys."""
    return {key: value for key, value in stated.items() if not key.startswith("_")}


def _split_header_list(value: str) -> list[str]:
    if value.strip().lower() in EMPTY_LIST_VALUES:
        return []
    return unique(part.strip().strip("`") for part in re.split(r"[,;]", value) if part.strip())


def entry_from_spec(text: str, rel_path: str, *, sha256: str | None = None,
                    specs_rel: str | None = None, doc: Document | None = None) -> IndexEntry:
    """The index entry for one spec's text (what new/edit upsert after writing a spec).
    ``sha256`` defaults to the hash of ``text`` encoded as UTF-8; ``doc`` is ``text`` parsed,
    when the caller has it."""
    stated = public_fields(spec_fields(text, rel_path, specs_rel, doc=doc))
    digest = sha256 or sha256_hex(text)
    return merge_entry(None, stated, rel_path, digest)


def merge_entry(base: IndexEntry | None, stated: dict[str, Any], rel_path: str,
                sha256: str | None) -> IndexEntry:
    """The spec wins where it speaks; the index keeps what only it knows (unknown fields,
    a repo or dependencies the spec does not state)."""
    entry = base.copy() if base else IndexEntry(id=stated["id"])
    for name in SPEC_FIELDS:
        if name in stated:
            value = stated[name]
            setattr(entry, name, list(value) if isinstance(value, list) else value)
    entry.path = rel_path
    entry.sha256 = sha256
    return entry
