"""The golden specs: one case per profile x mode and the reference's §15 Examples 1-5.

Each case is the argv of ``smartspec new``; ``tests/unit/test_golden.py`` compares
the spec it writes with ``tests/data/golden/<case>.md`` byte for byte
(``pytest --update-goldens`` rewrites them).
"""

from __future__ import annotations

ORDER_SERVICE = (
    "Order management REST API with a PostgreSQL database and a Redis queue for notification "
    "workers; customers log in with JWT"
)

CASES: dict[str, list[str]] = {}
for profile in ("basic", "backend-service", "financial", "full"):
    for mode in ("standard", "compact"):
        CASES[f"{profile}-{mode}"] = ["new", "order-service", ORDER_SERVICE,
                                      f"--profile={profile}", f"--mode={mode}"]

# Reference §15, run as written with smartspec as the command.
CASES["example-1-report-exporter"] = ["new", "report-exporter", "--profile=basic",
                                      "--mode=compact", "--no-di"]
CASES["example-2-user-service"] = ["new", "user-service", "--profile=backend-service",
                                   "--security=basic"]
CASES["example-3-payment-processing"] = ["new", "payment-processing", "--profile=financial",
                                         "--domain=fintech"]
CASES["example-4-telemetry-ingestion"] = ["new", "telemetry-ingestion",
                                          "--profile=backend-service", "--domain=iot",
                                          "--performance=full"]
CASES["example-5-patient-records-api"] = ["new", "patient-records-api",
                                          "--profile=backend-service", "--domain=healthcare",
                                          "--security=stride-full"]
# The README's first command.
CASES["readme-payment-processing"] = [
    "new", "payment-processing",
    "Card and PromptPay payments with a PostgreSQL ledger, Redis queue and the Stripe API",
    "--profile=financial", "--domain=fintech",
]
