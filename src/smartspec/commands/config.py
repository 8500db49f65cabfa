"""``smartspec config``: the resolved configuration, where each value came from, or the schema."""

from __future__ import annotations

import json
from typing import Any

import click


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@click.command("config", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--show-origin", is_flag=True, help="Show where each value comes from.")
@click.option("--schema", is_flag=True, help="Print the JSON Schema (draft 2020-12) of the config file.")
def config_command(show_origin: bool, schema: bool) -> int:
    """Show the resolved configuration of this project.

    Precedence, highest first: flags, smartspec.config.json (project),
    .smartspec/config.json (organisation), built-in defaults.

    \b
    Examples:
      smartspec config
      smartspec config --show-origin
      smartspec config --schema > smartspec.config.schema.json
    """
    if show_origin and schema:
        raise click.UsageError("--show-origin and --schema cannot be combined")
    if schema:
        from smartspec.packagedata import read_data

        # The schema msgspec derives from config_model, as the package ships it (a test keeps
        # the two the same), so that printing it does not import msgspec.
        click.echo(read_data("config_schema.json").decode("utf-8"), nl=False)
        return 0
    from smartspec.config import load_settings

    settings = load_settings()
    if not show_origin:
        data: dict[str, Any] = {key: _plain(s.value) for key, s in settings.values.items()}
        data["root"] = str(settings.root)
        data["state_dir"] = str(settings.state_dir)
        data["validation_rules"] = {k: v.value for k, v in settings.validation_rules.items()}
        data["keywords"] = {k: list(v) for k, v in settings.keywords.items()}
        data["critical_sections"] = list(settings.critical_names)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True))
        return 0
    rows: list[tuple[str, str, str]] = []
    for key, sourced in settings.values.items():
        rows.append((key, json.dumps(_plain(sourced.value), ensure_ascii=False), sourced.describe()))
    for name, sourced in sorted(settings.validation_rules.items()):
        rows.append((f"validation.rules.{name}", sourced.value, sourced.describe()))
    for profile, override in sorted(settings.profiles.items()):
        for kind in ("security", "di", "performance"):
            level = getattr(override, kind)
            if level is not None:
                rows.append((f"profiles.{profile}.{kind}", level.value, level.describe()))
    for domain, dom in sorted(settings.domains.items()):
        for kind in ("security", "performance"):
            level = getattr(dom, kind)
            if level is not None:
                rows.append((f"domains.{domain}.{kind}", level.value, level.describe()))
    width = max(len(r[0]) for r in rows)
    value_width = min(max(len(r[1]) for r in rows), 40)
    click.echo(f"root: {settings.root}")
    click.echo("config files: " + (", ".join(str(p) for p in settings.files) or "none"))
    for key, value, origin in rows:
        click.echo(f"{key:<{width}}  {value:<{value_width}}  {origin}")
    return 0
