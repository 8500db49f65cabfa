"""Pass/fail cases for the structural rules, one table per rule.

Rules that read smartspec's metadata (settings comment, SPEC_INDEX, registry) must skip
cleanly on hand-written specs; the cases with ``skipped=True`` hold them to it.
"""

from __future__ import annotations

import json
from typing import Any

from smartspec.document import block_hash, legacy_block_hash, parse
from tests.rules import Case, spec


def settings(**fields: Any) -> str:
    """A settings comment line, indented like the case texts."""
    record = {"schema": 1, "id": "spec-004-payments", "profile": "financial",
              "mode": "standard", "security": "stride-full", **fields}
    return "<!-- smartspec: " + json.dumps(record, separators=(",", ":")) + " -->"


SECURITY_ONLY = settings(sections=["overview", "security"])

REQUIRED_SECTIONS = [
    Case("every recorded section present", f"""
        # SPEC-004: Payments

        {SECURITY_ONLY}

        ## 1. Overview

        <!-- @critical security -->
        ## 2. Security Threat Model (STRIDE-Full)
        <!-- @end-critical -->
        """),
    Case("a recorded section is missing", f"""
        # SPEC-004: Payments

        {settings(sections=["overview", "security", "testing"])}

        ## 1. Overview

        ## 3. Testing Strategy
        """, fails=(("## 3. Testing", 'Required section "Security Threat Model (STRIDE-Full)"'),)),
    Case("the last recorded section is missing: no line to point at", f"""
        # SPEC-004: Payments

        {settings(sections=["overview", "examples"])}

        ## 1. Overview
        """, fails=((None, 'Required section "Examples" (examples) is missing'),)),
    Case("a hand-written spec follows its **Profile:** header", """
        # Worker

        **Profile:** backend-service

        ## Technology Stack
        ## Overview
        ## When to Use
        ## Architecture
        ## Implementation Guide
        ## Monitoring
        ## Examples
        """, fails=(("## Monitoring", 'Required section "Testing Requirements" (testing)'),)),
    Case("numbered ')' and Thai titles satisfy a basic profile with a data model", """
        # รายงาน

        **Profile:** basic

        ## 1) ภาพรวม
        ## 2) สถาปัตยกรรม
        ## 3) Data Model
        ## 4) เกณฑ์การยอมรับ
        """),
    Case("a hand-written compact spec", """
        # SPEC-009: Export

        **Profile:** basic
        **Mode:** COMPACT

        ## 1. Overview
        ## 2. Architecture Summary
        ## 3. Technical Specification
        ## 4. Constraints & Risk Notes
        ## 5. Acceptance Tests
        """),
    Case("a heading inside a code fence is not a section", f"""
        # SPEC-004: Payments

        {settings(sections=["overview", "testing"])}

        ## 1. Overview

        ```markdown
        ## 2. Testing Strategy
        ```
        """, fails=((None, 'Required section "Testing Strategy"'),)),
    Case("no settings and no profile: nothing to hold it to", """
        # Notes

        ## Overview
        """, skipped=True),
]

CRITICAL_SECTIONS = [
    Case("generated critical section wrapped", f"""
        # SPEC-004: Payments

        {SECURITY_ONLY}

        ## 1. Overview

        <!-- @critical security -->
        ## 2. Security Threat Model (STRIDE-Full)

        Threats.

        <!-- @end-critical -->

        ---
        """),
    Case("an unclosed tag", """
        # Payments

        ## Overview

        <!-- @critical security -->
        ## Security

        Threats.
        """, fails=(("<!-- @critical security", "is never closed"),)),
    Case("a stray end tag and an unknown name", """
        # Payments

        <!-- @end-critical -->
        <!-- @critical secrets -->
        ## Secrets
        <!-- @end-critical -->
        """, fails=(("<!-- @end-critical", "@end-critical without a matching @critical"),
                     ("@critical secrets", "unknown critical section name 'secrets'"))),
    Case("a malformed tag", """
        # Payments

        <!-- @critical -->
        ## Security
        """, fails=(("<!-- @critical -->", "malformed meta tag"),)),
    Case("a generated critical section lost its tags", f"""
        # SPEC-004: Payments

        {SECURITY_ONLY}

        ## 1. Overview

        ## 2. Security Threat Model (STRIDE-Full)
        """, fails=(("## 2. Security", "is critical but not inside <!-- @critical security -->"),)),
    Case("tagged with the wrong name", f"""
        # SPEC-004: Payments

        {SECURITY_ONLY}

        ## 1. Overview

        <!-- @critical config -->
        ## 2. Security Threat Model (STRIDE-Full)
        <!-- @end-critical -->
        """, fails=(("<!-- @critical config", "expected @critical security"),)),
    Case("a block that closes in the next section", """
        # Payments

        <!-- @critical security -->
        ## Security

        ## Testing
        <!-- @end-critical -->
        """, fails=(("<!-- @critical security", "closes on line 7, inside another section"),)),
    Case("tags inside a code fence are text", """
        # Payments

        ## Overview

        ```markdown
        <!-- @critical security -->
        ```
        """),
    Case("a hand-written spec without tags", """
        # Payments

        ## Security

        Threats.
        """),
]

SETTINGS_COMMENT = [
    Case("a valid comment", f"""
        # SPEC-004: Payments

        **Spec ID:** spec-004-payments

        {settings(sections=["overview"], domains=["fintech"], depends_on=[])}

        ## 1. Overview
        """),
    Case("not JSON", """
        # SPEC-004: Payments

        <!-- smartspec: {"schema":1,} -->
        """, fails=(("<!-- smartspec", "settings comment is not valid JSON"),)),
    Case("unknown values and wrong types", f"""
        # SPEC-004: Payments

        {settings(profile="premium", sections=["overview", "faq"], domains="fintech")}
        """, fails=(("<!-- smartspec", "\"profile\": 'premium' is not valid"),
                     ("<!-- smartspec", "\"domains\" must be a list of domain names, not str"),
                     ("<!-- smartspec", "\"sections\": 'faq' is not valid"))),
    Case("an id that disagrees with the header", f"""
        # SPEC-004: Payments

        **Spec ID:** spec-005-payments

        {settings()}
        """, fails=(("<!-- smartspec", "but the **Spec ID:** header says 'spec-005-payments'"),)),
    Case("written by a newer smartspec", f"""
        # SPEC-004: Payments

        {settings(schema=2)}
        """, fails=(("<!-- smartspec", "schema 2 was written by a newer smartspec"),)),
    Case("two comments", f"""
        # SPEC-004: Payments

        {settings()}
        {settings(title="Second")}
        """, fails=(("Second", "a second smartspec settings comment"),)),
    Case("hand-written, with a Spec ID header but no comment", """
        # SPEC-CORE-001: Authentication

        **Spec ID:** spec-core-001-authentication

        ## Overview
        """, skipped=True),
]


def _index(*ids: str) -> dict[str, Any]:
    return {"index": frozenset(ids)}


RELATED_SPECS = [
    Case("no index: nothing to resolve against", f"""
        # SPEC-004: Payments

        {settings(depends_on=["spec-core-001-auth"])}
        """, skipped=True),
    Case("every dependency in the index", f"""
        # SPEC-004: Payments

        **Depends on:** spec-core-001-auth

        {settings(depends_on=["spec-core-001-auth"])}

        ## 19. Related Specs

        - **spec-core-001-auth** - Authentication
        """, options=_index("spec-core-001-auth", "spec-004-payments")),
    Case("a dependency missing from the index", f"""
        # SPEC-004: Payments

        {settings(depends_on=["spec-core-001-auth"])}

        ## 19. Related Specs

        - **spec-core-001-auth** - Authentication
        - **spec-unknown-001** - [NOT FOUND IN SPEC_INDEX]
        """, fails=(("- **spec-core-001-auth**", "Related spec spec-core-001-auth is not in"),
                     ("- **spec-unknown-001**", "Related spec spec-unknown-001 is not in")),
        options=_index("spec-004-payments")),
    Case("the reference's short form resolves by prefix", """
        # Payments

        **Depends on:** spec-004

        ## Related Specs

        - spec-004
        """, options=_index("spec-004-payment-processing")),
    Case("ids in a code fence of Related Specs do not count; the spec itself is ignored", f"""
        # SPEC-004: Payments

        {settings()}

        ## Related Specs

        - spec-004-payments

        ```
        spec-999-ghost
        ```
        """, options=_index("spec-core-001-auth")),
]

_WRAPPED = spec(f"""
    # SPEC-004: Payments

    {SECURITY_ONLY}

    ## 1. Overview

    Text.

    <!-- @critical security -->
    ## 2. Security Threat Model (STRIDE-Full)

    Threats as written.

    <!-- @end-critical -->
    """)


def _registry(text: str, *, overview: str = "x", fingerprint: Any = None) -> dict[str, Any]:
    doc = parse(text)
    security = next(s for s in doc.sections if s.critical is not None)
    fingerprint = fingerprint or block_hash
    return {"registry": {"schema": 1, "specs": {"spec-004-payments": {
        "path": "specs/feature/spec-004-payments/spec.md",
        "sections": {
            "overview": {"title": "Overview", "critical": None, "sha256": overview},
            "security": {"title": "Security", "critical": "security",
                         "sha256": fingerprint(doc.section_text(security))},
        }}}}}


CRITICAL_TEXT_CHANGED = [
    Case("no registry", _WRAPPED, skipped=True),
    Case("the spec is not in the registry", _WRAPPED,
         options={"registry": {"schema": 1, "specs": {}}}, skipped=True),
    Case("critical text as smartspec wrote it (a changed overview does not matter)", _WRAPPED,
         options=_registry(_WRAPPED)),
    Case("critical text changed by a person", _WRAPPED.replace("as written", "as edited"),
         fails=(("## 2. Security", 'Critical section "Security Threat Model (STRIDE-Full)"'),),
         options=_registry(_WRAPPED)),
    Case("trailing separators and CRLF do not count as an edit",
         _WRAPPED.replace("\n", "\r\n") + "\r\n---\r\n", options=_registry(_WRAPPED)),
    Case("a renumbered critical heading is not an edit", _WRAPPED.replace("## 2. Sec", "## 3. Sec"),
         options=_registry(_WRAPPED)),
    Case("a registry from before numbers left fingerprints still names the text", _WRAPPED,
         options=_registry(_WRAPPED, fingerprint=legacy_block_hash)),
    Case("... and an edit is still found with such a registry",
         _WRAPPED.replace("as written", "as edited"),
         fails=(("## 2. Security", 'Critical section "Security Threat Model (STRIDE-Full)"'),),
         options=_registry(_WRAPPED, fingerprint=legacy_block_hash)),
]

PLACEHOLDERS = [
    Case("the reference's unfilled slots", """
        # SPEC-XXX: [Title]

        ## 1. Overview

        **Purpose:** [One sentence]

        | GET | /api/v1/users | ... |

        TODO: decide the SLA. Owner: TBD
        {{ spec.title }} is rendered here.
        """, fails=(("# SPEC-XXX", "'XXX', '[Title]'"),
                     ("**Purpose:**", "'[One sentence]'"),
                     ("| GET |", "'...'"),
                     ("TODO: decide", "'TODO', 'TBD'"),
                     ("{{ spec.title }}", "'{{ spec.title }}'"))),
    Case("links, task boxes, footnotes, code and prose ellipses are not placeholders", """
        # Payments

        ## Overview

        See [the guide](docs/guide.md) and [the runbook][ops], or [ops].
        - [ ] first check
        - [x] second check
        A note[^1] and an image ![Diagram](d.png). Then, later...
        Use `{{ name }}` and `[Title]` in templates; todo items are fine.

        ```
        TODO inside code: [Fields] {{ x }}
        ```

        <!-- TODO in a comment -->

        [ops]: https://example.com/ops
        [^1]: The footnote.
        """),
    Case("XXX inside a URL is not a placeholder", """
        # Payments

        Docs at https://example.com/XXX/page and user@XXX.example.com.
        """),
    Case("the reference's missing-dependency marker is content, not a placeholder", """
        # Payments

        ## Related Specs

        - **spec-009-x** - [NOT FOUND IN SPEC_INDEX] - Spec Path: "N/A" Repo: unknown
        """),
]

PLACEHOLDERS += [
    Case("prose about placeholders is not a placeholder", """
        # Spec writer

        ## Behaviour

        - When a value is unknown, write the TBD placeholder Purpose and move on.
        - The linter looks for: TODO/FIXME comments and XXX markers.
        """),
    Case("usage text and list literals are not placeholders", """
        # CLI

        ## Usage

        Continue? [Y/n]
        smartctl <operation> [shell]
        `status()` returns [A, B, C] in order.
        """),
    Case("code and notation in brackets are not slots (Go and Kubernetes proposals)", """
        # Proposal

        ## Design

        Names match [A-Za-z0-9] and [a-z]; slices use s[i:] and t[now.Unix()].
        The queue index runs over [H-1] and [i=0, 1, ...H]. Stage: [ALPHA].
        """),
    Case("a real slot next to prose still counts", """
        # CLI

        ## Overview

        **Purpose:** [One sentence]
        """, fails=(("**Purpose:**", "'[One sentence]'"),)),
]

CASES: dict[str, list[Case]] = {
    "required-sections": REQUIRED_SECTIONS,
    "critical-sections": CRITICAL_SECTIONS,
    "settings-comment": SETTINGS_COMMENT,
    "related-specs": RELATED_SPECS,
    "critical-text-changed": CRITICAL_TEXT_CHANGED,
    "placeholders": PLACEHOLDERS,
}
