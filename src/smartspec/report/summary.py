"""What happened in one run, as data: the console, the Markdown report and ``--json`` all
render this record, never the run itself."""

from __future__ import annotations

from smartspec.records import SlotRecord

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from smartspec.plan import Decision, SpecPlan
    from smartspec.rules import ValidationResult


class RunSummary(SlotRecord):
    """What happened in one run, for the console, the Markdown report and ``--json``."""

    # In field order: the repr lists them so, as a dataclass did.
    __slots__ = ("command", "plan", "spec_path", "written", "backup", "report",  # noqa: RUF023
                 "index_path", "warnings", "checked", "dry_run", "backups_enabled",
                 "reports_enabled", "sections_report", "changed", "model_added")

    def __init__(self, command: str, plan: SpecPlan, spec_path: str,
                 written: list[str] | None = None, backup: str | None = None,
                 report: str | None = None, index_path: str | None = None,
                 warnings: list[str] | None = None, checked: ValidationResult | None = None,
                 dry_run: bool = False, backups_enabled: bool = True,
                 reports_enabled: bool = True,
                 sections_report: list[dict[str, Any]] | None = None,
                 changed: bool | None = None,
                 model_added: dict[str, list[str]] | None = None) -> None:
        self.command = command
        self.plan = plan
        self.spec_path = spec_path  # relative to the root
        self.written: list[str] = [] if written is None else written
        self.backup = backup
        self.report = report
        self.index_path = index_path
        self.warnings: list[str] = [] if warnings is None else warnings
        self.checked = checked  # None: validation was off
        self.dry_run = dry_run
        self.backups_enabled = backups_enabled
        self.reports_enabled = reports_enabled
        # edit: what became of each section, and whether the spec's text changed
        self.sections_report: list[dict[str, Any]] = (
            [] if sections_report is None else sections_report)
        self.changed = changed
        # edit: the facts its words added to the model
        self.model_added: dict[str, list[str]] = {} if model_added is None else model_added

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
