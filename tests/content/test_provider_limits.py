"""Figures that follow the providers and the callers: an SMS peak is a pool of senders sized
by the senders' rates, with the backlog above it stated; a service whose callers are other
services limits them per calling service, not per user."""

from __future__ import annotations

import re

from smartspec.knowledge.capacity import sender_pools
from smartspec.rules import validate_text
from tests.content.specs import section, spec


def _peak(text: str) -> int:
    """The spec's peak: the Performance section's, or the serving section's where a basic
    Performance section states only the sustained load."""
    found = (re.search(r"- Peak load: (\d+) TPS", section(text, "Performance Requirements"))
             or re.search(r"sized for peak load \((\d+) requests/s\)", text))
    assert found is not None
    return int(found.group(1))


def test_the_sms_peak_is_a_pool_of_senders_sized_by_their_rate() -> None:
    text = spec("system-notifications")
    performance = section(text, "Performance Requirements")
    peak = _peak(text)
    pool = re.search(r"one short code (\d+) messages/s, so the (\d+) messages/s peak goes "
                     r"through a Messaging Service whose pool holds (\d+) short codes "
                     r"\((\d+) messages/s together\)", performance)
    assert pool is not None, performance
    rate, stated_peak, count, together = (int(g) for g in pool.groups())
    assert stated_peak == peak and count * rate == together >= peak
    assert (count - 1) * rate < peak  # the fewest senders that carry the peak
    assert "long codes alone would take 600 numbers" in performance
    # What arrives faster than the pool sends waits, and the backlog is stated in figures
    # that follow from the spike and normal loads.
    spike = re.search(r"at the spike test's (\d+) messages/s the backlog grows by (\d+) "
                      r"messages each second, so a one-minute spike leaves ([\d,]+) messages, "
                      r"sent within (\d+) seconds once traffic is back to (\d+) messages/s",
                      performance)
    assert spike is not None, performance
    offered, growth, left, seconds, normal = (int(g.replace(",", "")) for g in spike.groups())
    assert growth == offered - together and left == growth * 60
    assert seconds == -(-left // (together - normal))
    assert "| `TWILIO_MESSAGING_SERVICE_SID` | string | none |" in section(
        text, "Configuration Schema")


def test_a_pool_short_of_its_peak_is_an_error() -> None:
    text = spec("system-notifications")
    assert not [f for f in validate_text(text, path="spec.md").findings if f.severity == "error"]
    short = text.replace("pool holds 6 short codes", "pool holds 5 short codes")
    assert short != text
    found = [f.message for f in validate_text(short, path="spec.md").findings
             if f.rule == "figures"]
    assert found == ["5 short codes send 500 messages/s, but the pool is stated as 600 "
                     "messages/s for a 600 messages/s peak"]


def test_pools_come_from_knowledge_rates() -> None:
    (twilio,) = sender_pools(["Twilio", "SendGrid"], 250)
    assert (twilio.sender, twilio.rate, twilio.senders, twilio.capacity) == (
        "short code", 100, 3, 300)
    assert twilio.slowest == ("long code", 1) and twilio.pool == "Messaging Service"
    assert twilio.backlog(500, 10) == 2000 and twilio.drain_seconds(2000, 100) == 10
    assert twilio.drain_seconds(2000, 300) is None  # a pool the normal load fills never drains


def test_services_calling_over_grpc_are_limited_per_calling_service() -> None:
    text = spec("system-model-serving")
    peak = _peak(text)
    security = section(text, "Security Threat Model")
    config = section(text, "Configuration Schema")
    assert "per user" not in security and "per user" not in config
    assert f"Rate limiting ({peak * 60} req/min per calling service)" in security
    assert "keyed by its client certificate or service account" in security
    assert f"a rate limit of `{peak * 60}` per calling service per minute" in config
    # People calling a REST API keep per-user and per-IP limits.
    people = spec("system-ride-dispatch")
    assert "per user (100 req/min) and per IP (1000 req/min)" in section(
        people, "Security Threat Model")
