"""``smartspec new`` and ``smartspec generate`` (the reference's NEW and $ARGUMENTS forms)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from smartspec.commands.common import confirm_on_terminal, emit, options_from, spec_options
from smartspec.errors import UsageError


@click.command("new", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("name")
@click.argument("description", required=False)
@spec_options
@click.option("--model", "model_file", default=None, metavar="FILE",
              help="Write the spec from this system model (JSON, or YAML with PyYAML); "
                   "see 'smartspec model --schema'.")
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
    from smartspec.runs.new import generate

    options = options_from(kwargs, name=name, description=description, model_file=model_file)
    outcome = generate(options, confirm=confirm_on_terminal(options))
    return emit(outcome, options)


# Flags of the $ARGUMENTS form that take a value (all others are switches).
VALUE_FLAGS = frozenset({
    "--profile", "--mode", "--security", "--di", "--performance", "--domain", "--force-update",
    "--output-dir", "--specindex", "--category", "--id", "--title", "--depends-on",
    "--specs-dir", "--lang",
})
# A flag inside free text: --name, --name=value, --name="quoted value".
FLAG_RE = re.compile(r"""(?<!\S)(--[a-z][a-z-]*)(?:=("[^"]*"|'[^']*'|\S+))?""")
# "Create SPEC for ...", "Create a spec for ...", "สร้าง SPEC สำหรับ ..."
CREATE_PREFIX_RE = re.compile(
    r"^\s*(?:create|generate|write|new)\s+(?:a\s+|an\s+)?spec(?:ification)?\s+(?:for|of|about)\s+"
    r"|^\s*สร้าง\s*spec\s*(?:สำหรับ)?\s*",
    re.IGNORECASE,
)
# Where the title ends inside the free text: punctuation or a connecting word.
TITLE_END_RE = re.compile(
    r"[.,;:(]|\s(?:with|using|that|which|for|on|in|via|backed)\s|\s[-–]\s", re.IGNORECASE
)


def split_arguments(words: tuple[str, ...]) -> tuple[str, list[str]]:
    """Free text and flags from the $ARGUMENTS words: flags may stand anywhere in the text."""
    text = " ".join(words)
    flags: list[str] = []
    pieces: list[str] = []
    position = 0
    matches = list(FLAG_RE.finditer(text))
    skip_until = -1
    for match in matches:
        if match.start() < skip_until:
            continue
        pieces.append(text[position:match.start()])
        flag, value = match.group(1), match.group(2)
        position = match.end()
        if value is not None:
            flags.append(f"{flag}={value.strip(chr(34) + chr(39))}")
        elif flag in VALUE_FLAGS:
            rest = re.match(r"""\s+("[^"]*"|'[^']*'|\S+)""", text[position:])
            if rest is None:
                raise UsageError(f"{flag} needs a value")
            flags.extend([flag, rest.group(1).strip(chr(34) + chr(39))])
            position += rest.end()
            skip_until = position
        else:
            flags.append(flag)
    pieces.append(text[position:])
    free = _unquote(" ".join(" ".join(pieces).split()))
    return free, flags


def _unquote(free: str) -> str:
    """The free text without one pair of outer quotes: SmartSpec's documentation writes
    ``generate '"Build a credit purchase system" --profile=financial'``, where the double quotes
    only group the words; they are not part of the title."""
    if len(free) >= 2 and free[0] in "\"'" and free[-1] == free[0] and free[0] not in free[1:-1]:
        return free[1:-1].strip()
    return free


def title_from_request(free: str) -> tuple[str, str]:
    """(name, description) from "Create SPEC for payment system with Stripe"."""
    body = CREATE_PREFIX_RE.sub("", free, count=1).strip()
    if not body:
        raise UsageError(
            "generate: no spec name in the text; expected e.g. "
            "'Create SPEC for payment system --profile=financial'"
        )
    head = TITLE_END_RE.split(body, maxsplit=1)[0].strip()
    words = head.split()[:6] or body.split()[:6]
    return " ".join(words), body


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
    free, flags = split_arguments(words)
    first = free.split(" ", 1)[0] if free else ""
    if first.endswith(".md") and Path(first).is_file():
        # The edit command, from the command line this run came through (it loads on use).
        ctx = click.get_current_context()
        edit = ctx.find_root().command.get_command(ctx, "edit")  # type: ignore[attr-defined]
        assert edit is not None
        rest = free[len(first):].strip()
        args = [first, *([rest] if rest else []), *flags]
        # prog_name is the command the user typed: errors read "smartspec generate: ...".
        return int(edit.main(args=args, prog_name="generate", standalone_mode=False) or 0)
    if first.endswith(".md"):
        raise UsageError(f"generate: {first!r} does not exist; EDIT needs an existing spec file")
    name, description = title_from_request(free)
    argv = [name, description, *flags]
    return int(new_command.main(args=argv, prog_name="generate", standalone_mode=False) or 0)
