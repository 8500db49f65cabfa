"""Coverage of a spec by the tasks.md beside it (``smartspec tasks`` writes one; a person may
write or change it): every spec item is named by a task, and every task names a spec item.

Requirement ids come from ``smartspec.delivery.items``, the same reader ``smartspec tasks``
uses, so the ids compared here are the ids tasks.md was written with. A spec with no tasks.md
beside it skips the rules: not every spec is planned yet.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator

from smartspec.fsutil import spelled
from smartspec.rules.base import RULES, Hit, Skip
from smartspec.rules.context import Context
from smartspec.rules.messages import rule_words

TYPE_CHECKING = False
if TYPE_CHECKING:
    from smartspec.delivery.items import Item

TASKS_FILE = "tasks.md"


def _tasks_text(ctx: Context) -> tuple[str, str]:
    """(tasks.md's text, how to name it) beside the spec, or Skip. Looked for once per spec
    for both coverage rules."""
    found = ctx.once("tasks-file", _read_tasks)
    if isinstance(found, Skip):
        raise Skip(found.reason)
    return found


def _read_tasks(ctx: Context) -> tuple[str, str] | Skip:
    """tasks.md beside the spec, or the Skip that says why there is none to read. One stat
    on a string path: this runs for every spec validated, and most have no tasks.md, so
    pathlib's objects and its two stats (``is_file``, then the open) are most of the cost."""
    folder, name = os.path.split(ctx.path)
    tasks = os.path.join(folder, TASKS_FILE)
    try:
        regular = bool(name) and stat.S_ISREG(os.stat(tasks).st_mode)
    except (OSError, ValueError):  # missing, or a path the system cannot name
        regular = False
    if not regular:
        return Skip(f"no {TASKS_FILE} beside the spec")
    shown = spelled(tasks).replace(os.sep, "/")
    try:
        with open(tasks, encoding="utf-8-sig") as handle:
            return handle.read(), shown
    except (OSError, UnicodeDecodeError) as exc:
        return Skip(f"{shown} cannot be read ({exc})")


def _spec_items(ctx: Context) -> list[Item]:
    """The spec's requirement items as ``smartspec tasks`` reads them; read once per spec
    for both coverage rules (reading them re-scans the whole spec)."""
    from smartspec.delivery.items import read_facts

    return ctx.once("delivery-items",
                    lambda ctx: list(read_facts(ctx.raw, ctx.path).items))


@RULES.rule(
    "SS301", "task-coverage", severity="warn",
    description="With a tasks.md beside the spec, every spec item (endpoint, entity, service, "
                "consumer, critical section, test requirement) is named by a task.",
    **rule_words("task-coverage")
)
def task_coverage(ctx: Context) -> Iterator[Hit]:
    text, shown = _tasks_text(ctx)  # skips the rule first when there is no tasks.md
    # Imported only now: most specs have no tasks.md, and the delivery readers are heavy.
    from smartspec.delivery.tasks import covered_ids

    covered = covered_ids(text)
    for item in _spec_items(ctx):
        if item.rid not in covered:
            yield Hit(item.line, "coverage-uncovered",
                      {"rid": item.rid, "title": item.title, "tasks": shown})


@RULES.rule(
    "SS302", "task-dangling", severity="warn",
    description="With a tasks.md beside the spec, every task names a requirement the spec "
                "defines.",
    **rule_words("task-dangling")
)
def task_dangling(ctx: Context) -> Iterator[Hit]:
    text, shown = _tasks_text(ctx)  # skips the rule first when there is no tasks.md
    from smartspec.delivery.tasks import task_lines

    known = {item.rid for item in _spec_items(ctx)}
    for index, _, tid, rid in task_lines(text):
        if rid is not None and rid not in known:
            yield Hit(None, "coverage-dangling", {"task": tid, "tasks": shown,
                                                   "line": str(index + 1), "rid": rid})
