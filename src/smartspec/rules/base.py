"""The rule engine's vocabulary: findings, rules and the registry that holds them.

A rule is data (code, config name, default severity, one-line description, fix hint, the
sentence shown when it passes) plus one check function over a shared ``Context``. The check
yields ``Hit``s (line and message); the engine stamps each with the rule's code and the
severity resolved from config, so a rule never decides its own severity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from smartspec.rules.messages import rule_text
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    from smartspec.rules.context import Context

if TYPE_CHECKING:
    Severity = Literal["error", "warn", "off"]
else:
    # At run time a severity is a plain string: the three words are the type checker's.
    Severity = str
SEVERITIES: tuple[Severity, ...] = ("error", "warn", "off")


class Finding(NamedTuple):
    """One problem in one spec. ``line`` is 1-based, or None when the problem has no single
    place (a section that is missing entirely). ``message`` is English; ``message_id`` and
    ``args`` let a renderer show it in another language (see ``messages``)."""

    rule: str  # the config name, e.g. "queue-metrics"
    code: str  # the stable id, e.g. "SS002"
    severity: Literal["error", "warn"]
    message: str
    line: int | None = None
    hint: str = ""
    message_id: str = ""
    args: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"rule": self.rule, "code": self.code, "severity": self.severity,
                "message": self.message, "line": self.line, "hint": self.hint}


class Hit(NamedTuple):
    """What a check reports: a 0-based line (or None), a message id from ``messages`` and the
    values that fill it."""

    line: int | None
    message_id: str
    args: Mapping[str, str]


class Skip(Exception):
    """Raised by a check that cannot run on this spec (no settings comment, no index, no
    registry entry): the rule is reported as skipped, neither passed nor failed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


Check = Callable[["Context"], Iterable[Hit]]


class Rule(NamedTuple):
    code: str
    name: str
    severity: Severity  # the default; config and --strict adjust it
    description: str  # one line, for --help, SARIF and docs
    hint: str  # how to fix it, one line
    passed: str  # shown on a PASS line: "All critical sections present"
    check: Check

    @property
    def hint_th(self) -> str:
        """The fix hint in Thai ("" when the catalogue has none), read when it is shown."""
        return rule_text("rule_hints", self.name, "th")

    @property
    def passed_th(self) -> str:
        """The PASS line in Thai ("" when the catalogue has none), read when it is shown."""
        return rule_text("rule_passed", self.name, "th")


class RuleSet:
    """The registry. Codes and names are unique: a second rule with either is a bug, so
    registering it raises at import time rather than shadowing the first one."""

    def __init__(self) -> None:
        self._by_code: dict[str, Rule] = {}
        self._by_name: dict[str, Rule] = {}

    def register(self, rule: Rule) -> Rule:
        if rule.code in self._by_code:
            raise ValueError(f"rule code {rule.code} is already registered "
                             f"(by {self._by_code[rule.code].name})")
        if rule.name in self._by_name:
            raise ValueError(f"rule name {rule.name!r} is already registered "
                             f"(as {self._by_name[rule.name].code})")
        if rule.severity not in SEVERITIES:
            raise ValueError(f"rule {rule.name}: default severity must be one of "
                             f"{', '.join(SEVERITIES)}, not {rule.severity!r}")
        self._by_code[rule.code] = rule
        self._by_name[rule.name] = rule
        return rule

    def rule(self, code: str, name: str, *, severity: Severity, description: str, hint: str,
             passed: str) -> Callable[[Check], Check]:
        """Decorator form of ``register`` for a check function."""

        def decorate(check: Check) -> Check:
            self.register(Rule(code, name, severity, description, hint, passed, check))
            return check

        return decorate

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._by_code.values(), key=lambda r: r.code))

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, name_or_code: object) -> bool:
        return name_or_code in self._by_name or name_or_code in self._by_code

    def __getitem__(self, name_or_code: str) -> Rule:
        found = self._by_name.get(name_or_code) or self._by_code.get(name_or_code)
        if found is None:
            raise KeyError(name_or_code)
        return found

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(rule.name for rule in self)


RULES = RuleSet()
