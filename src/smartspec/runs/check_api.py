"""``smartspec check-api SPEC.md OPENAPI``: read both files, compare, return the results.

An OpenAPI file that cannot be read or parsed is refused (exit 2) with its name and the line
of the problem; a parsed file that is not OpenAPI is a finding (``api-not-openapi``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smartspec.errors import DocumentError
from smartspec.fsutil import shown_path

if TYPE_CHECKING:
    from smartspec.rules import ValidationResult


def read_openapi(path: Path, shown: str) -> tuple[Any, str]:
    """(the parsed document, its text). JSON when the file is ``.json`` or starts with
    ``{``, else YAML (safe loader: no tags that build objects)."""
    from smartspec.specfile import read_spec

    _, text, _ = read_spec(path, shown)
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            return json.loads(text), text
        except json.JSONDecodeError as exc:
            raise DocumentError(f"{shown}: line {exc.lineno}, column {exc.colno}: invalid JSON "
                                f"({exc.msg}); expected an OpenAPI document") from None
    import yaml

    try:
        return yaml.safe_load(text), text
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise DocumentError(f"{shown}: {where}{problem}; expected an OpenAPI document in YAML "
                            "or JSON") from None


def run(spec: str | os.PathLike[str], openapi: str | os.PathLike[str], *,
        cwd: Path | None = None, strict: bool = False) -> list[ValidationResult]:
    from smartspec.contract import drift
    from smartspec.runs.plan import load_spec

    here = (cwd or Path.cwd()).resolve()
    _, spec_path, facts = load_spec(spec, here)
    api_path = Path(openapi) if Path(openapi).is_absolute() else here / openapi
    shown_api = shown_path(api_path.resolve(), here)
    document, text = read_openapi(api_path, shown_api)
    findings = drift.check(facts, document, text, drift.severities(strict))
    return drift.results(findings, shown_path(spec_path.resolve(), here), shown_api, facts.spec_id)


