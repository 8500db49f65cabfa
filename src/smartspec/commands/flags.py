"""The flags of new, edit and validate as data, and a reader of the plain words that needs no
click.

click takes about as long to import as ``smartspec new`` takes to plan and render a spec, and
the commands run most often (new, edit, a one-spec validate in a pre-commit hook) are almost
always called with plain words. ``read_words`` reads those; anything it is not sure of (help,
a flag it does not know, a value click would refuse, ``--``, a missing argument) gives
``None``, and the command line hands the words to click, which says what is wrong exactly as
it always has. The click commands are built from the same tables, so the two readers cannot
drift apart (tests/unit/test_quick_path.py also compares them).
"""

from __future__ import annotations

from smartspec import options as vocab

# How a flag's value is read. TEXT: any word; CHOICE: one of ``choices``; LIST: a comma list
# (its items from ``choices`` when given), and a LIST flag given twice adds to it
# (``--domain=iot --domain=logistics`` is both); SWITCH: no value; COUNT: a whole number >= 0.
# A flag of any other kind given twice keeps its last value, as click does.
TEXT, CHOICE, LIST, SWITCH, COUNT = "text", "choice", "list", "switch", "count"


class Flag:
    """One option: its spellings, the keyword it fills, how its value is read, its value when
    not given, and the words ``--help`` shows."""

    __slots__ = ("choices", "default", "dest", "help", "kind", "metavar", "opts")

    def __init__(self, opts: tuple[str, ...], dest: str, kind: str, help: str, *,
                 choices: tuple[str, ...] = (), default: object = None,
                 metavar: str | None = None) -> None:
        self.opts = opts
        self.dest = dest
        self.kind = kind
        self.help = help
        self.choices = choices
        self.default = default
        self.metavar = metavar


SPEC_FLAGS: tuple[Flag, ...] = (
    Flag(("--profile",), "profile", CHOICE, "basic, backend-service, financial or full "
         "(default: full).", choices=vocab.PROFILES),
    Flag(("--mode",), "mode", CHOICE, "standard (default) or compact (5 sections).",
         choices=vocab.MODES),
    Flag(("--security",), "security", CHOICE, "Security section level (default: auto).",
         choices=vocab.SECURITY_LEVELS),
    Flag(("--di",), "di", CHOICE, "Dependency-injection section level (default: auto).",
         choices=vocab.DI_LEVELS),
    Flag(("--no-di",), "no_di", SWITCH, "Same as --di=none.", default=False),
    Flag(("--performance",), "performance", CHOICE,
         "Performance section level (default: auto).", choices=vocab.PERFORMANCE_LEVELS),
    Flag(("--domain",), "domains", LIST, "Domain hint(s), one value or a comma list (may be repeated): "
         f"{', '.join(vocab.DOMAINS)}.", choices=vocab.DOMAINS),
    Flag(("--force-update",), "force_update", LIST, "Critical sections an edit may replace: "
         "all, stride, config, di, monitoring (comma list)."),
    Flag(("--no-backup",), "no_backup", SWITCH, "Don't write a backup before overwriting."),
    Flag(("--no-report",), "no_report", SWITCH, "Don't write reports."),
    Flag(("--output-dir",), "output_dir", TEXT,
         "State folder instead of .smartspec/ (inside the project root).", metavar="DIR"),
    Flag(("--validate-consistency",), "validate_consistency", SWITCH,
         "Validation errors stop the write (exit 1)."),
    Flag(("--no-validation",), "no_validation", SWITCH, "Skip validation."),
    Flag(("--specindex",), "specindex", TEXT, "SPEC_INDEX.json to resolve dependencies with.",
         metavar="PATH"),
    Flag(("--nogenerate",), "nogenerate", SWITCH,
         "Dry run: show the plan and the text, write nothing."),
    Flag(("--category",), "category", TEXT,
         "core, feature (default), infrastructure, tools, ...", metavar="NAME"),
    Flag(("--id",), "spec_id", TEXT, "Use this spec id instead of the next free one.",
         metavar="ID"),
    Flag(("--title",), "title", TEXT, "Title (default: from NAME).", metavar="TEXT"),
    Flag(("--depends-on",), "depends_on", LIST,
         "Spec ids this spec depends on (comma list)."),
    Flag(("--specs-dir",), "specs_dir", TEXT, "Where specs live (default: specs).",
         metavar="DIR"),
    Flag(("--lang",), "lang", CHOICE, "Report language: en or th.", choices=vocab.LANGUAGES),
    Flag(("--json",), "as_json", SWITCH, "Print one JSON object on stdout.", default=False),
    Flag(("--yes", "-y"), "yes", SWITCH,
         "Don't ask; write even when --validate-consistency finds errors."),
)

NEW_FLAGS: tuple[Flag, ...] = (
    *SPEC_FLAGS,
    Flag(("--model",), "model_file", TEXT, "Write the spec from this system model (JSON, or "
         "YAML with PyYAML); see 'smartspec model --schema'.", metavar="FILE"),
)

EDIT_FLAGS: tuple[Flag, ...] = (
    *SPEC_FLAGS,
    Flag(("--adopt",), "adopt", SWITCH,
         "A spec smartspec did not write: adopt it first (see 'smartspec adopt').",
         default=False),
    Flag(("--complete",), "complete", SWITCH,
         "An adopted spec: also add the sections its profile requires and it lacks.",
         default=False),
    Flag(("--replace-description",), "replace_description", SWITCH,
         "DESCRIPTION replaces the recorded description (and the model built from it) "
         "instead of adding to it."),
    Flag(("--model",), "model_file", TEXT, "Write from this system model (YAML or JSON) "
         "instead of the stored one; what it leaves out leaves the spec.", metavar="FILE"),
)

VALIDATE_FLAGS: tuple[Flag, ...] = (
    Flag(("--format",), "fmt", CHOICE,
         "Report for people, programs or code scanning (SARIF 2.1.0).",
         choices=("text", "json", "sarif"), default="text"),
    Flag(("--strict",), "strict", SWITCH, "Treat warnings as errors (exit 1 on any finding).",
         default=False),
    Flag(("--lang",), "lang", CHOICE,
         "Language of the text report [default: config language, else LANG].",
         choices=vocab.LANGUAGES),
    Flag(("--specindex",), "specindex", TEXT,
         "Index file for the related-specs rule, relative to the project root.",
         metavar="PATH"),
    Flag(("-j", "--jobs"), "jobs", COUNT, "Worker processes; 0 = one per core.", default=0),
    Flag(("-v", "--verbose"), "verbose", SWITCH, "List passed and skipped checks too.",
         default=False),
    Flag(("--no-progress",), "no_progress", SWITCH, "Never show a progress bar.",
         default=False),
)


INDEX_FLAGS: tuple[Flag, ...] = (
    Flag(("--specs-dir",), "specs_dir", TEXT, "Folder of <category>/<spec-id>/spec.md, relative "
         "to the project root [default: specs, or defaults.specsDir in the config].",
         metavar="DIR"),
    Flag(("--specindex",), "specindex", TEXT, "Use this index file (relative to the root) "
         "instead of the lookup order: .smartspec/SPEC_INDEX.json, SPEC_INDEX.json, "
         ".spec/SPEC_INDEX.json, specs/SPEC_INDEX.json.", metavar="PATH"),
    Flag(("--output-dir",), "output_dir", TEXT,
         "The state folder inside the root [default: .smartspec].", metavar="DIR"),
    Flag(("--check",), "check", SWITCH,
         "Check the index against the specs instead of rebuilding it; exit 1 on errors.",
         default=False),
    Flag(("--dry-run",), "dry_run", SWITCH, "Show the change as a diff; write nothing.",
         default=False),
    Flag(("--migrate",), "migrate", SWITCH,
         "Write an index found in an earlier shape in the current schema.", default=False),
    Flag(("--schema",), "show_schema", SWITCH, "Print the JSON Schema of SPEC_INDEX.json and "
         "exit.", default=False),
    Flag(("--format",), "fmt", CHOICE, "Output for people or for programs.",
         choices=("text", "json"), default="text"),
)


class Shape:
    """A command's words: its arguments in order (how many are required, whether the last
    takes any number of words) and its flags."""

    __slots__ = ("arguments", "flags", "required", "variadic")

    def __init__(self, arguments: tuple[str, ...], required: int, flags: tuple[Flag, ...], *,
                 variadic: bool = False) -> None:
        self.arguments = arguments
        self.required = required
        self.flags = flags
        self.variadic = variadic


SHAPES: dict[str, Shape] = {
    "new": Shape(("name", "description"), 1, NEW_FLAGS),
    "edit": Shape(("spec", "description"), 1, EDIT_FLAGS),
    "validate": Shape(("paths",), 0, VALIDATE_FLAGS, variadic=True),
    "index": Shape((), 0, INDEX_FLAGS),
}


def read_words(shape: Shape, words: list[str]) -> dict[str, object] | None:
    """The keyword arguments click would pass for ``words``, or None when the words are not
    plainly right (click then reads them, and reports what is wrong)."""
    by_spelling = {spelling: flag for flag in shape.flags for spelling in flag.opts}
    values: dict[str, object] = {flag.dest: flag.default for flag in shape.flags}
    given: list[str] = []
    position = 0
    while position < len(words):
        word = words[position]
        position += 1
        if not word.startswith("-"):
            given.append(word)
            continue
        spelling, equals, value = word.partition("=")
        flag = by_spelling.get(spelling)
        if flag is None or (equals and not spelling.startswith("--")):
            return None  # help, --, an unknown flag, -y=..., or a short-flag cluster
        if flag.kind == SWITCH:
            if equals:
                return None
            values[flag.dest] = True
            continue
        if not equals:
            if position == len(words) or words[position].startswith("-"):
                return None
            value = words[position]
            position += 1
        read = _value(flag, value)
        if read is None:
            return None
        if flag.kind == LIST and values[flag.dest] is not None:
            read = join_lists((values[flag.dest], read))  # type: ignore[arg-type]
        values[flag.dest] = read
    if len(given) < shape.required:
        return None
    if shape.variadic:
        values[shape.arguments[0]] = tuple(given)
    else:
        if len(given) > len(shape.arguments):
            return None
        for at, name in enumerate(shape.arguments):
            values[name] = given[at] if at < len(given) else None
    return values


def join_lists(lists: tuple[tuple[str, ...], ...]) -> tuple[str, ...] | None:
    """The items of a LIST flag given more than once, in order, each once; None when it was
    not given."""
    return tuple(dict.fromkeys(item for items in lists for item in items)) or None


def _value(flag: Flag, value: str) -> object | None:
    """A flag's value as click's type for it converts it, or None when click would refuse it
    (or might read it differently)."""
    if not value:
        return None
    if flag.kind == TEXT:
        return value
    if flag.kind == CHOICE:
        return value if value in flag.choices else None
    if flag.kind == COUNT:
        return int(value) if value.isascii() and value.isdigit() else None
    items = vocab.split_list(value)
    if not items or any(item not in flag.choices for item in items if flag.choices):
        return None
    return items
