"""`smartspec edit SPEC WORDS`: the words add facts to the spec's stored model, and nothing
the spec had goes away unless --replace-description or a --model file says so."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from smartspec.document import parse
from tests.helpers import run_cli, tree_hashes

ORDERS = ("Order service REST API: create, get, update, cancel and list orders, refunds per "
          "order, PostgreSQL")
AUDIT = "also log audit events"
# "Refunds per order" are created and listed under their order.
ENDPOINTS = ("POST | `/api/v1/orders`", "GET | `/api/v1/orders/{id}`", "GET | `/api/v1/orders`",
             "PATCH | `/api/v1/orders/{id}`", "POST | `/api/v1/orders/{id}/refunds`",
             "GET | `/api/v1/refunds/{id}`", "GET | `/api/v1/orders/{id}/refunds`")
TABLES = ("CREATE TABLE customer_order", "CREATE TABLE refund")


def _orders(project: Path) -> Path:
    result = run_cli(["new", "orders", ORDERS, "--profile=backend-service", "--yes", "--json"],
                     project)
    assert result.code == 0, result.err
    return project / str(json.loads(result.out)["spec"]["path"])


def _settings(spec: Path) -> dict[str, Any]:
    settings = parse(spec.read_text(encoding="utf-8")).settings
    assert settings is not None
    return settings


def _stored_model(project: Path, spec: Path) -> dict[str, Any]:
    spec_id = _settings(spec)["id"]
    data: dict[str, Any] = json.loads(
        (project / ".smartspec" / "models" / f"{spec_id}.json").read_text(encoding="utf-8"))
    return data


def _section_titles(spec: Path) -> list[str]:
    return [s.title for s in parse(spec.read_text(encoding="utf-8")).sections]


def test_audit_words_add_an_audit_log_and_keep_every_endpoint_and_table(tmp_path: Path) -> None:
    spec = _orders(tmp_path)
    titles_before = _section_titles(spec)
    result = run_cli(["edit", str(spec.relative_to(tmp_path)), AUDIT, "--yes", "--json"],
                     tmp_path)
    assert result.code == 0, result.err
    text = spec.read_text(encoding="utf-8")
    for endpoint in ENDPOINTS:
        assert endpoint in text, endpoint
    for table in TABLES:
        assert table in text, table
    assert "CREATE TABLE audit_event" in text
    assert "| GET | `/api/v1/audit-events` |" in text
    titles = _section_titles(spec)
    assert all(title in titles for title in titles_before)
    assert any(title.endswith("Audit Logging") for title in titles)

    # The recorded description keeps the old words and adds the new ones; the stored model is
    # the merged one, and its hash is the one the settings comment records.
    settings = _settings(spec)
    assert settings["description"] == f"{ORDERS}. {AUDIT}"
    model = _stored_model(tmp_path, spec)
    assert [e["name"] for e in model["entities"]] == ["order", "refund", "audit_event"]
    assert model["entities"][2]["origin"] == {"source": "description",
                                               "detail": "words 'log audit'"}
    model_file = tmp_path / ".smartspec" / "models" / f"{settings['id']}.json"
    import hashlib

    assert hashlib.sha256(model_file.read_bytes()).hexdigest()[:16] == settings["model_sha256"]

    # The report lists what the edit added: --json, and the Markdown report on disk.
    out = json.loads(result.out)
    assert out["model_added"]["entities"] == ["audit_event (description: words 'log audit')"]
    assert [re.match(r"\S+ \S+", o).group(0)  # type: ignore[union-attr]
            for o in out["model_added"]["operations"]] == [
        "GET /api/v1/audit-events/{id}", "GET /api/v1/audit-events"]
    assert ".smartspec/models/" + settings["id"] + ".json" in out["written"]
    report = next(p for p in out["written"] if p.endswith(".md") and "edit-report" in p)
    markdown = (tmp_path / report).read_text(encoding="utf-8")
    assert "## Added to the Model" in markdown
    assert "| entities | audit_event (description: words 'log audit') |" in markdown


def test_console_lists_what_the_edit_added(tmp_path: Path) -> None:
    spec = _orders(tmp_path)
    result = run_cli(["edit", str(spec.relative_to(tmp_path)), AUDIT, "--yes"], tmp_path)
    assert result.code == 0, result.err
    assert "Added to the model:" in result.out
    assert "  + entities: audit_event (description: words 'log audit')" in result.out
    assert "  + operations: GET /api/v1/audit-events " in result.out


def test_regenerate_and_repeated_words_reproduce_the_same_spec(tmp_path: Path) -> None:
    spec = _orders(tmp_path)
    rel = str(spec.relative_to(tmp_path))
    assert run_cli(["edit", rel, AUDIT, "--yes"], tmp_path).code == 0
    after = tree_hashes(tmp_path / "specs")
    model = _stored_model(tmp_path, spec)
    for argv in (["regenerate", rel, "--yes"], ["edit", rel, "--yes"],
                 ["edit", rel, AUDIT, "--yes"]):
        result = run_cli(argv, tmp_path)
        assert result.code == 0, result.err
        assert tree_hashes(tmp_path / "specs") == after, argv
        assert _stored_model(tmp_path, spec) == model, argv


def test_replace_description_still_replaces(tmp_path: Path) -> None:
    spec = _orders(tmp_path)
    result = run_cli(["edit", str(spec.relative_to(tmp_path)), "Audit log REST API on PostgreSQL",
                      "--replace-description", "--yes", "--json"], tmp_path)
    assert result.code == 0, result.err
    assert _settings(spec)["description"] == "Audit log REST API on PostgreSQL"
    assert "model_added" not in json.loads(result.out)
    names = [e["name"] for e in _stored_model(tmp_path, spec)["entities"]]
    assert "refund" not in names and "audit_event" in names


def test_a_model_file_that_leaves_a_fact_out_takes_it_out(tmp_path: Path) -> None:
    spec = _orders(tmp_path)
    model = _stored_model(tmp_path, spec)
    model["entities"] = [e for e in model["entities"] if e["name"] != "refund"]
    model["operations"] = [o for o in model["operations"] if o["entity"] != "refund"]
    (tmp_path / "orders-model.json").write_text(json.dumps(model), encoding="utf-8")
    result = run_cli(["edit", str(spec.relative_to(tmp_path)), "--model", "orders-model.json",
                      "--yes"], tmp_path)
    assert result.code == 0, result.err
    text = spec.read_text(encoding="utf-8")
    assert "`/api/v1/refunds`" not in text and "CREATE TABLE refund" not in text
    assert "`/api/v1/orders/{id}`" in text
    assert [e["name"] for e in _stored_model(tmp_path, spec)["entities"]] == ["order"]


def test_a_bad_model_file_changes_nothing(tmp_path: Path) -> None:
    spec = _orders(tmp_path)
    (tmp_path / "bad.json").write_text('{"name": "orders", "stores": [{"technology": "X", '
                                       '"role": "queue"}]}', encoding="utf-8")
    before = tree_hashes(tmp_path)
    result = run_cli(["edit", str(spec.relative_to(tmp_path)), "--model", "bad.json", "--yes"],
                     tmp_path)
    assert result.code == 2
    assert "bad.json" in result.err and "stores[0].role is 'queue'" in result.err
    assert "Traceback" not in result.err
    assert tree_hashes(tmp_path) == before
