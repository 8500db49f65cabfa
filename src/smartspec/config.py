"""Settings: built-in defaults <- organisation config <- project config <- flags, with provenance.

design.md §4: ``.smartspec/config.json`` (organisation) is overridden by ``smartspec.config.json``
(project), which is overridden by flags. Every resolved value remembers its source so that
``config --show-origin`` and the generation report can say where it came from.
"""

from __future__ import annotations

import functools
import json
import os
import stat
from collections.abc import Mapping

from smartspec.errors import ConfigError, UsageError
from smartspec.fsutil import CONFIG_FILE, STATE_DIR, StrPath, find_root, inside_root, shown_path
from smartspec.options import Options
from smartspec.tuples import Generic, NamedTuple, TypeVar

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

T = TypeVar("T")

DEFAULT = "default"
ORG = "org config"
PROJECT = "project config"
FLAG = "flag"
ENV = "environment"
SPEC = "spec"

# Settings an existing spec's settings comment supplies on edit/regenerate (design.md §5):
# settings-comment field -> scalar setting. They rank above config and below flags.
SPEC_LAYER: dict[str, str] = {
    "profile": "profile", "mode": "mode", "security": "security", "di": "di",
    "performance": "performance", "domains": "domains", "category": "category",
    "author": "author", "repo": "repo",
}

DEFAULT_AUTHOR = "SmartSpec Architect v5.0"
DEFAULT_KEEP_BACKUPS = 20


# NamedTuples and a plain slotted class rather than dataclasses: every command reads its
# settings, and a dataclass costs about half a millisecond of import to build.
class Sourced(NamedTuple, Generic[T]):
    value: T
    source: str  # one of DEFAULT, ORG, PROJECT, SPEC, FLAG, ENV
    where: str = ""  # file and key path, flag spelling, or variable name

    def describe(self) -> str:
        return f"{self.source} ({self.where})" if self.where else self.source


class ProfileOverride(NamedTuple):
    include_sections: tuple[str, ...] = ()
    exclude_sections: tuple[str, ...] = ()
    security: Sourced[str] | None = None
    di: Sourced[str] | None = None
    performance: Sourced[str] | None = None
    mandatory: tuple[str, ...] = ()


class DomainOverride(NamedTuple):
    auto_include: tuple[str, ...] = ()
    compliance: tuple[str, ...] = ()
    security: Sourced[str] | None = None
    performance: Sourced[str] | None = None


class Settings:
    """Everything resolved for one run. ``values`` holds the scalar settings with provenance."""

    __slots__ = ("config", "critical_names", "domains", "files", "keywords", "profiles", "root",
                 "state_dir", "validation_rules", "values")

    def __init__(self, root: str, state_dir: str, values: dict[str, Sourced[Any]],
                 files: tuple[str, ...] = (), config: ConfigFiles | None = None) -> None:
        self.root = root
        self.state_dir = state_dir
        self.values = values
        self.profiles: dict[str, ProfileOverride] = {}
        self.domains: dict[str, DomainOverride] = {}
        self.validation_rules: dict[str, Sourced[str]] = {}
        self.keywords: dict[str, tuple[str, ...]] = {}
        self.critical_names: tuple[str, ...] = ("security", "config", "di", "monitoring")
        self.files = files
        # The config files as read, so that a run that settles its settings again (edit,
        # with the spec's own layer) layers them without reading or checking them again.
        self.config = config

    def __repr__(self) -> str:
        return f"Settings(root={self.root!r}, state_dir={self.state_dir!r}, values={self.values!r})"

    def __getitem__(self, key: str) -> Any:
        return self.values[key].value

    def source(self, key: str) -> Sourced[Any]:
        return self.values[key]


# Scalar settings: name -> (default, path in the config file, Options field or None).
SCALARS: dict[str, tuple[Any, tuple[str, ...], str | None]] = {
    "profile": ("full", ("defaults", "profile"), "profile"),
    "mode": ("standard", ("defaults", "mode"), "mode"),
    "security": ("auto", ("defaults", "security"), "security"),
    "di": ("auto", ("defaults", "di"), "di"),
    "performance": ("auto", ("defaults", "performance"), "performance"),
    "domains": ((), ("defaults", "domain"), "domains"),
    "category": ("feature", ("defaults", "category"), "category"),
    "specs_dir": ("specs", ("defaults", "specsDir"), "specs_dir"),
    "author": (DEFAULT_AUTHOR, ("organization", "defaultAuthor"), None),
    "organization": ("", ("organization", "name"), None),
    "repo": ("", ("organization", "repo"), None),
    "create_backups": (True, ("output", "createBackups"), None),
    "generate_reports": (True, ("output", "generateReports"), None),
    "output_dir": (STATE_DIR, ("output", "outputDir"), "output_dir"),
    "keep_backups": (DEFAULT_KEEP_BACKUPS, ("output", "keepBackups"), None),
    "validation_enabled": (True, ("validation", "enabled"), None),
    "lang": ("en", ("language",), "lang"),
    "delivery_timeline": ({}, ("delivery", "timeline"), None),
    "index_id_pattern": (None, ("index", "idPattern"), None),
}

FLAG_SPELLING = {
    "domains": "--domain", "specs_dir": "--specs-dir", "output_dir": "--output-dir",
}


class ConfigFiles(NamedTuple):
    """The project root and its config files as read and checked: (source, path, data) for
    each file present, lowest precedence first."""

    root: str
    layers: tuple[tuple[str, str, dict[str, Any]], ...]


def read_config_files(cwd: StrPath | None = None) -> ConfigFiles:
    """Discover the root from ``cwd`` and read both config files (the organisation's, then
    the project's) that exist there."""
    root = find_root(cwd)
    layers = []
    for source, path in ((ORG, os.path.join(root, STATE_DIR, "config.json")),
                         (PROJECT, os.path.join(root, CONFIG_FILE))):
        if os.path.lexists(path):
            layers.append((source, path, _read_config(path, root)))
    return ConfigFiles(root, tuple(layers))


def load_settings(options: Options | None = None, *, cwd: StrPath | None = None,
                  environ: dict[str, str] | None = None,
                  spec_settings: Mapping[str, Any] | None = None,
                  spec_where: str = "settings comment",
                  config: ConfigFiles | None = None) -> Settings:
    """Discover the root, read both config files and merge every layer with its source.

    ``spec_settings`` (edit, regenerate) is the settings comment of the spec being edited: its
    values rank above both config files and below flags, with source ``spec`` and
    ``spec_where`` (the file and line) as where they came from. ``config`` is what
    ``read_config_files`` gave earlier in the same run (``Settings.config``): the files are
    then not found and read again (``cwd`` is not needed).
    """
    options = options or Options()
    spec_values = {SPEC_LAYER[name]: value for name, value in (spec_settings or {}).items()
                   if name in SPEC_LAYER and value not in (None, "")}
    env = os.environ if environ is None else environ
    if config is None:
        config = read_config_files(cwd)
    root, layers = config

    values: dict[str, Sourced[Any]] = {}
    for key, (default, path_in_file, option_field) in SCALARS.items():
        chosen: Sourced[Any] = Sourced(default, DEFAULT)
        for source, file, data in layers:
            found = _dig(data, path_in_file)
            if found is not None:
                if key == "domains" and isinstance(found, str):
                    found = (found,)
                elif key == "domains":
                    found = tuple(found)
                chosen = Sourced(found, source, f"{shown_path(file, root)}: {'.'.join(path_in_file)}")
        if key in spec_values:
            found = spec_values[key]
            chosen = Sourced(tuple(found) if key == "domains" else found, SPEC, spec_where)
        if key == "lang" and chosen.source == DEFAULT:
            lang_env = env.get("LANG", "") or env.get("LC_ALL", "")
            if lang_env.lower().startswith("th"):
                chosen = Sourced("th", ENV, f"LANG={lang_env}")
        if option_field is not None:
            given = getattr(options, option_field)
            if given is not None:
                chosen = Sourced(given, FLAG, FLAG_SPELLING.get(key, "--" + key.replace("_", "-")))
        values[key] = chosen
    if options.no_backup:
        values["create_backups"] = Sourced(False, FLAG, "--no-backup")
    if options.no_report:
        values["generate_reports"] = Sourced(False, FLAG, "--no-report")
    if options.no_validation:
        values["validation_enabled"] = Sourced(False, FLAG, "--no-validation")

    for key in ("output_dir", "specs_dir"):
        given = values[key]
        if not isinstance(given.value, str) or not given.value.strip():
            # An empty folder name resolves to the root itself: state files would land
            # among the project's own files.
            raise UsageError(f"{given.where or key}: the {key.replace('_', ' ')} is empty; "
                             f"expected a folder name such as {SCALARS[key][0]!r}")
    output_dir = values["output_dir"]
    state_dir = inside_root(root, output_dir.value, what=f"output dir (from {output_dir.describe()})")

    settings = Settings(root=root, state_dir=state_dir, values=values,
                        files=tuple(path for _, path, _ in layers), config=config)
    critical = list(settings.critical_names)
    for source, file, data in layers:
        where = shown_path(file, root)
        for name, body in (data.get("profiles") or {}).items():
            settings.profiles[name] = _merge_profile(settings.profiles.get(name), body, source, where, name)
        for name, body in (data.get("domains") or {}).items():
            settings.domains[name] = _merge_domain(settings.domains.get(name), body, source, where, name)
        for rule, severity in ((data.get("validation") or {}).get("rules") or {}).items():
            settings.validation_rules[rule] = Sourced(severity, source, f"{where}: validation.rules.{rule}")
        for group, words in (data.get("keywords") or {}).items():
            settings.keywords[group] = tuple(dict.fromkeys((*settings.keywords.get(group, ()), *words)))
        for name in data.get("criticalSections") or ():
            if name not in critical:
                critical.append(name)
    settings.critical_names = tuple(critical)
    return settings


def _read_config(path: str, root: str) -> dict[str, Any]:
    """Parse and validate one config file; errors name the file, line:column or key path."""
    shown = shown_path(path, root)
    try:
        kind = os.stat(path).st_mode
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot be read ({exc.strerror}); expected a JSON file") from None
    if not stat.S_ISREG(kind):
        # A folder or a FIFO in the config's place is a mistake to report, not to skip (and
        # opening a FIFO would wait forever).
        what = "a folder" if stat.S_ISDIR(kind) else "not a regular file"
        raise ConfigError(f"{shown}: is {what}; expected a JSON config file")
    try:
        # utf-8-sig: editors on Windows save JSON with a byte-order mark.
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{shown}: not UTF-8 text (byte {exc.start}); expected a JSON file") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot be read ({exc.strerror})") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{shown}: line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg})"
        ) from None
    except RecursionError:
        raise ConfigError(f"{shown}: nested too deeply to be a smartspec config; expected the "
                          "shape 'smartspec config --schema' prints") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{shown}: expected a JSON object at the top level, got {type(raw).__name__}")
    if not _conforms(raw, _SCHEMA_ROOT):
        # Only msgspec says what is wrong (or, for what the check leaves to it, whether
        # anything is): the model is the one judge of a config file.
        import msgspec

        from smartspec import config_model

        try:
            msgspec.convert(raw, config_model.ConfigFile)
        except msgspec.ValidationError as exc:
            message = str(exc)
            if "[...]" in message:
                message = _name_map_keys(raw, message)
            raise ConfigError(f"{shown}: {_explain(message)}") from None
    timeline = (raw.get("delivery") or {}).get("timeline") or {}
    if timeline.get("bufferMin", 0) > timeline.get("bufferMax", 100):
        raise ConfigError(f"{shown}: at delivery.timeline: bufferMin ({timeline['bufferMin']}) "
                          f"is above bufferMax ({timeline['bufferMax']}); expected min <= max")
    pattern = (raw.get("index") or {}).get("idPattern")
    if pattern is not None:
        import re

        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{shown}: at index.idPattern: {pattern!r} is not a valid regular "
                              f"expression ({exc}); expected e.g. "
                              "'^[A-Z]+-[0-9]{3}(-[a-z0-9-]+)?$'") from None
    groups = raw.get("keywords") or {}
    if groups:
        # Every group a config may extend: the plan's and the domain packs' too, which only
        # the description scanner loads.
        from smartspec.detect import KEYWORD_GROUPS

        for group in groups:
            if group not in KEYWORD_GROUPS:
                raise ConfigError(
                    f"{shown}: at keywords.{group}: unknown keyword group; expected one of "
                    f"{', '.join(sorted(KEYWORD_GROUPS))}"
                )
    return raw


# A config file that conforms to the model's JSON Schema (``config_schema.json``, which msgspec
# derives from ``config_model`` and ``smartspec config --schema`` prints) is one msgspec
# accepts, so it is accepted without importing msgspec: that import (typing_extensions,
# inspect, uuid, decimal) costs more than a whole one-spec validate does otherwise. The check
# knows only the keywords msgspec writes for this model and answers "not known to conform" for
# anything else (another keyword, a float that is not finite), which msgspec then decides.
_SCHEMA_ROOT = {"$ref": "#/$defs/ConfigFile"}
_ANNOTATIONS = frozenset({"title", "description", "default", "$schema", "$id", "$defs"})
_REF_PREFIX = "#/$defs/"


def _conforms(value: Any, schema: Mapping[str, Any]) -> bool:
    """Whether ``value`` (as json.loads gives it) conforms to ``schema``, a part of the
    config's JSON Schema; False also for a schema keyword not known here."""
    ref = schema.get("$ref")
    if ref is not None:
        target = _schema_defs().get(ref[len(_REF_PREFIX):]) if ref.startswith(_REF_PREFIX) else None
        return target is not None and len(schema) == 1 and _conforms(value, target)
    options = schema.get("anyOf")
    if options is not None:
        return any(_conforms(value, option) for option in options)
    choices = schema.get("enum")
    if choices is not None:
        return any(type(value) is type(choice) and value == choice for choice in choices)
    if not _ANNOTATIONS.issuperset(key for key in schema if key not in _TYPE_KEYWORDS):
        return False
    kind = schema.get("type")
    if kind == "object":
        return type(value) is dict and _object_conforms(value, schema)
    if kind == "array":
        items = schema.get("items", {})
        return type(value) is list and all(_conforms(item, items) for item in value)
    if kind == "string":
        return type(value) is str
    if kind == "boolean":
        return type(value) is bool
    if kind == "null":
        return value is None
    if kind == "integer" or kind == "number":
        if kind == "integer":
            known = type(value) is int
        else:
            # A float that is not finite, or an integer a float cannot hold exactly (msgspec
            # refuses one beyond a float's range), is left to msgspec.
            known = ((type(value) is float and -_INF < value < _INF)
                     or (type(value) is int and -_EXACT < value < _EXACT))
        return (known and value >= schema.get("minimum", value)
                and value <= schema.get("maximum", value)
                and ("exclusiveMinimum" not in schema or value > schema["exclusiveMinimum"]))
    return False


_TYPE_KEYWORDS = frozenset({"type", "properties", "required", "additionalProperties",
                            "propertyNames", "items", "minimum", "maximum", "exclusiveMinimum"})
_INF = float("inf")
_EXACT = 2**53


def _object_conforms(value: dict[str, Any], schema: Mapping[str, Any]) -> bool:
    properties = schema.get("properties", {})
    others = schema.get("additionalProperties", {})
    names = schema.get("propertyNames")
    if not all(name in value for name in schema.get("required", ())):
        return False
    for key, item in value.items():
        if names is not None and not _conforms(key, names):
            return False
        known = properties.get(key)
        if known is not None:
            if not _conforms(item, known):
                return False
        elif others is False or not _conforms(item, others):
            return False
    return True


@functools.cache
def _schema_defs() -> dict[str, Any]:
    from smartspec.packagedata import read_data

    defs: dict[str, Any] = json.loads(read_data("config_schema.json"))["$defs"]
    return defs


def _name_map_keys(raw: dict[str, Any], message: str) -> str:
    """msgspec writes a failing map value's key as ``[...]``; find the key by converting the
    file again with only one entry of that map at a time."""
    import copy

    import msgspec

    from smartspec import config_model

    problem, _, where = message.partition(" - at ")
    path = where.strip("`").removeprefix("$.")
    head, _, tail = path.partition("[...]")
    parts = head.split(".")
    container: Any = raw
    for part in parts:
        container = container.get(part) if isinstance(container, dict) else None
    if not isinstance(container, dict):
        return message
    for key in container:
        trial = copy.deepcopy(raw)
        node = trial
        for part in parts:
            node = node[part]
        for other in [k for k in node if k != key]:
            del node[other]
        try:
            msgspec.convert(trial, config_model.ConfigFile)
        except msgspec.ValidationError:
            return f"{problem} - at `$.{head}.{key}{tail}`"
    return message


def _explain(message: str) -> str:
    """Reword msgspec's '<problem> - at `$.a.b`' as 'at a.b: <problem>' with the valid values."""
    from smartspec import options as vocab

    problem, _, where = message.partition(" - at ")
    path = where.strip("`").removeprefix("$.").removeprefix("$")
    if where.startswith("`key` in "):
        path = where.removeprefix("`key` in ").strip("`").removeprefix("$.") + " (a key)"
    enums = {
        "profile": vocab.PROFILES, "profiles (a key)": vocab.PROFILES, "mode": vocab.MODES,
        "security": vocab.SECURITY_LEVELS, "di": vocab.DI_LEVELS,
        "performance": vocab.PERFORMANCE_LEVELS, "domain": vocab.DOMAINS,
        "domains (a key)": vocab.DOMAINS, "language": vocab.LANGUAGES,
        "mandatory": ("di", "security", "performance"),
    }
    last = path.rsplit(".", 1)[-1].split("[")[0]
    if problem.startswith("Invalid enum value"):
        choices = enums.get(path if "(a key)" in path else last)
        if choices is None and path.startswith("validation.rules"):
            choices = ("error", "warn", "off")
        if choices:
            problem += f"; expected one of {', '.join(choices)}"
    elif problem.startswith("Object contains unknown field"):
        problem = problem.replace("Object contains unknown field", "unknown key")
    location = f"at {path}: " if path else ""
    return f"{location}{problem}"


def _levels(body: dict[str, Any], keys: tuple[str, ...], old: Any, source: str,
            where: str) -> dict[str, Sourced[str] | None]:
    """The level keys of one profiles.X / domains.X block, each with its source; a key the
    block does not set keeps the lower layer's value."""
    return {key: Sourced(body[key], source, f"{where}.{key}") if body.get(key)
            else getattr(old, key) for key in keys}


def _merge_profile(old: ProfileOverride | None, body: dict[str, Any], source: str,
                   where: str, name: str) -> ProfileOverride:
    old = old or ProfileOverride()
    return ProfileOverride(
        include_sections=tuple(body.get("includeSections", old.include_sections)),
        exclude_sections=tuple(body.get("excludeSections", old.exclude_sections)),
        mandatory=tuple(body.get("mandatory", old.mandatory)),
        **_levels(body, ("security", "di", "performance"), old, source,
                  f"{where}: profiles.{name}"),
    )


def _merge_domain(old: DomainOverride | None, body: dict[str, Any], source: str,
                  where: str, name: str) -> DomainOverride:
    old = old or DomainOverride()
    return DomainOverride(
        auto_include=tuple(body.get("autoInclude", old.auto_include)),
        compliance=tuple(body.get("compliance", old.compliance)),
        **_levels(body, ("security", "performance"), old, source, f"{where}: domains.{name}"),
    )


def _dig(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = data
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


