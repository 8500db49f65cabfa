"""Pass/fail cases for the semantic rules (SS201-SS207), one table per rule.

Every table holds the shapes the rule must read (one per language for interface coverage)
and the correct text it must stay silent on: precision matters more than recall.
"""

from __future__ import annotations

from tests.rules import Case

F = "```"  # a fence, so the cases read like the specs they stand for

INTERFACE_COVERAGE = [
    Case("TypeScript: every call is declared by its port", f"""
        # Payments

        ## Dependency Injection

        {F}typescript
        export interface PaymentRepository {{
          save(payment: Payment): Promise<void>;
          findById(id: string): Promise<Payment | null>;
        }}
        export interface Clock {{ now(): Date }}

        export class PaymentService {{
          constructor(private readonly repo: PaymentRepository, private readonly clock: Clock) {{}}
          async pay(p: Payment): Promise<void> {{
            p.createdAt = this.clock.now();
            await this.repo.save(p);
            await this.repo.findById(p.id);
          }}
        }}
        {F}
        """),
    Case("TypeScript: a saga calls a method its gateway lacks", f"""
        # Payments

        {F}typescript
        export interface PaymentGateway {{
          send(request: object, key: string): Promise<string>;
        }}
        {F}

        ## Sagas

        {F}typescript
        export const saga = (payments: PaymentGateway) => [
          {{ action: (c) => payments.charge(c.amount), compensate: (c) => payments.send(c) }},
        ];
        {F}
        """, fails=(("payments.charge(", "payments.charge() is called, but PaymentGateway"),)),
    Case("Python: a Protocol and self.x.m() calls", f"""
        # Orders

        {F}python
        class OrderRepository(Protocol):
            def save(self, order: Order) -> None: ...
            def get(self, order_id: str) -> Order: ...

        class OrderService:
            def __init__(self, repo: OrderRepository) -> None:
                self._repo = repo

            def place(self, order: Order) -> None:
                self._repo.save(order)
                self._repo.delete(order.id)
        {F}
        """, fails=(("self._repo.delete(", "_repo.delete() is called, but OrderRepository"),)),
    Case("Go: an interface and s.repo.M() calls", f"""
        # Orders

        {F}go
        type OrderRepository interface {{
            Save(ctx context.Context, o Order) error
            Get(ctx context.Context, id string) (Order, error)
        }}

        type Service struct {{
            repo OrderRepository
        }}

        func (s *Service) Place(ctx context.Context, o Order) error {{
            if _, err := s.repo.Get(ctx, o.ID); err == nil {{
                return nil
            }}
            return s.repo.Store(ctx, o)
        }}
        {F}
        """, fails=(("s.repo.Store(", "repo.Store() is called, but OrderRepository"),)),
    Case("Java: a field typed by an interface", f"""
        # Orders

        {F}java
        public interface OrderRepository {{
            void save(Order order);
        }}

        public class OrderService {{
            private final OrderRepository repository;

            public OrderService(OrderRepository repository) {{ this.repository = repository; }}

            public void place(Order order) {{
                this.repository.save(order);
                this.repository.flush();
            }}
        }}
        {F}
        """, fails=(("this.repository.flush(", "repository.flush() is called"),)),
    Case("C#: an I-prefixed interface", f"""
        # Orders

        {F}csharp
        public interface IOrderRepository
        {{
            Task SaveAsync(Order order);
            Task<Order?> FindAsync(Guid id);
        }}

        public sealed class OrderService
        {{
            private readonly IOrderRepository _orders;
            public OrderService(IOrderRepository orders) => _orders = orders;
            public Task Place(Order order) => _orders.SaveAsync(order);
            public Task Drop(Guid id) => _orders.DeleteAsync(id);
        }}
        {F}
        """, fails=(("_orders.DeleteAsync(", "_orders.DeleteAsync() is called, but IOrderRepository"),)),
    Case("Kotlin: constructor val typed by an interface", f"""
        # Orders

        {F}kotlin
        interface OrderRepository {{
            fun save(order: Order)
        }}

        class OrderService(private val repo: OrderRepository) {{
            fun place(order: Order) {{
                repo.save(order)
                repo.remove(order)
            }}
        }}
        {F}
        """, fails=(("repo.remove(", "repo.remove() is called, but OrderRepository"),)),
    Case("a type that extends one the spec does not show is not checked", f"""
        # Orders

        {F}typescript
        export interface OrderRepository extends Repository<Order> {{
          findByCustomer(id: string): Promise<Order[]>;
        }}
        class S {{
          constructor(private readonly repo: OrderRepository) {{}}
          run() {{ return this.repo.save(x); }}
        }}
        {F}
        """),
    Case("an array of a declared type is not the type", f"""
        # Sagas

        {F}typescript
        export interface SagaStep<C> {{ name: string; action(ctx: C): Promise<void> }}
        async function run<C>(ctx: C, steps: SagaStep<C>[]) {{
          for (const step of steps.slice(1)) await step.action(ctx);
        }}
        {F}
        """),
    Case("calls on an undeclared type and calls in prose are not judged", f"""
        # Orders

        Call `repo.delete()` to remove an order.

        {F}typescript
        class S {{
          constructor(private readonly repo: ExternalRepo) {{}}
          run() {{ return this.repo.delete(x); }}
        }}
        {F}
        """),
]

SCHEMA_AGREEMENT = [
    Case("examples, statuses and money agree with the schema", f"""
        # Payments

        ## Data Model

        {F}sql
        CREATE TABLE payment (
          id UUID PRIMARY KEY,
          account_id UUID NOT NULL,
          amount DECIMAL(19,4) NOT NULL,
          method VARCHAR(20) NOT NULL CHECK (method IN ('CARD', 'WALLET')),
          status VARCHAR(20) NOT NULL CHECK (status IN ('PENDING', 'CAPTURED', 'FAILED')),
          created_at TIMESTAMPTZ NOT NULL
        );
        {F}

        ## Examples

        {F}json
        {{"id": "p1", "account_id": "a1", "amount": "10.00", "method": "CARD",
         "status": "PENDING", "created_at": "2026-01-15T09:30:00Z"}}
        {F}

        {F}typescript
        export interface Payment {{ id: string; amount: Decimal; status: string }}
        if (payment.status === 'CAPTURED') {{ notify(); }}
        {F}
        """),
    Case("no tables: a status in an event payload's data that no stated lifecycle has", f"""
        # Payments

        ## Overview

        - Payments: states PENDING, AUTHORIZED, CAPTURED, starting PENDING.

        ## Events

        {F}json
        {{
          "id": "evt_1",
          "type": "payment.status_changed",
          "data": {{
            "id": "p1",
            "status": "ON_HOLD"
          }}
        }}
        {F}
        """, fails=(('"status": "ON_HOLD"',
                     'Value "ON_HOLD" of status is not one of the lifecycle states'),)),
    Case("no tables: statuses the stated lifecycles have, and lower-case provider words", f"""
        # Payments

        - Payments: states PENDING, AUTHORIZED, CAPTURED, starting PENDING.
        - Refunds (each belongs to one payment): states REQUESTED, SUCCEEDED, starting REQUESTED.

        {F}json
        {{"type": "payment.status_changed", "data": {{"id": "p1", "status": "AUTHORIZED"}}}}
        {F}

        {F}json
        [{{"refund": "r1", "status": "SUCCEEDED"}}, {{"event": "delivered", "status": "sent"}}]
        {F}
        """),
    Case("an example field that no column or text documents", f"""
        # Payments

        {F}sql
        CREATE TABLE payment (
          id UUID PRIMARY KEY,
          account_id UUID NOT NULL,
          amount DECIMAL(19,4) NOT NULL
        );
        {F}

        {F}json
        {{
          "id": "p1",
          "account_id": "a1",
          "amount": "10.00",
          "loyalty_points": 12
        }}
        {F}
        """, fails=(('"loyalty_points"',
                     'Example field "loyalty_points" is not a column of table payment'),)),
    Case("a field documented elsewhere (a request-only field) is fine", f"""
        # Payments

        The request carries a `card_token` from the browser SDK; it is never stored.

        {F}sql
        CREATE TABLE payment (id UUID PRIMARY KEY, account_id UUID, amount DECIMAL(19,4));
        {F}

        {F}json
        {{"account_id": "a1", "amount": "10.00", "card_token": "tok_1"}}
        {F}
        """),
    Case("an object that shows no table is not judged", f"""
        # Payments

        {F}sql
        CREATE TABLE payment (id UUID PRIMARY KEY, account_id UUID, amount DECIMAL(19,4));
        {F}

        {F}json
        {{"error": {{"code": "NOT_FOUND", "message": "no such payment", "id": "p1"}}}}
        {F}
        """),
    Case("a status value missing from the CHECK list, in an example and in code", f"""
        # Payments

        {F}sql
        CREATE TABLE payment (
          id UUID PRIMARY KEY,
          account_id UUID NOT NULL,
          status VARCHAR(20) NOT NULL CHECK (status IN ('PENDING', 'CAPTURED'))
        );
        {F}

        {F}json
        {{"id": "p1", "account_id": "a1", "status": "SETTLED"}}
        {F}

        {F}typescript
        await this.payments.updateStatus(id, 'REVERSED');
        {F}
        """, fails=(('"status": "SETTLED"', 'Value "SETTLED" of status is not in'),
                     ("updateStatus(id, 'REVERSED')", 'Value "REVERSED" of status'))),
    Case("a CREATE TYPE enum is a CHECK list too", f"""
        # Payments

        {F}sql
        CREATE TYPE payment_status AS ENUM ('pending', 'done');
        CREATE TABLE payment (id UUID PRIMARY KEY, account_id UUID, status payment_status);
        {F}

        {F}python
        payment = Payment(status="pending")
        if payment.status == "cancelled":
            pass
        {F}
        """, fails=(('"cancelled"', 'Value "cancelled" of status'),)),
    Case("a status column one table leaves open is not judged in code", f"""
        # Jobs

        {F}sql
        CREATE TABLE job (id UUID PRIMARY KEY, status TEXT NOT NULL);
        CREATE TABLE run (id UUID PRIMARY KEY, status TEXT CHECK (status IN ('A', 'B')));
        {F}

        {F}typescript
        job.status = 'QUEUED';
        {F}
        """),
    Case("money as a floating type in SQL and in code", f"""
        # Billing

        {F}sql
        CREATE TABLE invoice (
          id UUID PRIMARY KEY,
          total_amount DOUBLE PRECISION NOT NULL,
          weight REAL
        );
        {F}

        {F}go
        type Invoice struct {{
            ID        string
            UnitPrice float64
            Ratio     float64
        }}
        {F}
        """, fails=(("total_amount DOUBLE", "Money field invoice.total_amount is typed DOUBLE"),
                     ("UnitPrice float64", "Money field UnitPrice is typed"))),
    Case("integer minor units and decimals are fine", f"""
        # Billing

        {F}sql
        CREATE TABLE invoice (id UUID PRIMARY KEY, amount_cents BIGINT, fee NUMERIC(12,2));
        {F}

        {F}java
        public record Invoice(BigDecimal amount, long feeCents, double ratio) {{}}
        {F}
        """),
]

CROSS_REFERENCES = [
    Case("numbers, titles and anchors that resolve", """
        # Orders

        ## 1. Overview

        See section 2.1 and the storage design (section Data Model & Schema); see section
        Data Model & Schema for the tables. Jump to [the model](#2-data-model--schema) or
        [limits](#limits) or [the list](#1-overview).

        ## 2. Data Model & Schema

        ### 2.1 Tables

        ### Limits
        """),
    Case("a section number that does not exist", """
        # Orders

        ## 1. Overview

        Retries are described below (see section 7.2).

        ## 2. Architecture
        """, fails=(("see section 7.2", "Cross-reference to section 7.2"),)),
    Case("a section title that does not exist", """
        # Orders

        ## 1. Overview

        Metrics are listed elsewhere (section Monitoring & Observability).

        ## 2. Monitoring
        """, fails=(("(section Monitoring", "Cross-reference to section Monitoring & Observability"),)),
    Case("a broken anchor", """
        # Orders

        ## Overview

        Read [the API](#api-reference) first.

        ## API
        """, fails=(("[the API]", "Link to #api-reference"),)),
    Case("duplicate headings get -1, Thai and punctuation follow GitHub", """
        # คำสั่งซื้อ

        ## ภาพรวม

        [a](#ภาพรวม) [b](#notes) [c](#notes-1) [d](#whats-new-v2) [e](#custom)

        ## Notes

        ## Notes

        ## What's new (v2)?

        <a id="custom"></a>
        """),
    Case("a percent-escaped anchor is read as the browser reads it", """
        # คำสั่งซื้อ

        ## ภาพรวม

        [a](#%E0%B8%A0%E0%B8%B2%E0%B8%9E%E0%B8%A3%E0%B8%A7%E0%B8%A1) [b](#what%27s-new)

        ## What's new
        """, fails=(("[b]", "Link to #what%27s-new"),)),
    Case("another document's sections, code spans and unnumbered specs are not judged", """
        # Orders

        ## Overview

        As in section 3 of RFC 9110, see section 4.2 in the runbook. Write `see section 9`.
        """),
]

ENDPOINT_AGREEMENT = [
    Case("prose, tests and examples use defined endpoints", f"""
        # Orders

        ## API Specification

        | Method | Endpoint |
        |---|---|
        | POST | `/api/v1/orders` |
        | GET | `/api/v1/orders/{{id}}` |

        ## Testing Strategy

        - `POST /api/v1/orders` returns 201
        - GET /orders/42 returns the order (paths may leave out the base)

        ## Examples

        {F}http
        GET /api/v1/orders/8c1f HTTP/1.1
        {F}

            curl -X POST https://api.example.com/api/v1/orders
            curl -X POST https://api.stripe.com/v1/charges
        Probes call GET /healthz.
        """),
    Case("an endpoint only in the tests", """
        # Orders

        ## API Specification

        | POST | `/api/v1/orders` |

        ## Testing Strategy

        - `DELETE /api/v1/orders/{id}` returns 204
        """, fails=(("DELETE /api", "Endpoint DELETE /api/v1/orders/{id} is used here"),)),
    Case("a spec without an API table is not judged", """
        # Orders

        ## Testing

        - POST /api/v1/orders returns 201
        """),
]

DIAGRAM_AGREEMENT = [
    Case("ER entities equal the tables; partitions are not entities", f"""
        # Orders

        ## Architecture

        | Component | Responsibility |
        |---|---|
        | Order Service | Orders |

        {F}sql
        CREATE TABLE customers (id UUID PRIMARY KEY);
        CREATE TABLE orders (id UUID PRIMARY KEY, customer_id UUID) PARTITION BY RANGE (id);
        CREATE TABLE orders_2026 PARTITION OF orders FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
        {F}

        {F}mermaid
        erDiagram
            CUSTOMER ||--o{{ ORDER : places
            ORDER {{
                uuid id PK
            }}
        {F}

        ## Performance

        ### Per-Service Targets

        #### Order Service
        """),
    Case("a table missing from the diagram and an entity with no table", f"""
        # Orders

        {F}sql
        CREATE TABLE customer (id UUID PRIMARY KEY);
        CREATE TABLE customer_order (id UUID PRIMARY KEY);
        CREATE TABLE refund (id UUID PRIMARY KEY);
        {F}

        {F}mermaid
        erDiagram
            customer ||--o{{ customer_order : places
            customer_order ||--o{{ shipment : ships
        {F}
        """, fails=(("CREATE TABLE refund", "Table refund is created in the schema but missing"),
                     ("shipment : ships", "ER diagram entity shipment has no CREATE TABLE"))),
    Case("a per-service target for a service that is not a component", """
        # Orders

        ## Architecture

        | Component | Responsibility |
        |---|---|
        | Order Service | Orders |

        ## Performance Requirements

        ### Per-Service Performance Targets

        #### Order Service

        #### Billing Service
        """, fails=(("#### Billing Service", 'Per-service target for "Billing Service"'),)),
]

N = "9" * 5000  # a run of digits longer than any integer Python will read from text

FIGURES = [
    Case("figures that add up", """
        # Orders

        ## Performance Requirements

        - P50: < 100ms
        - P95: < 200ms
        - P99: < 1s
        - SLA: 99.95% uptime
        - Max downtime: 4.38 hours/year (21.6 minutes per 30-day month)
        - Connection pool: 20-50 connections per instance
        - Max instances: 10
        - PostgreSQL max_connections: 600

        | Endpoint | P50 | P95 | P99 |
        |---|---|---|---|
        | Create | 80 ms | 150 ms | 300 ms |

        | Availability | 99.9% (8.76 hours/year downtime budget) |

        ## Sagas

        A saga that has not finished within 5 minutes is compensated. A step is retried 3
        times with backoff (1s, 5s, 30s).
        """),
    Case("a pool of senders that covers its peak", """
        # Notifications

        ## Performance Requirements

        - one number 100 messages/s; the 600 messages/s peak: pool holds 6 numbers (600
          messages/s together), a statement wrapped over two lines is not read.
        - one number 100 messages/s; the 600 messages/s peak: pool holds 6 numbers (600 messages/s together)
        """),
    Case("a pool of senders short of its peak", """
        # Notifications

        ## Performance Requirements

        - one number 100 messages/s; the 1,000 messages/s peak: pool holds 6 numbers (600 messages/s together)
        - one number 100 messages/s; the 600 messages/s peak: pool holds 4 numbers (600 messages/s together)
        """, fails=(("the 1,000 messages/s peak", "6 numbers send 600 messages/s, but the pool is "
                     "stated as 600 messages/s for a 1,000 messages/s peak"),
                    ("pool holds 4 numbers", "4 numbers send 400 messages/s, but the pool is "
                     "stated as 600 messages/s"))),
    Case("a higher percentile below a lower one", """
        # Orders

        ## Performance Requirements

        - P50: < 100ms
        - P95: < 400ms
        - P99: < 300ms

        | Endpoint | P50 | P95 | P99 |
        |---|---|---|---|
        | Create | 80 ms | 150 ms | 120 ms |

        Latency: P50 200ms, P99 150ms.
        """, fails=(("- P99: < 300ms", "P99 (300ms) is lower than P95 (400ms)"),
                     ("| Create |", "P99 (120ms) is lower than P95 (150ms)"),
                     ("Latency: P50", "P99 (150ms) is lower than P50 (200ms)"))),
    Case("availability and downtime disagree", """
        # Orders

        ## Performance Requirements

        - SLA: 99.99% uptime
        - Max downtime: 4.38 hours/year
        """, fails=(("Max downtime", "Availability 99.99% does not match the stated downtime"),)),
    Case("a retry schedule longer than its deadline", """
        # Orders

        ## Sagas

        A saga that has not finished within 5 minutes is compensated automatically.

        ### Orchestrator

        A step is retried with backoff (1s, 5s, 30s, 2m, 5m).
        """, fails=(("(1s, 5s, 30s, 2m, 5m)", "waits 7.6 minutes in total, longer than the 5 "
                                              "minutes deadline"),)),
    Case("pool x instances over a stated limit", """
        # Orders

        ## Performance Requirements

        - Connection pool: 50 connections per instance
        - Max instances: 20
        - PostgreSQL max_connections: 500
        """, fails=(("max_connections", "Connection pool 50 per instance x 20 instances = 1000"),)),
    Case("a pooler between pools and database, and separate metrics, are not judged", """
        # Orders

        ## Performance Requirements

        - Connection pool: 50 connections per instance behind PgBouncer
        - Max instances: 20
        - PostgreSQL max_connections: 500

        - P99 API latency: 300ms

        - Queue processing P95: 5s
        """),
    # Python will not read an integer of more than 4,300 digits (N has 5,000): such a "figure"
    # is passed over, not a crash of the whole validate run.
    Case("figures of thousands of digits are no figures", f"""
        # Orders

        ## Performance Requirements

        - Connection pool: {N} connections per instance
        - Connection pool: 50 connections per instance
        - Max instances: {N}
        - Max instances: 4
        - PostgreSQL max_connections: {N}
        - PostgreSQL max_connections: 500
        - one number {N} messages/s; the 600 messages/s peak: pool holds 6 numbers (600 messages/s together)
        - one number 100 messages/s; the {N} messages/s peak: pool holds 6 numbers (600 messages/s together)
        """),
]

DOCUMENT_CONTENT = [
    Case("an empty spec", "", fails=((None, "The spec is empty"),)),
    Case("headings, header fields and comments only", """
        # SPEC-001: Orders

        **Status:** Draft

        <!-- nothing yet -->

        ## 1. Overview

        ---

        ## 2. Architecture
        """, fails=(("# SPEC-001", "only headings"),)),
    Case("one sentence is content", """
        # Orders

        ## Overview

        Orders are placed by customers.
        """),
]

CASES: dict[str, list[Case]] = {
    "interface-coverage": INTERFACE_COVERAGE,
    "schema-agreement": SCHEMA_AGREEMENT,
    "cross-references": CROSS_REFERENCES,
    "endpoint-agreement": ENDPOINT_AGREEMENT,
    "diagram-agreement": DIAGRAM_AGREEMENT,
    "figures": FIGURES,
    "document-content": DOCUMENT_CONTENT,
}
