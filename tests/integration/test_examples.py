"""The reference's §15 Examples 1-5, run as written with `smartspec` as the command, give the
results the reference states. Examples 1 and 3 also run through the installed command."""

from __future__ import annotations

import json
from pathlib import Path

from smartspec.document import parse
from tests.golden_cases import CASES
from tests.helpers import run_cli, run_installed


def make(project: Path, case: str) -> tuple[dict[str, object], str]:
    result = run_cli([*CASES[case], "--json"], project)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    text = (project / str(data["spec"]["path"])).read_text(encoding="utf-8")  # type: ignore[index]
    assert data["validation"]["errors"] == 0, data["validation"]  # type: ignore[index]
    return data, text


def titles(text: str) -> list[str]:
    return [s.title for s in parse(text).sections]


def test_example_1_simple_crud_tool(project: Path) -> None:
    data, text = make(project, "example-1-report-exporter")
    assert data["spec"] == {**data["spec"], "profile": "basic", "mode": "compact",  # type: ignore[dict-item]
                            "di": "none", "performance": "none", "security": "none"}
    assert titles(text) == ["Overview", "Architecture Summary", "Technical Specification",
                            "Constraints & Risk Notes", "Acceptance Tests"]
    assert "Dependency Injection" not in text and "STRIDE" not in text


def test_example_2_standard_microservice(project: Path) -> None:
    data, text = make(project, "example-2-user-service")
    names = titles(text)
    for title in ("Dependency Injection Pattern", "Testing Requirements", "Monitoring",
                  "Security Considerations"):
        assert title in names
    assert data["spec"]["security"] == "basic" and data["spec"]["di"] == "full"  # type: ignore[index]


def test_example_3_financial_system(project: Path) -> None:
    data, text = make(project, "example-3-payment-processing")
    spec = data["spec"]
    assert (spec["security"], spec["performance"], spec["di"]) == ("stride-full", "full", "full")  # type: ignore[index]
    names = titles(text)
    for title in ("Security Threat Model (STRIDE-Full)", "Performance Requirements",
                  "Audit Logging", "Compliance", "Data Model & Schema", "Saga Orchestration Patterns"):
        assert title in names
    for word in ("P50", "P95", "P99", "SOC 2", "Idempotency"):
        assert word in text


def test_example_4_iot_telemetry(project: Path) -> None:
    data, text = make(project, "example-4-telemetry-ingestion")
    assert data["spec"]["performance"] == "full" and data["spec"]["domains"] == ["iot"]  # type: ignore[index]
    assert "Telemetry & Edge Processing" in titles(text)
    assert "10000 TPS" in text  # the iot throughput preset
    assert "Edge" in text and "Batch" in text


def test_example_5_healthcare_api(project: Path) -> None:
    data, text = make(project, "example-5-patient-records-api")
    assert data["spec"]["security"] == "stride-full"  # type: ignore[index]
    names = titles(text)
    for title in ("Privacy & Data Protection", "Audit Logging", "Compliance",
                  "Security Threat Model (STRIDE-Full)"):
        assert title in names
    assert "HIPAA" in text


def test_installed_command_runs_examples_1_and_3(project: Path) -> None:
    for case in ("example-1-report-exporter", "example-3-payment-processing"):
        done = run_installed(CASES[case], project)
        assert done.returncode == 0, done.stderr
        assert "✅ SPEC" in done.stdout
    assert sorted(p.parent.name for p in project.glob("specs/*/*/spec.md")) == [
        "spec-001-report-exporter", "spec-002-payment-processing"]


def test_installed_command_version_and_module_form(project: Path) -> None:
    from smartspec import __version__

    done = run_installed(["--version"], project)
    assert done.returncode == 0 and done.stdout == f"smartspec {__version__}\n"
    bad = run_installed(["new", "x1", "--profile=nope"], project)
    assert bad.returncode == 2
    assert bad.stderr.startswith("smartspec: error: ") and "Traceback" not in bad.stderr
    assert list(project.iterdir()) == []
