"""The vocabularies of the product and the ``Options`` record of one request.

Every user choice is a field; ``None`` means "not given", so that config and defaults can fill
it and the report can say where each value came from.
"""

from __future__ import annotations

from smartspec.errors import UsageError
from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PROFILES = ("basic", "backend-service", "financial", "full")
MODES = ("standard", "compact")
SECURITY_LEVELS = ("none", "basic", "stride-basic", "stride-full", "auto")
DI_LEVELS = ("none", "minimal", "full", "auto")
PERFORMANCE_LEVELS = ("none", "basic", "full", "auto")
DOMAINS = ("healthcare", "iot", "logistics", "ai", "fintech", "saas", "internal")
LANGUAGES = ("en", "th")
FORCE_UPDATE_KEYS = ("all", "none", "stride", "config", "di", "monitoring")
DEFAULT_CATEGORIES = ("core", "feature", "infrastructure", "tools", "integration", "platform")

# Ordered weakest to strongest, so "at least" and "at most" adjustments can compare levels.
LEVEL_ORDER = {
    "security": ("none", "basic", "stride-basic", "stride-full"),
    "di": ("none", "minimal", "full"),
    "performance": ("none", "basic", "full"),
}


def nearest(value: str, choices: tuple[str, ...] | list[str]) -> str | None:
    import difflib  # only a mistyped value needs it; every command imports this module

    found = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.5)
    return found[0] if found else None


def check_choice(flag: str, value: str, choices: tuple[str, ...] | list[str]) -> str:
    """``value`` if it is one of ``choices``, else a UsageError naming the flag and the nearest."""
    if value in choices:
        return value
    hint = nearest(value, choices)
    did_you_mean = f" (did you mean {hint!r}?)" if hint else ""
    raise UsageError(
        f"{flag}: {value!r} is not a valid value; expected one of {', '.join(choices)}{did_you_mean}"
    )


def split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


class Options(NamedTuple):
    """One request, as the user gave it. ``None`` = not given."""

    name: str | None = None
    description: str | None = None
    profile: str | None = None
    mode: str | None = None
    security: str | None = None
    di: str | None = None
    performance: str | None = None
    domains: tuple[str, ...] | None = None
    force_update: tuple[str, ...] | None = None
    no_backup: bool | None = None
    no_report: bool | None = None
    output_dir: str | None = None
    validate_consistency: bool | None = None
    no_validation: bool | None = None
    specindex: str | None = None
    nogenerate: bool | None = None
    category: str | None = None
    spec_id: str | None = None
    title: str | None = None
    depends_on: tuple[str, ...] | None = None
    specs_dir: str | None = None
    lang: str | None = None
    json: bool | None = None
    yes: bool | None = None
    model_file: str | None = None  # new --model FILE: the system model to write from
    replace_description: bool | None = None  # edit: the words replace the description

    def given(self) -> dict[str, Any]:
        """The fields the user set, for provenance and the trace."""
        return {name: value for name, value in zip(self._fields, self, strict=True)
                if value is not None}
