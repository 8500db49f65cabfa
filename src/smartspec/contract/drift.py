"""``check-api``: static drift between a spec and an OpenAPI document.

The spec is the source of truth. Each kind of drift is a rule with a stable code (API001…),
a config-style name and a default severity, held in its own ``RuleSet`` so that ``validate``
does not run them. Findings come back as two ``ValidationResult``s — one located in the spec,
one in the OpenAPI file — so that the text, JSON and SARIF renderers of ``validate`` print
them unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from smartspec.contract.schema import problems, resolve
from smartspec.delivery.items import ApiEndpoint, Example, SpecFacts, canonical_path
from smartspec.rules.base import Finding, Rule, RuleSet, Severity

if TYPE_CHECKING:
    from smartspec.rules import ValidationResult

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
BODY_METHODS = frozenset({"post", "put", "patch"})

DRIFT_RULES = RuleSet()


def _never(_: Any) -> Iterable[Any]:  # drift rules are run by ``check``, not by the engine
    return ()


def _rule(code: str, name: str, severity: Severity, description: str, hint: str) -> Rule:
    return DRIFT_RULES.register(Rule(code, name, severity, description, hint,
                                     passed=description, check=_never))


MISSING_OPERATION = _rule(
    "API001", "api-missing-operation", "error",
    "Every endpoint of the spec is an operation of the OpenAPI file ({id} and :id are equal).",
    "Add the operation to the OpenAPI file, or remove the endpoint from the spec.")
EXTRA_OPERATION = _rule(
    "API002", "api-extra-operation", "warn",
    "Every operation of the OpenAPI file is an endpoint of the spec.",
    "Add the endpoint to the spec's API table, or remove the operation.")
UNDECLARED_PARAM = _rule(
    "API003", "api-undeclared-path-parameter", "error",
    "Every {parameter} in a path is declared as a required path parameter.",
    "Declare the parameter under 'parameters' with in: path and required: true.")
MISSING_BODY = _rule(
    "API004", "api-missing-request-body", "error",
    "POST, PUT and PATCH operations declare a request body.",
    "Add a requestBody with an application/json schema.")
MISSING_SUCCESS = _rule(
    "API005", "api-missing-success-response", "error",
    "Every operation declares a 2xx response.",
    "Add the success response the spec's examples show.")
MISSING_ERROR_CODE = _rule(
    "API006", "api-missing-error-code", "error",
    "Every error status code the spec names is a response of some operation.",
    "Add the status code (with the spec's error object as its schema) to the operations it "
    "applies to.")
MISSING_SECURITY = _rule(
    "API007", "api-missing-security-scheme", "error",
    "A spec with an authentication section has the matching security schemes.",
    "Add components.securitySchemes for each scheme the spec's security section names.")
UNSECURED_OPERATION = _rule(
    "API008", "api-unsecured-operation", "warn",
    "When the spec requires authentication, no operation is left without security.",
    "Set security at the top level or on the operation; 'security: []' opts out.")
INVALID_EXAMPLE = _rule(
    "API009", "api-example-mismatch", "error",
    "The spec's JSON examples are valid against the operation's schemas.",
    "Change the schema or the example so that they agree.")
MISSING_STATUS = _rule(
    "API010", "api-missing-example-status", "warn",
    "Each response status a spec example shows is declared by its operation.",
    "Declare the response status on the operation.")
NOT_OPENAPI = _rule(
    "API011", "api-not-openapi", "error",
    "The file is an OpenAPI 3.x document with a paths object.",
    "Give an OpenAPI 3.0 or 3.1 document ('openapi: 3.1.0' and 'paths').")

_PARAM_RE = re.compile(r"\{[^{}/]*\}")
_SCHEME_KINDS = {"bearer": "an HTTP bearer (JWT) scheme", "apiKey": "an apiKey scheme",
                 "mutualTLS": "a mutualTLS scheme"}


def route(path: str) -> str:
    """The route shape of a path: parameters unnamed, so ``/a/{id}``, ``/a/:id`` and
    ``/a/{orderId}`` are one route."""
    return _PARAM_RE.sub("{}", canonical_path(path))


class Operation(NamedTuple):
    method: str  # lower case
    path: str
    body: Mapping[str, Any]
    path_item: Mapping[str, Any]


def operations(document: Mapping[str, Any]) -> list[Operation]:
    found = []
    paths = document.get("paths")
    for path, item in (paths.items() if isinstance(paths, Mapping) else ()):
        if not isinstance(item, Mapping):
            continue
        for method in HTTP_METHODS:
            body = item.get(method)
            if isinstance(body, Mapping):
                found.append(Operation(method, str(path), body, item))
    return found


class _Collector:
    def __init__(self, severities: Mapping[str, Severity]) -> None:
        self.severities = severities
        self.findings: dict[str, list[Finding]] = {"spec": [], "api": []}

    def add(self, where: str, rule: Rule, message: str, line: int | None) -> None:
        severity = self.severities.get(rule.name, rule.severity)
        if severity == "off":
            return
        self.findings[where].append(Finding(rule.name, rule.code, severity, message,
                                            None if line is None else line + 1, rule.hint))


def severities(strict: bool = False,
               configured: Mapping[str, Severity] | None = None) -> dict[str, Severity]:
    out: dict[str, Severity] = {}
    for rule in DRIFT_RULES:
        level: Severity = (configured or {}).get(rule.name, rule.severity)
        out[rule.name] = "error" if strict and level == "warn" else level
    return out


def check(facts: SpecFacts, document: Any, api_text: str,
          levels: Mapping[str, Severity] | None = None) -> dict[str, list[Finding]]:
    """Findings keyed by where they are located: ``spec`` or ``api``."""
    out = _Collector(levels or severities())
    line_of = _line_finder(api_text)
    if not isinstance(document, Mapping) or not str(document.get("openapi", "")).startswith("3") \
            or not isinstance(document.get("paths"), Mapping):
        out.add("api", NOT_OPENAPI, "the file is not an OpenAPI 3.x document with a 'paths' "
                "object; nothing can be compared", 0)
        return out.findings
    ops = operations(document)
    by_route = {(op.method, route(op.path)): op for op in ops}
    spec_routes = {(e.method.lower(), route(e.path)): e for e in facts.endpoints}

    for key, endpoint in spec_routes.items():
        if key not in by_route:
            out.add("spec", MISSING_OPERATION, f"{endpoint.method} {endpoint.path} is in the spec "
                    "but not in the OpenAPI file", endpoint.line)
    for key, op in by_route.items():
        if key not in spec_routes:
            out.add("api", EXTRA_OPERATION, f"{op.method.upper()} {op.path} is in the OpenAPI "
                    "file but not in the spec", line_of(op.path))
    for op in ops:
        _check_operation(op, out, line_of)
    _check_errors(facts, ops, out, line_of)
    _check_security(facts, document, ops, out, line_of)
    _check_examples(facts, document, by_route, out)
    return out.findings


def _check_operation(op: Operation, out: _Collector, line_of: Callable[[str], int | None]) -> None:
    shown = f"{op.method.upper()} {op.path}"
    declared = set()
    for parameter in [*(op.path_item.get("parameters") or ()), *(op.body.get("parameters") or ())]:
        if isinstance(parameter, Mapping) and parameter.get("in") == "path" \
                and parameter.get("required") is True:
            declared.add(str(parameter.get("name")))
    for name in re.findall(r"\{([^{}/]+)\}", op.path):
        if name not in declared:
            out.add("api", UNDECLARED_PARAM, f"{shown}: path parameter {{{name}}} is not declared "
                    "as a required path parameter", line_of(op.path))
    if op.method in BODY_METHODS and not isinstance(op.body.get("requestBody"), Mapping):
        out.add("api", MISSING_BODY, f"{shown} declares no request body", line_of(op.path))
    responses = op.body.get("responses")
    codes = [str(c) for c in responses] if isinstance(responses, Mapping) else []
    if not any(c.startswith("2") for c in codes):
        out.add("api", MISSING_SUCCESS, f"{shown} declares no 2xx response", line_of(op.path))


def _response_codes(ops: list[Operation]) -> set[str]:
    codes: set[str] = set()
    for op in ops:
        responses = op.body.get("responses")
        if isinstance(responses, Mapping):
            codes.update(str(c) for c in responses)
    return codes


def _check_errors(facts: SpecFacts, ops: list[Operation], out: _Collector,
                  line_of: Callable[[str], int | None]) -> None:
    codes = _response_codes(ops)
    for code in facts.error_codes:
        if str(code) not in codes and f"{str(code)[0]}XX" not in codes:
            out.add("spec", MISSING_ERROR_CODE, f"the spec names status {code} but no operation "
                    "of the OpenAPI file declares it", _spec_line(facts, str(code)))


def _scheme_kinds(document: Mapping[str, Any]) -> dict[str, str]:
    """Scheme name -> bearer | apiKey | mutualTLS | other."""
    components = document.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, Mapping) else None
    kinds = {}
    for name, body in (schemes.items() if isinstance(schemes, Mapping) else ()):
        if not isinstance(body, Mapping):
            continue
        kind = str(body.get("type", ""))
        if (kind == "http" and str(body.get("scheme", "")).lower() == "bearer") or kind in (
                "oauth2", "openIdConnect"):
            kinds[str(name)] = "bearer"
        elif kind in ("apiKey", "mutualTLS"):
            kinds[str(name)] = kind
        else:
            kinds[str(name)] = "other"
    return kinds


def _check_security(facts: SpecFacts, document: Mapping[str, Any], ops: list[Operation],
                    out: _Collector, line_of: Callable[[str], int | None]) -> None:
    if not facts.auth:
        return
    kinds = _scheme_kinds(document)
    present = set(kinds.values())
    for kind in facts.auth:
        if kind not in present:
            out.add("spec", MISSING_SECURITY, f"the spec's security section names "
                    f"{_SCHEME_KINDS[kind]} but the OpenAPI file declares none",
                    facts.auth_line)
    top = document.get("security")
    for op in ops:
        security = op.body.get("security", top)
        if not security:
            out.add("api", UNSECURED_OPERATION, f"{op.method.upper()} {op.path} has no security "
                    "requirement although the spec requires authentication", line_of(op.path))


def _operation_schema(document: Mapping[str, Any], op: Operation,
                      status: int | None) -> Mapping[str, Any] | bool | None:
    """The JSON schema of the request body (``status`` None) or of one response; False when
    the response status is not declared, None when declared without a JSON schema."""
    holder: Any
    if status is None:
        holder = resolve(op.body.get("requestBody") or {}, document)
    else:
        responses = op.body.get("responses") or {}
        holder = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") \
            or responses.get("default")
        if holder is None:
            return False
        holder = resolve(holder, document) if isinstance(holder, Mapping) else {}
    content = holder.get("content") if isinstance(holder, Mapping) else None
    if not isinstance(content, Mapping):
        return None
    media = next((v for k, v in content.items() if "json" in str(k)), None)
    schema = media.get("schema") if isinstance(media, Mapping) else None
    return schema if isinstance(schema, Mapping) else None


def _check_examples(facts: SpecFacts, document: Mapping[str, Any],
                    by_route: Mapping[tuple[str, str], Operation], out: _Collector) -> None:
    for example in facts.examples:
        endpoint = _endpoint_of(example, facts.endpoints)
        if endpoint is None:
            continue
        op = by_route.get((endpoint.method.lower(), route(endpoint.path)))
        if op is None:
            continue  # reported as a missing operation
        schema = _operation_schema(document, op, example.status)
        what = "request body" if example.status is None else f"{example.status} response"
        shown = f"{endpoint.method} {endpoint.path}"
        if schema is False:
            out.add("spec", MISSING_STATUS, f"the spec's example of {shown} shows a {what} the "
                    "OpenAPI operation does not declare", example.line)
            continue
        if not schema:
            continue
        assert isinstance(schema, Mapping)
        for problem in list(problems(example.body, schema, document))[:3]:
            out.add("spec", INVALID_EXAMPLE, f"the example {what} of {shown} does not match the "
                    f"OpenAPI schema: {problem}", example.line)


def _endpoint_of(example: Example, endpoints: list[ApiEndpoint]) -> ApiEndpoint | None:
    fits = []
    for endpoint in endpoints:
        if endpoint.method != example.method:
            continue
        pattern = re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(endpoint.path))
        if re.fullmatch(pattern + "/?", canonical_path(example.path)):
            fits.append(endpoint)
    return min(fits, key=lambda e: (len(e.params), e.path)) if fits else None


def _spec_line(facts: SpecFacts, word: str) -> int | None:
    for index, line in enumerate(facts.doc.lines):
        if not facts.doc.fenced[index] and re.search(rf"\b{word}\b", line):
            return index
    return None


def _line_finder(text: str) -> Callable[[str], int | None]:
    lines = text.splitlines()

    def find(path: str) -> int | None:
        for quoted in (f'"{path}"', f"'{path}'", f"{path}:"):
            for index, line in enumerate(lines):
                if quoted in line:
                    return index
        return None

    return find


def results(findings: Mapping[str, list[Finding]], spec_path: str, api_path: str,
            spec_id: str | None) -> list[ValidationResult]:
    from smartspec.rules import ValidationResult

    # A rule passes when it found nothing in either file; it is counted once, on the
    # OpenAPI file's result.
    fired = {f.rule for group in findings.values() for f in group}
    passed = tuple(rule.name for rule in DRIFT_RULES if rule.name not in fired)
    return [ValidationResult(spec_path, tuple(findings["spec"]), spec_id=spec_id),
            ValidationResult(api_path, tuple(findings["api"]), passed_rules=passed)]
