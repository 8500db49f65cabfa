"""``smartspec new`` and ``smartspec generate`` (the reference's NEW and $ARGUMENTS forms):
words in, a call to ``runs/new.py`` (or ``runs/arguments.py`` to route the free text), output."""

from __future__ import annotations

from typing import Any

import click

from smartspec.commands.calls import new_call
from smartspec.commands.common import with_flags
from smartspec.commands.flags import NEW_FLAGS


@click.command("new", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("name")
@click.argument("description", required=False)
@with_flags(NEW_FLAGS)
def new_command(name: str, description: str | None, model_file: str | None,
                **kwargs: Any) -> int:
    """Create a SPEC named NAME from a DESCRIPTION and flags.

    \b
    Examples:
      smartspec new payment-processing "Card and PromptPay payments with a PostgreSQL
        ledger, Redis queue and the Stripe API" --profile=financial --domain=fintech
      smartspec new report-exporter --profile=basic --mode=compact --no-di
      smartspec new user-service --profile=backend-service --security=basic
    """
    return new_call(name, description, model_file, **kwargs)


@click.command("generate", context_settings={
    "ignore_unknown_options": True, "allow_extra_args": True,
    "help_option_names": ["-h", "--help"]})
@click.argument("words", nargs=-1, type=click.UNPROCESSED, required=True)
@click.pass_context
def generate_command(ctx: click.Context, words: tuple[str, ...]) -> int:
    """The reference's $ARGUMENTS form: free text and flags in one string.

    A path to an existing .md file means EDIT; anything else means NEW.

    \b
    Examples:
      smartspec generate "Create SPEC for payment system --profile=financial"
      smartspec generate "specs/feature/spec-004/spec.md --force-update=stride,config"
    """
    from smartspec.runs.arguments import route

    routed = route(words)
    command: click.Command = new_command
    if routed.command == "edit":
        # The edit command, from the command line this run came through (it loads on use).
        found = ctx.find_root().command.get_command(ctx, "edit")  # type: ignore[attr-defined]
        assert isinstance(found, click.Command)
        command = found
    # prog_name is the command the user typed: errors read "smartspec generate: ...".
    return int(command.main(args=routed.args, prog_name="generate", standalone_mode=False) or 0)
