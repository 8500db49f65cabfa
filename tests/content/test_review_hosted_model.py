"""What a reviewer found reading a chat assistant built on a hosted model (OpenAI) and a
lab-results service (HL7 v2 in, SendGrid out) whole, pinned so it cannot come back: GPU pools
and model promotions for a model the service does not run, a P99 that claims to include the
provider's answer, the spec's name taken for the records it keeps, scheduling messages for
lab results, a connection pooler for a database that has none, and the statements, deadlocks
and read replicas of a relational database in a MongoDB service."""

from __future__ import annotations

import json

import pytest

from tests.content.cases import SYSTEMS
from tests.content.specs import section, spec
from tests.helpers import render_case


@pytest.fixture(scope="module")
def assistant() -> str:
    return spec("system-support-assistant")


@pytest.fixture(scope="module")
def lab() -> str:
    return spec("system-lab-results")


def test_a_hosted_model_has_no_gpu_pools_or_model_promotions(assistant: str) -> None:
    ml = section(assistant, "Model Serving")
    for words in ("GPU", "canary", "model card", "SERVING", "rule-based answer"):
        assert words not in assistant, words
    assert "pinned to a dated version (`MODEL_NAME`)" in ml
    assert "at most `MAX_OUTPUT_TOKENS` output tokens per answer" in ml
    config = section(assistant, "Configuration")
    assert "| `MODEL_NAME` |" in config and "| `MAX_OUTPUT_TOKENS` |" in config
    assert "MODEL_REFRESH_SECONDS" not in config and "INFERENCE_TIMEOUT_MS" not in config
    # A service that runs its own model keeps them.
    serving = spec("system-model-serving")
    assert "GPU or CPU pools sized for peak load" in serving and "MODEL_NAME" not in serving


def test_the_latency_target_does_not_claim_the_providers_answer_time(assistant: str) -> None:
    performance = section(assistant, "Performance Requirements")
    assert "including model inference" not in performance
    assert "the model provider's answer time is measured and alerted on separately" in performance
    assert "Denial of wallet" in section(assistant, "Security")


def test_asking_the_assistant_sends_a_question_and_answers_with_the_models_message(
        assistant: str) -> None:
    example = section(assistant, "Examples").split("### 15.5", 1)[1].split("### 15.6", 1)[0]
    request, answer = example.split("```json", 1)
    body = json.loads(request.split("\n\n", 2)[2].rsplit("```", 1)[0])
    assert body == {"content": "How do I change the email address on my account?"}
    reply = json.loads(answer.split("```", 1)[0])
    assert reply["role"] == "assistant" and reply["output_tokens"] == 96
    # The validation example names a field the request must have.
    assert "title VARCHAR(200) NOT NULL" in assistant
    assert '"message": "title is required"' in section(assistant, "Examples")


def test_a_database_without_a_connection_limit_gets_no_pooler(assistant: str) -> None:
    config = section(assistant, "Configuration")
    assert "Connections per instance to MongoDB; at 8 instances that is up to 400 |" in config
    assert "PgBouncer" not in assistant


def test_a_document_database_has_collections_operations_and_a_replica_set(
        assistant: str) -> None:
    config = section(assistant, "Configuration")
    assert "| `DB_OPERATION_TIMEOUT_MS` | integer | `10000` | An operation running longer is " \
           "stopped on the server (maxTimeMS);" in config
    assert "STATEMENT" not in assistant
    guide = section(assistant, "Implementation Guide")
    assert "1. Create the collections `conversation` and `chat_message` in MongoDB" in guide
    assert "| MongoDB | 10s operation timeout (maxTimeMS) | retry transient transaction " \
           "errors up to 3 times" in guide
    full = section(render_case([*SYSTEMS["system-support-assistant"], "--performance=full"]),
                   "Performance Requirements")
    assert "Three members, a primary and 2 secondaries" in full
    for words in ("statement timeout", "idle-in-transaction", "Deadlock", "foreign keys"):
        assert words not in full, words
    # A relational database keeps its own words.
    orders = section(spec("performance-full"), "Performance Requirements")
    assert "idle-in-transaction timeout" in orders and "Deadlock detection" in orders


def test_lab_results_are_observations_received_as_oru_messages(lab: str) -> None:
    assert "ORU^R01 delivers lab results" in section(lab, "API Specification")
    assert "SIU/ADT over MLLP" not in lab
    assert "CREATE TABLE observation (" in lab and "CREATE TABLE lab (" not in lab
    assert "Appointment and Patient resources" not in lab
    assert "Observation and Patient resources are kept in step with the EHR" in lab


def test_sendgrid_callbacks_confirm_notifications_not_the_spec_name(lab: str) -> None:
    overview = section(lab, "Overview")
    assert "DELIVERED by `POST /api/v1/webhooks/sendgrid`" in overview
    assert "FHIR R4 API" not in section(lab, "Technology Stack").replace(
        "HL7 FHIR R4 resources", "")


def test_a_grpc_example_of_a_chat_message_uses_an_allowed_role() -> None:
    # The validator found "example-role" in the gRPC example of a moderation service's
    # messages: the sample is a value the CHECK list allows.
    text = render_case(["new", "chat-moderation", "Moderate chat messages with an ML toxicity "
                        "classifier served over gRPC, flagged messages stored in PostgreSQL"])
    assert "example-role" not in text and '"role": "user"' in text
