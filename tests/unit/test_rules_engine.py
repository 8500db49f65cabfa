"""The rule engine: registry, severities from config, --strict, keywords from config, one
parse per spec, the keyword matcher against detect's definition, results and reports."""

from __future__ import annotations

import json
import pickle
import re
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smartspec.rules as rules_module
from smartspec import detect
from smartspec.config import Settings, load_settings
from smartspec.document import Document, parse
from smartspec.errors import ConfigError
from smartspec.rules import (
    RULES,
    Finding,
    Rule,
    RuleSet,
    ValidationResult,
    Validator,
    render_markdown,
    render_text,
    report_json,
    summary_line,
    validate_document,
    validate_text,
)
from smartspec.rules.keywords import WordMatcher
from smartspec.rules.messages import pairs
from tests.helpers import build_file_tree
from tests.rules import spec

QUEUE_SPEC = spec("""
    # Jobs

    ## 1. Overview

    Users log in with a JWT.

    ## 2. Architecture

    Workers consume the queue.

    ## 3. Performance Requirements

    - P99 < 300ms
    """)


def _settings(project: Path, config: dict[str, object]) -> Settings:
    build_file_tree(project, {"smartspec.config.json": json.dumps(config)})
    return load_settings(cwd=project)


# --- registry ---------------------------------------------------------------------------------

def test_registry_holds_the_reference_rules_with_their_default_severities() -> None:
    defaults = {rule.name: rule.severity for rule in RULES}
    assert defaults["queue-metrics"] == "error"
    assert defaults["auth-security-section"] == "error"
    for name in ("api-example-coverage", "transaction-integration-tests", "external-api-retry"):
        assert defaults[name] == "warn"
    assert set(defaults) >= {"required-sections", "critical-sections", "settings-comment",
                             "related-specs", "critical-text-changed", "placeholders"}


def test_every_rule_is_documented_in_both_languages() -> None:
    codes = [rule.code for rule in RULES]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    for rule in RULES:
        assert re.fullmatch(r"SS\d{3}", rule.code)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
        assert rule.description.endswith(".") and "\n" not in rule.description
        assert rule.hint and rule.hint_th and rule.passed and rule.passed_th
        assert RULES[rule.code] is rule and RULES[rule.name] is rule


def test_messages_use_the_same_fields_in_english_and_thai() -> None:
    def fields(template: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}

    for message_id, (english, thai) in pairs("rules").items():
        assert fields(english) == fields(thai), message_id
    for key, (english, thai) in pairs("rule_labels").items():
        assert english and thai, key


def test_registering_a_duplicate_code_or_name_raises() -> None:
    registry = RuleSet()
    original = RULES["queue-metrics"]
    registry.register(original)
    with pytest.raises(ValueError, match="SS002 is already registered"):
        registry.register(Rule("SS002", "other", "warn", "d.", "h", "p", original.check))
    with pytest.raises(ValueError, match="'queue-metrics' is already registered"):
        registry.register(Rule("SS900", "queue-metrics", "warn", "d.", "h", "p", original.check))
    with pytest.raises(ValueError, match="default severity"):
        registry.register(Rule("SS901", "x", "fatal", "d.", "h", "p",  # type: ignore[arg-type]
                               original.check))


# --- severities -------------------------------------------------------------------------------

def test_default_severities_and_summary() -> None:
    result = validate_text(QUEUE_SPEC, path="jobs.md")
    by_rule = {f.rule: f for f in result.findings}
    assert by_rule["queue-metrics"].severity == "error"
    assert by_rule["queue-metrics"].line == 9
    assert by_rule["auth-security-section"].severity == "error"
    assert result.errors == 2 and result.warnings == 0
    assert "queue-metrics" not in result.passed_rules
    assert result.passed == len(result.passed_rules) > 0


def test_config_changes_and_turns_off_rules(project: Path) -> None:
    settings_ = _settings(project, {"validation": {"rules": {
        "queue-metrics": "warn", "auth-security-section": "off", "placeholders": "error"}}})
    result = validate_text(QUEUE_SPEC, path="jobs.md", settings=settings_)
    assert [(f.rule, f.severity) for f in result.findings] == [("queue-metrics", "warn")]
    assert "auth-security-section" not in result.passed_rules
    assert "auth-security-section" not in [name for name, _ in result.skipped]


def test_strict_makes_warnings_errors(project: Path) -> None:
    settings_ = _settings(project, {"validation": {"rules": {"queue-metrics": "warn"}}})
    result = validate_text(QUEUE_SPEC, path="jobs.md", settings=settings_,
                           strict=True)
    assert {f.severity for f in result.findings} == {"error"}
    assert result.warnings == 0


def test_validation_disabled_runs_nothing(project: Path) -> None:
    settings_ = _settings(project, {"validation": {"enabled": False}})
    result = validate_text(QUEUE_SPEC, path="jobs.md", settings=settings_)
    assert not result.enabled
    assert (result.errors, result.warnings, result.passed) == (0, 0, 0)
    assert "disabled" in render_text(result)


def test_an_unknown_rule_in_config_names_the_file_and_key(project: Path) -> None:
    settings_ = _settings(project, {"validation": {"rules": {"queue-metric": "error"}}})
    with pytest.raises(ConfigError) as raised:
        Validator(settings_)
    message = str(raised.value)
    assert message.startswith("smartspec.config.json: validation.rules.queue-metric: unknown rule")
    assert "did you mean 'queue-metrics'?" in message


def test_config_keywords_extend_the_rule_groups(project: Path) -> None:
    text = QUEUE_SPEC.replace("Workers consume the queue.", "Sidekiq runs the jobs.")
    assert "queue-metrics" in validate_text(text, path="x.md").passed_rules
    settings_ = _settings(project, {"keywords": {"queue": ["sidekiq"]}})
    result = validate_text(text, path="x.md", settings=settings_)
    assert [f.message for f in result.findings if f.rule == "queue-metrics"] == [
        'Queue mentioned ("sidekiq") but no queue performance metrics']
    measured = text.replace("- P99 < 300ms", "- Sidekiq latency < 2s")
    assert "queue-metrics" in validate_text(measured, path="x.md",
                                            settings=settings_).passed_rules


def test_config_critical_names_are_known_to_the_critical_rule(project: Path) -> None:
    text = spec("""
        # X

        <!-- @critical pricing -->
        ## Pricing

        Prices are set per plan.
        <!-- @end-critical -->
        """)
    assert validate_text(text, path="x.md").errors == 1
    settings_ = _settings(project, {"criticalSections": ["pricing"]})
    assert validate_text(text, path="x.md", settings=settings_).errors == 0


# --- one parse, shared ------------------------------------------------------------------------

def test_each_spec_is_parsed_once_for_all_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_parse = parse

    def counting_parse(text: str, **kwargs: Any) -> Document:
        calls.append(text)
        return real_parse(text, **kwargs)

    monkeypatch.setattr(rules_module, "parse", counting_parse)
    monkeypatch.setattr("smartspec.document.parse", counting_parse)
    validate_text(QUEUE_SPEC, path="x.md", index=frozenset(), registry={"specs": {}})
    assert len(calls) == 1


def test_validate_document_equals_validate_text() -> None:
    assert validate_document(parse(QUEUE_SPEC), path="x.md") == validate_text(QUEUE_SPEC,
                                                                              path="x.md")


def test_a_validator_pickles_for_worker_processes() -> None:
    validator = Validator(index=frozenset({"spec-001-a"}), registry={"specs": {}}, strict=True)
    copy = pickle.loads(pickle.dumps(validator))
    assert copy.validate_text(QUEUE_SPEC, path="x") == validator.validate_text(QUEUE_SPEC,
                                                                               path="x")


# --- keyword matching equals detect.find_words -------------------------------------------------

PIECES = st.sampled_from([
    "auth", "Auth", "AUTH", "oauth2", "login", "log in", "sign-in", "JWT", "jwts", "queue",
    "queues", "external api", "External APIs", "third-party", "third party", "webhook",
    "ธุรกรรม", "คิว", "api ภายนอก", "transaction", "ACID", "acidic", " ", "  ", "-", ".", "/",
    "_", "x", "é", "ä", "1", "\n", "·", "→", "İ", "(", ")", "#", "`",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=14).map("".join))
def test_word_matcher_agrees_with_detect(text: str) -> None:
    for group in ("auth", "queue", "transaction", "external-api"):
        words = detect.KEYWORD_GROUPS[group]
        pattern = detect.word_pattern(words)
        assert pattern is not None
        expected = pattern.search(text)
        data = text.encode("utf-8").lower()  # bytes: only ASCII changes, offsets stay
        found = WordMatcher(words).first(data)
        if expected is None:
            assert found is None, (group, text)
        else:
            assert found is not None, (group, text)
            assert len(data[:found[0]].decode("utf-8")) == expected.start(), (group, text)
            assert found[1] == expected.group(0).lower(), (group, text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(PIECES, max_size=14).map("".join), min_size=2, max_size=6))
def test_a_matcher_used_for_many_texts_answers_each_as_a_fresh_one(texts: list[str]) -> None:
    # A matcher tries the last winning word first: the order it was left in by earlier
    # texts never changes an answer (the earliest match, the longer word at one offset).
    for group in ("auth", "queue", "transaction", "external-api"):
        words = detect.KEYWORD_GROUPS[group]
        shared = WordMatcher(words)
        for text in texts:
            data = text.encode("utf-8").lower()
            assert shared.first(data) == WordMatcher(words).first(data), (group, text)
            assert shared.first(data, 1, len(data) - 1) == WordMatcher(words).first(
                data, 1, len(data) - 1), (group, text)


def test_of_two_words_at_one_offset_the_longer_wins_whichever_matched_last() -> None:
    matcher = WordMatcher(["pub", "pub/sub", "คิว", "คิวงาน"])
    assert matcher.first(b"a pub here") == (2, "pub")  # "pub" is now tried first
    assert matcher.first(b"a pub/sub here") == (2, "pub/sub")
    assert matcher.first("งาน คิว".encode()) == (len("งาน ".encode()), "คิว")
    assert matcher.first("คิวงาน".encode()) == (0, "คิวงาน")


def test_keywords_in_fences_comments_and_urls_do_not_count() -> None:
    text = spec("""
        # X

        <!-- login -->
        See https://auth.example.com/login, ops@login.example.com and [docs](https://x/jwt).

        ```
        login
        ```
        """)
    assert "auth-security-section" in validate_text(text, path="x.md").passed_rules


# --- results and reports ----------------------------------------------------------------------

def test_result_json_is_versioned_and_sorted_by_line() -> None:
    result = validate_text(QUEUE_SPEC, path="jobs.md")
    data = result.to_json()
    assert data["schema"] == 1 and data["path"] == "jobs.md"
    lines = [f["line"] for f in data["findings"]]
    assert lines == sorted(lines)
    assert set(data["findings"][0]) == {"rule", "code", "severity", "message", "line", "hint"}
    assert data["errors"] == 2 and data["passed"] == result.passed
    whole = report_json([result, result])
    assert whole["schema"] == 1 and whole["summary"]["files"] == 2
    assert whole["summary"]["errors"] == 4 and whole["summary"]["failed_files"] == 2
    json.dumps(whole)


def test_text_report_follows_the_reference_format() -> None:
    result = validate_text(QUEUE_SPEC, path="jobs.md")
    text = render_text(result)
    assert text.startswith("🔍 Consistency Check Results: jobs.md\n\n")
    assert ("❌ ERROR: jobs.md:5: Authentication mentioned (\"log in\") but no security "
            "section [SS005 auth-security-section]") in text
    assert "❌ ERROR: jobs.md:9: Queue mentioned (\"workers\")" in text
    assert "✅ PASS: All required sections present" not in text  # no profile: skipped
    assert "✅ PASS: Examples cover every defined endpoint" in text
    assert text.rstrip().endswith(summary_line(result))
    assert summary_line(result) == f"Summary: 2 errors, 0 warnings, {result.passed} checks passed"


def test_text_report_in_thai() -> None:
    result = validate_text(QUEUE_SPEC, path="jobs.md")
    text = render_text(result, "th")
    assert "❌ ข้อผิดพลาด: jobs.md:9: มีการกล่าวถึงคิว (\"workers\")" in text
    assert "วิธีแก้:" in text and "✅ ผ่าน:" in text
    assert summary_line(result, "th").startswith("สรุป: ข้อผิดพลาด 2 รายการ, คำเตือน 0 รายการ")


def test_text_report_for_many_files_lists_only_files_with_findings() -> None:
    clean = ValidationResult(path="clean.md", passed_rules=("placeholders",))
    dirty = validate_text(QUEUE_SPEC, path="jobs.md")
    text = render_text([clean, dirty])
    assert "clean.md" not in text and "jobs.md:9" in text
    assert text.rstrip().endswith("(2 files, 1 with errors)")


def test_markdown_report_escapes_table_cells() -> None:
    finding = Finding("placeholders", "SS106", "warn", "Unfilled placeholder '| x |'", 3, "fix")
    result = ValidationResult(path="a.md", findings=(finding,), passed_rules=("queue-metrics",),
                              skipped=(("related-specs", "no SPEC_INDEX.json"),),
                              spec_id="spec-001-a")
    text = render_markdown(result, generated="2026-01-15 09:00 UTC")
    assert text.startswith("# Validation Report: spec-001-a\n")
    assert "| ⚠️  WARN | 3 | SS106 `placeholders` | Unfilled placeholder '\\| x \\|' | fix |" in text
    assert "- ✅ Queues have performance metrics (`queue-metrics`)" in text
    assert "- `related-specs`: no SPEC_INDEX.json" in text
    assert "**Generated:** 2026-01-15 09:00 UTC" in text
    assert "# รายงานการตรวจสอบ: spec-001-a" in render_markdown(result, "th")
