"""The typed model of a smartspec config file: the documented keys plus ``keywords`` and ``language``.

msgspec decodes and validates a file in one step and names the key path of any error; it
also derives the JSON Schema that ``smartspec config --schema`` prints. This module is only
imported when a config file exists or the schema is asked for, so plain runs skip its cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

import msgspec

from smartspec.options import (
    DI_LEVELS,
    DOMAINS,
    LANGUAGES,
    MODES,
    PERFORMANCE_LEVELS,
    PROFILES,
    SECURITY_LEVELS,
)

if TYPE_CHECKING:
    Profile = str
    Mode = str
    Security = str
    DI = str
    Performance = str
    Domain = str
    Language = str
else:
    # Built from the vocabularies in options, so a new profile, level, domain or language needs
    # no second edit here; msgspec and the printed JSON Schema see the same Literals as if
    # they were spelled out.
    Profile = Literal[PROFILES]
    Mode = Literal[MODES]
    Security = Literal[SECURITY_LEVELS]
    DI = Literal[DI_LEVELS]
    Performance = Literal[PERFORMANCE_LEVELS]
    Domain = Literal[DOMAINS]
    Language = Literal[LANGUAGES]

Severity = Literal["error", "warn", "off"]


class _Model(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, rename="camel"):
    pass


class Defaults(_Model):
    profile: Profile | None = None
    mode: Mode | None = None
    security: Security | None = None
    di: DI | None = None
    performance: Performance | None = None
    domain: Domain | list[Domain] | None = None
    category: str | None = None
    specs_dir: str | None = None


class Organization(_Model):
    name: str | None = None
    default_author: str | None = None
    repo: str | None = None


class ProfileConfig(_Model):
    include_sections: list[str] | None = None
    exclude_sections: list[str] | None = None
    security: Security | None = None
    di: DI | None = None
    performance: Performance | None = None
    mandatory: list[Literal["di", "security", "performance"]] | None = None


class DomainConfig(_Model):
    auto_include: list[str] | None = None
    compliance: list[str] | None = None
    security: Security | None = None
    performance: Performance | None = None


class Validation(_Model):
    enabled: bool | None = None
    rules: dict[str, Severity] | None = None


class Output(_Model):
    create_backups: bool | None = None
    generate_reports: bool | None = None
    output_dir: str | None = None
    keep_backups: int | None = None


Positive = Annotated[float, msgspec.Meta(gt=0)]
Percent = Annotated[float, msgspec.Meta(ge=0, le=100)]
Complexity = Literal["simple", "medium", "complex", "very-complex"]


class Timeline(_Model):
    """The inputs of plan.md's timeline formula (smartspec.delivery.timeline)."""

    base_weeks: dict[Complexity, Positive] | None = None
    domain_factors: dict[Domain, Positive] | None = None
    service_step: Annotated[float, msgspec.Meta(ge=0)] | None = None
    buffer_min: Percent | None = None
    buffer_max: Percent | None = None


class Delivery(_Model):
    timeline: Timeline | None = None


class IndexConfig(_Model):
    # The shape ``index --check`` expects of spec ids (a Python regular expression); an id of
    # another shape is reported as a bad-id warning.
    id_pattern: str | None = None


class ConfigFile(_Model):
    version: str | None = None
    defaults: Defaults | None = None
    organization: Organization | None = None
    profiles: dict[Profile, ProfileConfig] | None = None
    domains: dict[Domain, DomainConfig] | None = None
    validation: Validation | None = None
    output: Output | None = None
    keywords: dict[str, list[str]] | None = None
    language: Language | None = None
    critical_sections: list[str] | None = None
    delivery: Delivery | None = None
    index: IndexConfig | None = None
    schema_: str | None = msgspec.field(default=None, name="$schema")


def decode(data: bytes) -> ConfigFile:
    return msgspec.json.decode(data, type=ConfigFile)


def json_schema() -> dict[str, object]:
    schema = msgspec.json.schema(ConfigFile)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://smartspec.dev/schema/config.json",
        "title": "smartspec configuration (smartspec.config.json, .smartspec/config.json)",
        **schema,
    }
