"""Pass/fail cases for the reference's five consistency rules (§10.1), one table per rule.

Hand-written specs (no settings comment) unless a case says otherwise; headings numbered
``3.``, ``3)``, unnumbered and Thai; keywords in code fences, comments and URLs never count.
"""

from __future__ import annotations

from tests.rules import Case

GENERATED_BASIC = (
    '<!-- smartspec: {"schema":1,"id":"spec-001-x","profile":"basic","mode":"standard",'
    '"sections":["overview","architecture","api","acceptance"]} -->'
)

API_EXAMPLE_COVERAGE = [
    Case("table endpoints all shown in examples", """
        # SPEC-001: Users

        ## 1. Architecture

        | Method | Endpoint | Purpose |
        |--------|----------|---------|
        | POST | `/api/v1/users` | Create |
        | GET | `/api/v1/users/{id}` | Read one |

        ## 2. Examples

        ```http
        POST /api/v1/users HTTP/1.1
        ```

        ```http
        GET /api/v1/users/3f2b9c4e-8d1a-4c1e-9b7a-2a6f5d0e1c3b HTTP/1.1
        ```
        """),
    Case("an endpoint without an example", """
        # SPEC-001: Users

        ## 1. Architecture

        | Method | Endpoint | Purpose |
        |--------|----------|---------|
        | POST | `/api/v1/users` | Create |
        | GET | `/api/v1/users/{id}` | Read one |

        ## 2. Examples

        ```http
        POST /api/v1/users HTTP/1.1
        ```
        """, fails=(("| GET |", "API GET /api/v1/users/{id} defined but no example provided"),)),
    Case("numbered with ')' and inline endpoints; curl with a host", """
        # Orders

        ## 3) API Specification

        The service accepts `POST /orders` and answers `DELETE /orders/:id`.

        ## 4) Examples

            curl -X POST https://api.example.com/orders -d '{}'
            curl -X DELETE "https://api.example.com/orders/42"
        """),
    Case("an endpoint inside a code fence of the API section is not a definition", """
        # Orders

        ## API

        ```
        GET /internal/debug
        ```

        ## Examples

        None yet.
        """),
    Case("Thai titles", """
        # บริการคำสั่งซื้อ

        ## 2. สถาปัตยกรรม

        - GET /api/v1/orders แสดงรายการ

        ## 5. ตัวอย่าง

        ไม่มี
        """, fails=(("- GET /api/v1/orders", "API GET /api/v1/orders defined"),)),
    Case("an example outside the Examples section does not count", """
        # Orders

        ## Architecture

        - POST /api/v1/orders

        ## Testing Strategy

        - `POST /api/v1/orders` returns 201

        ## Examples

        Call the API.
        """, fails=(("- POST /api/v1/orders", "API POST /api/v1/orders defined"),)),
    Case("a hand-written spec without Examples", """
        # Orders

        ## Architecture

        - PATCH /api/v1/orders/{id}
        """, fails=(("- PATCH", "API PATCH /api/v1/orders/{id} defined"),)),
    Case("a generated basic spec has no Examples section to cover", f"""
        # SPEC-001: X

        {GENERATED_BASIC}

        ## 1. Overview

        ## 2. Architecture Summary

        ## 3. API Specification

        | GET | `/api/v1/x` | Read |

        ## 4. Acceptance Criteria
        """),
    Case("placeholder paths are not endpoints", """
        # X

        ## Architecture

        | GET | /api/v1/... | ... |

        ## Examples

        none
        """),
    Case("a path parameter matches any one segment, but not two", """
        # X

        ## API

        - GET /files/{id}

        ## Examples

            GET /files/a/b
        """, fails=(("- GET /files/{id}", "API GET /files/{id} defined"),)),
]

API_EXAMPLE_COVERAGE += [
    Case("an example directly under the endpoint's own heading counts", """
        # Orders

        ## API

        ### POST /api/v1/orders

        Creates an order.

        ```json
        {"sku": "A-1", "quantity": 2}
        ```

        ### GET /api/v1/orders/{id}

        Reads one order.

        ## Examples

        ```http
        GET /api/v1/orders/42 HTTP/1.1
        ```
        """),
    Case("a heading without a code block under it still needs an example", """
        # Orders

        ## API

        ### DELETE /api/v1/orders/{id}

        Cancels an order.

        ## Examples

        None.
        """, fails=(("### DELETE", "API DELETE /api/v1/orders/{id} defined"),)),
]

QUEUE_METRICS = [
    Case("workers in the architecture, no queue metrics", """
        # Jobs

        ## 2. Architecture

        Workers consume jobs.

        ## 3. Performance Requirements

        - P99 < 300ms
        """, fails=(("Workers consume", 'Queue mentioned ("workers") but no queue performance'),)),
    Case("queue metrics present", """
        # Jobs

        ## 2. Architecture

        A Kafka queue feeds the workers.

        ## 3. Performance Requirements

        - Queue depth: alert if > 1000 messages
        """),
    Case("consumer lag counts as a queue metric", """
        # Jobs

        ## Architecture

        RabbitMQ between services.

        ## Performance

        | Metric | Target |
        |---|---|
        | Consumer lag | < 10 seconds |
        """),
    Case("a queue only inside a code fence does not count", """
        # Jobs

        ## Architecture

        ```yaml
        queue: jobs
        workers: 4
        ```

        ## Performance Requirements

        - P99 < 300ms
        """),
    Case("a queue only in a URL does not count", """
        # Jobs

        ## Architecture

        Status page: https://queue.example.com/workers

        ## Performance Requirements

        - P99 < 300ms
        """),
    Case("no performance section at all", """
        # Jobs

        ## Architecture

        SQS queue.
        """, fails=(("SQS queue", "the spec has no Performance Requirements section"),)),
    Case("a queue mentioned outside the architecture does not trigger", """
        # Jobs

        ## Overview

        We may add a queue later.

        ## Architecture

        One service.
        """),
    Case("word-bounded: enqueued and queueing are not queue", """
        # Jobs

        ## Architecture

        Requests are enqueued in memory; queueing theory applies.
        """),
    Case("Thai titles and words", """
        # งาน

        ## 2. สถาปัตยกรรมระบบ

        ใช้คิวสำหรับงานเบื้องหลัง

        ## 3. ประสิทธิภาพ

        - ความยาวคิวไม่เกิน 1000
        """),
    Case("a queue in a comment does not count", """
        # Jobs

        ## Architecture

        <!-- TODO: maybe a queue -->
        One service.
        """),
]

TRANSACTION_INTEGRATION_TESTS = [
    Case("ACID mentioned, only unit tests", """
        # Ledger

        ## Overview

        Every transfer is ACID.

        ## Testing Strategy

        - Unit tests for the domain.
        """, fails=(("ACID", 'Transactions mentioned ("acid") but no integration tests'),)),
    Case("integration tests present", """
        # Ledger

        ## Overview

        Each transfer runs in one database transaction.

        ## Testing Strategy

        ### 5.2 Integration Tests

        - Against a real PostgreSQL.
        """),
    Case("no testing section", """
        # Ledger

        ## Overview

        Transactions everywhere.
        """, fails=(("Transactions everywhere", "the spec has no Testing section"),)),
    Case("transaction only inside code", """
        # Ledger

        ## Overview

        ```sql
        BEGIN TRANSACTION;
        ```

        ## Testing

        - unit tests
        """),
    Case("transactional is not transaction", """
        # Ledger

        ## Overview

        A transactional outbox.

        ## Testing

        - unit tests
        """),
    Case("Thai words and titles", """
        # บัญชี

        ## ภาพรวม

        ทุกธุรกรรมต้องสมบูรณ์

        ## การทดสอบ

        - การทดสอบแบบบูรณาการกับฐานข้อมูลจริง
        """),
    Case("Thai transaction, no integration tests", """
        # บัญชี

        ## ภาพรวม

        ทุกธุรกรรมต้องสมบูรณ์

        ## การทดสอบ

        - unit
        """, fails=(("ทุกธุรกรรม", 'Transactions mentioned ("ธุรกรรม")'),)),
]

EXTERNAL_API_RETRY = [
    Case("third-party API, no retry policy", """
        # Payments

        ## Overview

        Charges go through a third-party gateway.

        ## Implementation Guide

        1. Build it.
        """, fails=(("third-party gateway", 'External API mentioned ("third-party")'),)),
    Case("retry with exponential backoff", """
        # Payments

        ## Overview

        Calls an external API.

        ## Implementation Guide

        - Retry with exponential backoff (1s, 5s, 30s).
        """),
    Case("back-off spelled with a hyphen", """
        # Payments

        ## Overview

        Webhooks from the provider.

        ## 7. Implementation Guide

        - Back-off between attempts.
        """),
    Case("third-party only in a URL", """
        # Payments

        ## Overview

        Docs: https://third-party.example.com/api

        ## Implementation Guide

        1. Build it.
        """),
    Case("no implementation section", """
        # Payments

        ## Overview

        Integrates a 3rd-party API.
        """, fails=(("3rd-party", "the spec has no Implementation Guide section"),)),
    Case("Thai", """
        # การชำระเงิน

        ## ภาพรวม

        เรียก API ภายนอกของธนาคาร

        ## แนวทางการพัฒนา

        - ลองใหม่สูงสุด 3 ครั้ง
        """),
]

EXTERNAL_API_RETRY += [
    Case("a risk line about a third party is not a call that needs retries", """
        # Assistant

        ## Risks

        - Dependency on third-party LLM availability

        ## Implementation Guide

        Build it in two steps.
        """),
]

AUTH_SECURITY_SECTION = [
    Case("JWT mentioned, no security section", """
        # Users

        ## 1. Overview

        Users log in and get a JWT.

        ## 2. Architecture

        One service.
        """, fails=(("get a JWT", 'Authentication mentioned ("log in") but no security section'),)),
    Case("a STRIDE security section", """
        # Users

        ## 1. Overview

        Login with OAuth2.

        <!-- @critical security -->
        ## 7. Security Threat Model (STRIDE-Full)

        ...
        <!-- @end-critical -->
        """),
    Case("Security Considerations, unnumbered", """
        # Users

        ## Overview

        Password login.

        ## Security Considerations

        Hash passwords with argon2id.
        """),
    Case("login only in a code fence", """
        # Users

        ## Overview

        ```bash
        curl -X POST /login
        ```
        """),
    Case("auth only in a URL and a spec id", """
        # Users

        **Depends on:** spec-core-001-auth

        ## Overview

        See https://auth.example.com/login for the portal.
        """),
    Case("Thai security section", """
        # ผู้ใช้

        ## ภาพรวม

        ผู้ใช้เข้าสู่ระบบด้วยรหัสผ่าน

        ## ความปลอดภัย

        เข้ารหัสรหัสผ่าน
        """),
    Case("Thai login, no security section", """
        # ผู้ใช้

        ## ภาพรวม

        ผู้ใช้เข้าสู่ระบบทุกวัน
        """, fails=(("ผู้ใช้เข้าสู่ระบบ", 'Authentication mentioned ("เข้าสู่ระบบ")'),)),
    Case("authored and authority are not auth", """
        # Docs

        ## Overview

        Authored by the platform authority.
        """),
    Case("a compact spec's Security constraint counts", """
        # SPEC-001: Users

        **Mode:** COMPACT

        ## 1. Overview

        Login with SSO.

        ## 4. Constraints & Risk Notes

        **Security:**

        - Tokens expire after 15 minutes
        """),
    Case("a compact spec without a Security constraint", """
        # SPEC-001: Users

        **Mode:** COMPACT

        ## 1. Overview

        Login with SSO.

        ## 4. Constraints & Risk Notes

        **Performance:** fast
        """, fails=(("Login with SSO", 'Authentication mentioned ("login")'),)),
]

AUTH_SECURITY_SECTION += [
    Case("a ### Security section under a non-functional heading counts", """
        # Portal

        ## Overview

        Users log in with SSO.

        ## Non-Functional Requirements

        ### Security

        Sessions expire after 30 minutes.
        """),
    Case("a #### Security heading counts too", """
        # Portal

        Users sign in with a password.

        ## Requirements

        ### Quality

        #### Security

        Passwords are hashed with argon2id.
        """),
    Case("auth inside inline code is code", """
        # Change tool

        ## Usage

        Call `createChange(projectRoot, 'Add Auth')` to start a change.
        """),
    Case("auth in a tool's name is not this service's login", """
        # Scaffolder

        ## Features

        - Auth generator helper scaffolds route files.
        """),
    Case("another program's login is not this service's", """
        # Release bot

        ## Errors

        - Fails with a clear message when `gh` is not authenticated.
        """),
    Case("auth in an example list of tasks is an illustration (SmartSpec's README)", """
        # Workflow

        ## The hybrid approach

        1. Use the assistant for the routine tasks (e.g., database setup, basic authentication).
        """),
    Case("an Authorization section covers it (CloudEvents webhook spec)", """
        # HTTP 1.1 Web Hooks for Event Delivery

        3. [Authorization](#3-authorization)

        ## 3. Authorization

        The sender presents an access token.
        """),
    Case("words in a template slot or a quoted message are not this service's login", """
        # CLI feedback

        - Users MUST be able to [key interaction, e.g., "reset their password"]
        - **THEN** the system displays warning: "GitHub authentication required."
        """),
    Case("a real mention after a set-aside one still needs a section", """
        # Portal

        ## Usage

        Run `auth-check` first. Users log in with a password.
        """, fails=(("Run `auth-check`", 'Authentication mentioned ("log in")'),)),
]

CASES: dict[str, list[Case]] = {
    "api-example-coverage": API_EXAMPLE_COVERAGE,
    "queue-metrics": QUEUE_METRICS,
    "transaction-integration-tests": TRANSACTION_INTEGRATION_TESTS,
    "external-api-retry": EXTERNAL_API_RETRY,
    "auth-security-section": AUTH_SECURITY_SECTION,
}
