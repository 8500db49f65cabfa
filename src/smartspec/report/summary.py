"""What happened in one run, as data: the console, the Markdown report and ``--json`` all
render this record, never the run itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smartspec.plan import Decision, SpecPlan
    from smartspec.rules import ValidationResult


@dataclass(slots=True)
class RunSummary:
    """What happened in one run, for the console, the Markdown report and ``--json``."""

    command: str
    plan: SpecPlan
    spec_path: str  # relative to the root
    written: list[str] = field(default_factory=list)
    backup: str | None = None
    report: str | None = None
    index_path: str | None = None
    warnings: list[str] = field(default_factory=list)
    checked: ValidationResult | None = None  # None: validation was off
    dry_run: bool = False
    backups_enabled: bool = True
    reports_enabled: bool = True
    sections_report: list[dict[str, Any]] = field(default_factory=list)  # edit: per-section fate
    changed: bool | None = None  # edit: whether the spec's text changed
    model_added: dict[str, list[str]] = field(default_factory=dict)  # edit: facts its words added

    @property
    def validation(self) -> dict[str, Any] | None:
        """The validation outcome as reports and ``--json`` show it: counts and findings."""
        if self.checked is None:
            return None
        return {
            "errors": self.checked.errors,
            "warnings": self.checked.warnings,
            "passed": self.checked.passed,
            "findings": [{"rule": f.rule, "severity": f.severity, "message": f.message,
                          "line": f.line} for f in self.checked.findings],
        }

    def to_json(self) -> dict[str, Any]:
        plan = self.plan
        return {
            "schema": 1,
            "command": self.command,
            "spec": {
                "id": plan.spec_id, "title": plan.title, "path": self.spec_path,
                "profile": plan.profile, "mode": plan.mode, "security": plan.security,
                "di": plan.di, "performance": plan.performance, "domains": list(plan.domains),
            },
            "sections": [{"key": s.key, "title": s.title, "critical": s.critical is not None,
                          "number": s.number} for s in plan.sections],
            "decisions": [d.to_json() for d in plan.decisions],
            "validation": self.validation or {"errors": 0, "warnings": 0, "passed": 0,
                                              "findings": [], "skipped": True},
            "written": list(self.written),
            "backup": self.backup,
            "report": self.report,
            "index": self.index_path,
            "warnings": list(self.warnings),
            "dry_run": self.dry_run,
            **({"section_changes": self.sections_report} if self.sections_report else {}),
            **({"changed": self.changed} if self.changed is not None else {}),
            **({"model_added": self.model_added} if self.model_added else {}),
        }


def decision_of(plan: SpecPlan, setting: str) -> Decision | None:
    return next((d for d in plan.decisions if d.setting == setting), None)
