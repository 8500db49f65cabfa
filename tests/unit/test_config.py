"""Config: precedence (each layer wins over the one below), provenance, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from smartspec.config import load_settings
from smartspec.options import Options
from tests.helpers import build_file_tree, run_cli, tree_hashes

ORG = ".smartspec/config.json"
PROJECT = "smartspec.config.json"


def write(root: Path, name: str, data: object) -> None:
    build_file_tree(root, {name: json.dumps(data, indent=2)})


def test_defaults_when_no_config(project: Path) -> None:
    settings = load_settings(cwd=project, environ={})
    assert settings["profile"] == "full"
    assert settings.source("profile").source == "default"
    assert settings.state_dir == str(project / ".smartspec")


def test_each_layer_wins_over_the_one_below(project: Path) -> None:
    write(project, ORG, {"defaults": {"profile": "basic", "mode": "compact"},
                         "organization": {"defaultAuthor": "Org Bot"}})
    settings = load_settings(cwd=project, environ={})
    assert settings["profile"] == "basic"
    assert settings.source("profile").describe() == "org config (.smartspec/config.json: defaults.profile)"
    assert settings["author"] == "Org Bot"

    write(project, PROJECT, {"defaults": {"profile": "backend-service"}})
    settings = load_settings(cwd=project, environ={})
    assert settings["profile"] == "backend-service"
    assert settings.source("profile").source == "project config"
    assert settings["mode"] == "compact"  # still from the org layer

    settings = load_settings(Options(profile="financial"), cwd=project, environ={})
    assert settings["profile"] == "financial"
    assert settings.source("profile").describe() == "flag (--profile)"


def test_root_is_found_from_a_subfolder(project: Path) -> None:
    write(project, PROJECT, {"language": "th"})
    sub = project / "services" / "payments"
    sub.mkdir(parents=True)
    settings = load_settings(cwd=sub, environ={})
    assert settings.root == str(project)
    assert settings["lang"] == "th"


def test_lang_from_environment_only_when_config_is_silent(project: Path) -> None:
    assert load_settings(cwd=project, environ={"LANG": "th_TH.UTF-8"})["lang"] == "th"
    write(project, PROJECT, {"language": "en"})
    assert load_settings(cwd=project, environ={"LANG": "th_TH.UTF-8"})["lang"] == "en"


def test_reference_config_example_is_accepted(project: Path) -> None:
    # Reference §12.1, verbatim.
    write(project, PROJECT, {
        "version": "5.0.0",
        "defaults": {"profile": "backend-service", "mode": "standard", "security": "auto",
                     "di": "auto", "performance": "auto"},
        "organization": {"name": "Company Name", "defaultAuthor": "SmartSpec Architect v5.0"},
        "profiles": {
            "backend-service": {"includeSections": ["di", "testing", "monitoring"],
                                "excludeSections": ["stride-full"], "security": "basic",
                                "performance": "basic"},
            "financial": {"includeSections": ["stride-full", "performance-full", "audit"],
                          "security": "stride-full", "performance": "full",
                          "mandatory": ["di", "security", "performance"]},
        },
        "domains": {
            "healthcare": {"autoInclude": ["privacy", "audit", "realtime"],
                           "compliance": ["HIPAA"], "performance": "full"},
            "iot": {"autoInclude": ["throughput", "telemetry"], "performance": "full"},
        },
        "validation": {"enabled": True, "rules": {"api-example-coverage": "warn",
                                                  "queue-metrics": "error",
                                                  "external-api-retry": "warn"}},
        "output": {"createBackups": True, "generateReports": True, "outputDir": ".smartspec/"},
    })
    settings = load_settings(cwd=project, environ={})
    assert settings["organization"] == "Company Name"
    assert settings.profiles["backend-service"].security is not None
    assert settings.validation_rules["queue-metrics"].value == "error"
    result = run_cli(["new", "vitals", "--profile=backend-service", "--domain=healthcare",
                      "--json", "--no-validation"], project)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["spec"]["performance"] == "full"  # domains.healthcare.performance
    assert data["spec"]["security"] == "stride-basic"  # healthcare floor over profile's basic
    keys = [s["key"] for s in data["sections"]]
    assert {"privacy", "audit", "realtime"} <= set(keys)


def test_keywords_extend_detection(project: Path) -> None:
    write(project, PROJECT, {"keywords": {"queue": ["conveyor"]}})
    result = run_cli(["new", "belt", "Moves parcels on a conveyor", "--profile=basic", "--json",
                      "--no-validation"], project)
    data = json.loads(result.out)
    assert data["spec"]["performance"] == "basic"
    reason = next(d for d in data["decisions"] if d["setting"] == "performance")["reason"]
    assert "conveyor" in reason


@pytest.mark.parametrize(("content", "message"), [
    ('{\n  "defaults": {\n    "profile": "basic",,\n  }\n}',
     "smartspec.config.json: line 3, column 24: invalid JSON"),
    ('{"defaults": {"profile": 3}}', "smartspec.config.json: at defaults.profile: Expected"),
    ('{"defaults": {"profile": "finacial"}}',
     "at defaults.profile: Invalid enum value 'finacial'; expected one of basic, backend-service"),
    ('{"defaults": {"colour": "red"}}', "at defaults: unknown key `colour`"),
    ('{"output": {"keepBackups": "many"}}', "at output.keepBackups: Expected `int | null`, got `str`"),
    ('{"validation": {"rules": {"queue-metrics": "fatal"}}}',
     "at validation.rules.queue-metrics: Invalid enum value 'fatal'; expected one of error, warn, off"),
    ('{"keywords": {"colours": ["red"]}}', "at keywords.colours: unknown keyword group"),
    ('[1, 2]', "expected a JSON object at the top level"),
    ('{"profiles": {"enterprise": {}}}', "Invalid enum value 'enterprise'"),
])
def test_bad_config_names_file_key_and_expectation(project: Path, content: str, message: str) -> None:
    build_file_tree(project, {PROJECT: content})
    before = tree_hashes(project)
    result = run_cli(["new", "svc"], project)
    assert result.code == 2
    assert message in result.err, result.err
    assert result.err.count("\n") == 1
    assert tree_hashes(project) == before


def test_org_config_errors_name_the_org_file(project: Path) -> None:
    build_file_tree(project, {ORG: '{"defaults": {"mode": "tiny"}}'})
    result = run_cli(["config"], project)
    assert result.code == 2
    assert ".smartspec/config.json: at defaults.mode" in result.err


def test_show_origin_lists_values_and_sources(project: Path) -> None:
    write(project, ORG, {"defaults": {"mode": "compact"}})
    write(project, PROJECT, {"defaults": {"profile": "basic"},
                             "validation": {"rules": {"queue-metrics": "warn"}}})
    result = run_cli(["config", "--show-origin"], project)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    profile = next(line for line in lines if line.startswith("profile "))
    assert '"basic"' in profile and "project config (smartspec.config.json: defaults.profile)" in profile
    mode = next(line for line in lines if line.startswith("mode "))
    assert "org config (.smartspec/config.json: defaults.mode)" in mode
    di = next(line for line in lines if line.startswith("di "))
    assert di.rstrip().endswith("default")
    assert any(line.startswith("validation.rules.queue-metrics") for line in lines)


def test_schema_is_draft_2020_12_and_accepts_the_reference_example(project: Path) -> None:
    result = run_cli(["config", "--schema"], project)
    schema = json.loads(result.out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate({"defaults": {"profile": "financial"}, "keywords": {"auth": ["sso"]}})
    assert list(validator.iter_errors({"defaults": {"profile": "enterprise"}}))
    assert list(validator.iter_errors({"unknown": 1}))
