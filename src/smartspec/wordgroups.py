"""The keyword groups the validation rules ask about, and how a group of words becomes one
pattern.

``detect`` (which adds the plan's groups and every domain pack's words) and ``rules`` both
take them from here, so that a one-spec ``validate`` learns its four groups of words without
loading the description scanner and the domain packs. ``keywords`` in config extends a group
(``extend``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

# The groups the consistency rules ask about. Keys are stable: config ``keywords.<group>``
# extends them.
RULE_GROUPS: dict[str, tuple[str, ...]] = {
    "auth": ("auth", "authentication", "authorization", "login", "log in", "sign in", "sign-in",
             "jwt", "oauth", "oauth2", "oidc", "sso", "password", "mfa",
             "ยืนยันตัวตน", "เข้าสู่ระบบ"),
    "queue": ("queue", "queues", "worker", "workers", "kafka", "rabbitmq", "sqs", "nats",
              "celery", "bullmq", "pubsub", "pub/sub", "message broker", "คิว"),
    "transaction": ("transaction", "transactions", "acid", "ธุรกรรม"),
    "external-api": ("external api", "external apis", "third-party", "third party",
                     "3rd-party", "webhook", "webhooks", "api ภายนอก"),
}


def extend(groups: Mapping[str, tuple[str, ...]],
           extra: Mapping[str, Iterable[str]] | None) -> dict[str, tuple[str, ...]]:
    """``groups`` extended by config ``keywords`` (lower-cased, each word once)."""
    merged = dict(groups)
    for group, words in (extra or {}).items():
        merged[group] = tuple(dict.fromkeys((*merged.get(group, ()), *(w.lower() for w in words))))
    return merged


@lru_cache(maxsize=64)
def word_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern matching any of ``words``: Latin words word-bounded, Thai words anywhere
    (Thai is written without spaces between words). Longest alternatives first."""
    if not words:
        return None
    latin = sorted({w for w in words if w.isascii()}, key=len, reverse=True)
    other = sorted({w for w in words if not w.isascii()}, key=len, reverse=True)
    parts = []
    if latin:
        parts.append(r"(?<![\w./-])(?:" + "|".join(re.escape(w) for w in latin) + r")(?![\w-])")
    if other:
        parts.append("(?:" + "|".join(re.escape(w) for w in other) + ")")
    return re.compile("|".join(parts), re.IGNORECASE)
