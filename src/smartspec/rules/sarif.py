"""SARIF 2.1.0 output, the format GitHub code scanning (and most CI dashboards) read.

One run, smartspec as the driver, every registered rule as a reportingDescriptor (id = the
stable code, name = the config name), and one result per finding located at file:line.
Paths are made URIs relative to ``%SRCROOT%`` (the checkout), which is how GitHub maps
results back to files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from smartspec.digest import sha256_hex
from smartspec.rules.base import RULES, Rule, Severity

if TYPE_CHECKING:
    from smartspec.rules import ValidationResult

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
_LEVELS = {"error": "error", "warn": "warning", "off": "none"}


def _location(path: str) -> dict[str, str]:
    posix = path.replace("\\", "/")
    if PurePosixPath(posix).is_absolute():
        return {"uri": "file://" + quote(posix, safe="/")}
    return {"uri": quote(posix.removeprefix("./"), safe="/"), "uriBaseId": SRCROOT}


def _fingerprint(path: str, code: str, message: str) -> str:
    # Stable across runs and line moves: the same problem in the same file keeps its alert.
    return sha256_hex(f"{path}\0{code}\0{message}")[:32]


def to_sarif(results: Iterable[ValidationResult],
             severities: Mapping[str, Severity] | None = None, *,
             rules: Iterable[Rule] | None = None) -> dict[str, Any]:
    """The SARIF log for ``results``. ``severities`` (rule name -> error|warn|off) is the
    configuration the run used; it defaults to each rule's own default. ``rules`` is the rule
    set the findings come from (check-api has its own); default: validate's."""
    from smartspec import __version__

    rules = list(RULES if rules is None else rules)
    position = {rule.code: i for i, rule in enumerate(rules)}
    descriptors = []
    for rule in rules:
        level = (severities or {}).get(rule.name, rule.severity)
        descriptors.append({
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.description},
            "fullDescription": {"text": rule.description},
            "help": {"text": rule.hint, "markdown": f"**{rule.name}** ({rule.code}): {rule.hint}"},
            "defaultConfiguration": {"level": _LEVELS[level], "enabled": level != "off"},
            "properties": {"tags": ["smartspec", "spec"]},
        })
    sarif_results = []
    for result in results:
        for finding in result.findings:
            sarif_results.append({
                "ruleId": finding.code,
                "ruleIndex": position[finding.code],
                "level": _LEVELS[finding.severity],
                "message": {"text": finding.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": _location(result.path),
                    "region": {"startLine": finding.line or 1},
                }}],
                "partialFingerprints": {
                    "smartspecFinding/v1": _fingerprint(result.path, finding.code, finding.message),
                },
            })
    run = {
        "tool": {"driver": {
            "name": "smartspec",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": descriptors,
        }},
        "invocations": [{"executionSuccessful": True}],
        "columnKind": "unicodeCodePoints",
        "results": sarif_results,
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
