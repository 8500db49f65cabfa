"""AsyncAPI 3.0 from a spec with messaging: the broker as the server, one channel per event
the spec's code publishes, and the operations the spec's consumers receive on them. Only
what the spec states; payloads stay open objects because the spec gives no event schema.
"""

from __future__ import annotations

import re
from typing import Any

from smartspec.delivery.items import SpecFacts

ASYNCAPI_VERSION = "3.0.0"
_PROTOCOLS = (("kafka", "kafka"), ("rabbitmq", "amqp"), ("amqp", "amqp"), ("redis", "redis"),
              ("nats", "nats"), ("mqtt", "mqtt"), ("sqs", "sqs"), ("sns", "sns"),
              ("pub/sub", "googlepubsub"))


def _camel(text: str) -> str:
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", text) if p]
    return (parts[0].lower() + "".join(p.capitalize() for p in parts[1:])) if parts else "x"


def build(facts: SpecFacts) -> dict[str, Any]:
    broker = facts.broker or "message broker"
    protocol = next((p for word, p in _PROTOCOLS if word in broker.lower()), "amqp")
    version = facts.doc.header.get("Version", "").strip() or "0.1.0"
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    topics = facts.topics or [f"{facts.spec_id}.events"]
    for topic in topics:
        name = _camel(topic)
        message = name[:1].upper() + name[1:]
        channels[name] = {"address": topic, "messages": {message: {
            "name": message, "contentType": "application/json",
            "payload": {"type": "object"}}}}
        operations[f"publish{message}"] = {
            "action": "send", "channel": {"$ref": f"#/channels/{name}"},
            "messages": [{"$ref": f"#/channels/{name}/messages/{message}"}]}
        for consumer in facts.consumers:
            operations[f"{_camel(consumer.title)}Receive{message}"] = {
                "action": "receive", "channel": {"$ref": f"#/channels/{name}"},
                "summary": consumer.title,
                "messages": [{"$ref": f"#/channels/{name}/messages/{message}"}]}
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {"title": facts.title, "version": version,
                 "description": f"Exported by smartspec from {facts.spec_id} ({facts.path})."},
        "servers": {"broker": {"host": "broker.example.com", "protocol": protocol,
                               "description": broker}},
        "channels": channels,
        "operations": operations,
    }
