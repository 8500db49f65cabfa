"""The rule engine: one implementation for ``smartspec validate``, new/edit and the API.

    result = validate_text(text, path="specs/feature/spec-004-x/spec.md", settings=settings)
    result.errors, result.warnings, result.passed, result.findings

Each spec is parsed once (``smartspec.document.parse``) and every enabled rule reads the same
``Context``. Severities come from the rule's default, then config ``validation.rules.<name>``
(error | warn | off), then ``strict`` (warnings become errors); ``validation.enabled=false``
turns every rule off. An unknown rule name in config is a ``ConfigError`` naming the file and
key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from smartspec import specfile, wordgroups
from smartspec.document import Document, parse
from smartspec.errors import ConfigError
from smartspec.markers import BUILTIN_CRITICAL
from smartspec.rules import (  # noqa: F401 - registers the rules
    consistency,
    coverage,
    figures,
    semantic,
    structure,
)
from smartspec.rules.base import RULES, Finding, Hit, Rule, RuleSet, Severity, Skip
from smartspec.rules.context import Context
from smartspec.rules.keywords import WordMatcher
from smartspec.rules.messages import message
from smartspec.rules.output import render_markdown, render_text, report_json, summary_line
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal

    from smartspec.config import Settings
    from smartspec.specfile import SpecArg

__all__ = [
    "RULES", "Finding", "Hit", "Rule", "RuleSet", "Severity", "Skip", "ValidationResult",
    "Validator", "read_spec", "render_markdown", "render_text", "report_json",
    "summary_line", "validate_document", "validate_text",
]

RESULT_SCHEMA = 1
# The keyword groups the consistency rules ask about (``wordgroups.RULE_GROUPS``, extended
# by config ``keywords``).
RULE_GROUPS = tuple(wordgroups.RULE_GROUPS)


class ValidationResult(NamedTuple):
    """The outcome for one spec. ``passed`` counts the rules that ran and found nothing;
    ``skipped`` lists (rule, reason) for rules that could not apply (hand-written spec, no
    index, no registry)."""

    path: str
    findings: tuple[Finding, ...] = ()
    passed_rules: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    spec_id: str | None = None
    enabled: bool = True

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warn")

    @property
    def passed(self) -> int:
        return len(self.passed_rules)

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": RESULT_SCHEMA,
            "path": self.path,
            "spec_id": self.spec_id,
            "enabled": self.enabled,
            "errors": self.errors,
            "warnings": self.warnings,
            "passed": self.passed,
            "findings": [f.to_json() for f in self.findings],
            "passed_rules": list(self.passed_rules),
            "skipped": [{"rule": rule, "reason": reason} for rule, reason in self.skipped],
        }


def _known_ids(index: Any) -> frozenset[str] | None:
    """The spec ids of an index: a SpecIndex (``.entries``), an index read entry by entry
    (``IndexText``, whose ``.ids`` are a frozenset), a mapping or an iterable of ids."""
    if index is None:
        return None
    if isinstance(index, frozenset):
        return index
    ids = getattr(index, "ids", None)
    if isinstance(ids, frozenset):
        return ids
    entries = getattr(index, "entries", index)
    if isinstance(entries, Mapping):
        return frozenset(str(k) for k in entries)
    return frozenset(str(k) for k in entries)


def resolve_severities(settings: Settings | None, *,
                       strict: bool = False) -> dict[str, Severity]:
    """Rule name -> the severity it runs at in this project."""
    configured = settings.validation_rules if settings is not None else {}
    for name, sourced in configured.items():
        if name not in RULES.names:
            from smartspec.options import nearest

            hint = nearest(name, list(RULES.names))
            did_you_mean = f" (did you mean {hint!r}?)" if hint else ""
            where = sourced.where or f"validation.rules.{name}"
            raise ConfigError(f"{where}: unknown rule {name!r}; expected one of "
                              f"{', '.join(RULES.names)}{did_you_mean}")
    enabled = settings is None or bool(settings["validation_enabled"])
    severities: dict[str, Severity] = {}
    for rule in RULES:
        # Config has checked that a configured severity is one of the three words.
        chosen: Severity = (configured[rule.name].value  # type: ignore[assignment]
                            if rule.name in configured else rule.severity)
        if not enabled:
            chosen = "off"
        elif strict and chosen == "warn":
            chosen = "error"
        severities[rule.name] = chosen
    return severities


class Validator:
    """Rules, severities and keyword patterns resolved once, then applied to many specs.

    Picklable, so ``validate`` can hand one to each worker process.
    """

    def __init__(self, settings: Settings | None = None, *, index: Any = None,
                 registry: Mapping[str, Any] | None = None, strict: bool = False,
                 index_name: str = "SPEC_INDEX.json") -> None:
        self.severities = resolve_severities(settings, strict=strict)
        # The rules that run, in code order, each with its severity: worked out once here,
        # not for every spec checked.
        self.active = tuple((rule, self.severities[rule.name]) for rule in RULES
                            if self.severities[rule.name] != "off")
        self.enabled = settings is None or bool(settings["validation_enabled"])
        self.critical_names: tuple[str, ...] = (
            settings.critical_names if settings is not None else BUILTIN_CRITICAL)
        words = wordgroups.extend(wordgroups.RULE_GROUPS,
                                  settings.keywords if settings is not None else None)
        self.matchers = {group: WordMatcher(words.get(group, ())) for group in RULE_GROUPS}
        self.known_ids = _known_ids(index)
        self.index_name = index_name
        self.registry = registry

    def validate_text(self, text: str, *, path: str) -> ValidationResult:
        if not self.enabled:
            return ValidationResult(path=path, enabled=False)
        return self.validate_document(parse(text, critical_names=self.critical_names),
                                      path=path, text=text)

    def validate_document(self, doc: Document, *, path: str,
                          text: str | None = None) -> ValidationResult:
        """Run every enabled rule over a parsed spec (``text``: what it was parsed from, when
        the caller has it)."""
        ctx = Context(doc, path=path, matchers=self.matchers, critical_names=self.critical_names,
                      known_ids=self.known_ids, index_name=self.index_name,
                      registry=self.registry, text=text)
        if not self.enabled:
            return ValidationResult(path=path, spec_id=ctx.spec_id, enabled=False)
        findings: list[Finding] = []
        passed: list[str] = []
        skipped: list[tuple[str, str]] = []
        for rule, severity in self.active:
            try:
                hits = list(rule.check(ctx))
            except Skip as skip:
                skipped.append((rule.name, skip.reason))
                continue
            if not hits:
                passed.append(rule.name)
                continue
            level: Literal["error", "warn"] = "error" if severity == "error" else "warn"
            for hit in hits:
                findings.append(Finding(
                    rule=rule.name, code=rule.code, severity=level,
                    message=message(hit.message_id, hit.args),
                    line=None if hit.line is None else hit.line + 1,
                    hint=rule.hint, message_id=hit.message_id, args=tuple(hit.args.items())))
        findings.sort(key=lambda f: (f.line or 0, f.code))
        return ValidationResult(path=path, findings=tuple(findings), passed_rules=tuple(passed),
                                skipped=tuple(skipped), spec_id=ctx.spec_id)

    def validate_file(self, file: SpecArg, *, path: str | None = None) -> ValidationResult:
        return self.validate_text(read_spec(file, shown=path), path=path or os.fspath(file))


def read_spec(file: SpecArg, *, shown: str | None = None) -> str:
    """A spec's text (UTF-8, a byte-order mark dropped), read by the one spec reader
    (``specfile.read_spec``), whose DocumentError names the file and, for a byte that is
    not UTF-8, its line. ``file`` may be a string (a validate run's walk finds files as
    strings) or a path object."""
    return specfile.read_spec(file, shown or os.fspath(file))[1]


def validate_document(doc: Document, *, path: str, settings: Settings | None = None,
                      index: Any = None, registry: Mapping[str, Any] | None = None,
                      strict: bool = False) -> ValidationResult:
    """Run every enabled rule over an already parsed spec."""
    validator = Validator(settings, index=index, registry=registry, strict=strict)
    return validator.validate_document(doc, path=path)


def validate_text(text: str, *, path: str, settings: Settings | None = None, index: Any = None,
                  registry: Mapping[str, Any] | None = None,
                  strict: bool = False) -> ValidationResult:
    """Parse ``text`` once and run every enabled rule over it. ``index`` is a SpecIndex (or
    any collection of spec ids) for the related-specs rule; ``registry`` the parsed
    critical-sections registry for the critical-text-changed rule. Either may be None: those
    rules are then skipped."""
    validator = Validator(settings, index=index, registry=registry, strict=strict)
    return validator.validate_text(text, path=path)
