"""What a spec's Related Specs section lists: each dependency looked up in the index (its
title, and its path or repository) and grouped by category, in the order the section shows."""

from __future__ import annotations

from smartspec.index.model import SpecIndex, infer_category, spec_path_for_display, unique
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from smartspec.index.splice import IndexText


class ResolvedDependency(NamedTuple):
    """A dependency as the Related Specs section shows it (its id, title, and path or repository)."""

    id: str
    title: str | None
    path: str  # ends in spec.md; "N/A" when unknown
    repo: str  # "unknown" when unknown
    category: str | None
    found: bool

    def markdown_line(self, *, index_available: bool = True) -> str:
        """The reference's line: ``- **id** - title - Spec Path: "path" Repo: repo``."""
        from smartspec.markers import inline_user_text

        if not index_available:
            return f"- **{self.id}**" + (f" - {inline_user_text(self.title)}" if self.title else "")
        if not self.found:
            return f'- **{self.id}** - [NOT FOUND IN SPEC_INDEX] - Spec Path: "N/A" Repo: unknown'
        title = inline_user_text(self.title or self.id)
        return f'- **{self.id}** - {title} - Spec Path: "{self.path}" Repo: {self.repo}'


def resolve_dependencies(index: SpecIndex | IndexText | None,
                         ids: list[str]) -> list[ResolvedDependency]:
    """Look each id up in the index (its id, title, and path or repository), in the given order, once each."""
    resolved: list[ResolvedDependency] = []
    for spec_id in unique(i.strip() for i in ids if i.strip()):
        entry = index.entries.get(spec_id) if index is not None else None
        if entry is None:
            resolved.append(ResolvedDependency(spec_id, None, "N/A", "unknown",
                                               infer_category(spec_id), False))
            continue
        resolved.append(ResolvedDependency(
            spec_id, entry.title, spec_path_for_display(entry.path), entry.repo or "unknown",
            entry.category or infer_category(spec_id), True))
    return resolved


RELATED_GROUP_TITLES = {"core": "Core Dependencies", "feature": "Feature Specs",
                        "infrastructure": "Infrastructure Specs"}


def related_groups(
        resolved: list[ResolvedDependency]) -> list[tuple[str, list[ResolvedDependency]]]:
    """Group dependencies for the Related Specs section: core, feature, infrastructure, then
    other categories alphabetically, then those whose category is unknown."""
    groups: dict[str | None, list[ResolvedDependency]] = {}
    for item in resolved:
        groups.setdefault(item.category, []).append(item)
    order = [c for c in RELATED_GROUP_TITLES if c in groups]
    order += sorted(c for c in groups if c is not None and c not in RELATED_GROUP_TITLES)
    result = [(RELATED_GROUP_TITLES.get(c) or f"{c.replace('-', ' ').title()} Specs", groups[c])
              for c in order if c is not None]
    if None in groups:
        result.append(("Other Specs", groups[None]))
    return result
