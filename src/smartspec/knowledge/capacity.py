"""How fast a notification provider can send, and what that means for a stated load.

An SMS provider sends from numbers, and each number sends at a fixed rate (Twilio: about one
message a second from a long code, a hundred from a short code). A peak of 600 messages a
second is therefore a sizing question, not a tuning knob: the spec states the pool of
senders that carries the peak, and what happens to messages above it (they wait queued
and drain at the pool's rate). The rates are knowledge-base data; the sums live here, once,
so every section quotes the same figures and the figures rule can check them.
"""

from __future__ import annotations

from collections.abc import Iterable

from smartspec import knowledge
from smartspec.tuples import NamedTuple


class SenderPool(NamedTuple):
    """The senders one provider needs for a peak: ``senders`` senders of kind ``sender``,
    each sending ``rate`` messages a second; ``slowest`` is the kind with the lowest rate,
    for the comparison a reader needs (600 long codes against 6 short codes)."""

    provider: str
    channel: str
    sender: str
    rate: int
    senders: int
    slowest: tuple[str, int]
    peak: int
    pool: str  # what holds the senders: "Messaging Service", else "sender pool"

    @property
    def capacity(self) -> int:
        """Messages a second the whole pool sends."""
        return self.rate * self.senders

    def backlog(self, offered: int, seconds: int) -> int:
        """Messages left waiting after ``seconds`` at ``offered`` messages a second."""
        return max(0, offered - self.capacity) * seconds

    def drain_seconds(self, backlog: int, normal: int) -> int | None:
        """Seconds to send ``backlog`` once the load is back to ``normal`` messages a
        second; None when the pool cannot keep up with the normal load at all."""
        spare = self.capacity - normal
        return None if spare <= 0 else -(-backlog // spare)


def sender_pools(providers: Iterable[str], peak: int) -> list[SenderPool]:
    """The pool each of ``providers`` (canonical names) needs to send ``peak`` messages a
    second: the fewest senders of its fastest kind, rounded up, smallest pool first (the one
    that limits the sending). Providers without per-sender rates in the knowledge base (email
    APIs) are left out."""
    pools: list[SenderPool] = []
    for name in providers:
        entry = knowledge.lookup(name)
        if entry is None or not entry.send_rates or peak <= 0:
            continue
        sender, rate = max(entry.send_rates, key=lambda kind: kind[1])
        pools.append(SenderPool(entry.name, entry.channel or "messages", sender, rate,
                                -(-peak // rate), min(entry.send_rates, key=lambda k: k[1]),
                                peak, entry.sender_pool or "sender pool"))
    return sorted(pools, key=lambda pool: pool.capacity)
