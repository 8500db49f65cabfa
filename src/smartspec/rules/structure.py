"""Structural rules: the spec has the sections its profile needs, its critical sections and
settings comment are well-formed, its related specs resolve, its critical text is what
smartspec last wrote, and no template placeholder was left unfilled.

Rules that read smartspec's own metadata (the settings comment, the registry, the index)
raise ``Skip`` on a hand-written spec that has none, rather than failing it.
"""

from __future__ import annotations

from collections.abc import Iterator

from smartspec import catalog, options
from smartspec.document import Section, block_hash, legacy_block_hash
from smartspec.lazyre import is_word_char, lazy_re
from smartspec.markers import SETTINGS_SCHEMA, settings_json
from smartspec.rules.base import RULES, Hit, Skip
from smartspec.rules.context import Context, code_spans
from smartspec.rules.messages import rule_words

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Sections whose presence a level decides (--security/--di/--performance=none drops them);
# a hand-written spec is only held to them where its profile makes them mandatory.
LEVEL_SECTIONS = ("security", "di", "performance")
MANDATORY_LEVELS: dict[str, tuple[str, ...]] = {"financial": ("di", "security", "performance")}
# The basic profile needs an API specification *or* a data model: a small service has one or
# the other, rarely both.
ALTERNATIVES: dict[str, tuple[str, ...]] = {"api": ("api", "data-model")}

# Placeholders left in prose (code spans, code blocks, comments and URLs never count):
#   {{ name }} / {% if %}             template text that was never rendered
#   TODO, TBD, FIXME, XXX             (upper case, as whole words: "SPEC-XXX" counts)
#   [One sentence], [Fields], [...]   the reference's bracketed slots; links ([text](url),
#                                     [text][ref]), defined [ref]s, task boxes and [^notes] do not
#   | ... |                           a table cell holding only an ellipsis
# Each pattern starts with a literal and runs only when its literal occurs at all, so a clean
# spec costs a few substring tests.
_TEMPLATE_RE = lazy_re(r"\{\{.*?\}\}|\{%.*?%\}")
_TEMPLATE_OPENERS = ("{{", "{%")  # found through their "{" (``holds_any``)
# One literal-led pattern per marker: a leading literal lets the regex engine skip ahead,
# an alternation or a look-behind in front makes it try every position.
_MARKER_RES = (lazy_re(r"T(?:ODO|BD)(?!\w)"), lazy_re(r"FIXME(?!\w)"),
               lazy_re(r"XXX(?!\w)"))
# The literals each marker pattern starts with: a spec without them never compiles it. Each
# group is looked for through one of its characters, the rarest in prose (``holds_any``):
# "X" for FIXME and XXX; TODO and TBD have no rare one, so they are searched for whole.
_MARKER_LITERALS = (("TODO", "TBD"), ("FIXME",), ("XXX",))
_MARKER_ANCHORS = ("", "X", "X")
# How many of an anchor character ``holds_any`` reads before it searches for the needles
# whole instead: each one costs about a tenth of a search over a whole spec.
_ANCHOR_HITS = 32
# A bracketed slot: "[Service name]", "[...]", not a link's text ("[a](b)", "[a][b]", "[a]:").
# Found as any bracketed text on one line (``_brackets``), then judged by its inside and what
# follows (``_bracketed``): what ``\[(?:[A-Za-z][^\[\]\n]+|\.\.\.|…)\](?![(\[:])`` finds.
_ELLIPSIS_CELL_RE = lazy_re(r"\|[ \t]*(?:\.\.\.|…)[ \t]*(?=\|)")
_REFERENCE_DEF_RE = lazy_re(r"(?m)^ {0,3}\[([^\]\n]+)\]:")
# Bracketed text that is content, not a placeholder: the reference's marker for a dependency
# missing from the index (reported by related-specs instead).
_NOT_PLACEHOLDERS = frozenset({"[NOT FOUND IN SPEC_INDEX]"})
# Text that talks about placeholders rather than leaving one: "write the TBD placeholder
# Purpose", "looks for: TODO/FIXME comments", "TODO markers".
_ABOUT_MARKERS_RE = lazy_re(r"(?i)\bplaceholders?\b|\b(?:TODO|TBD|FIXME|XXX)\s*/\s*\w|"
                               r"/\s*(?:TODO|TBD|FIXME|XXX)\b|"
                               r"\b(?:TODO|TBD|FIXME|XXX)s?\s+(?:comments?|markers?|tags?|items?)\b")
# Bracketed text that is usage or a literal, not a slot:
#   [Y/n] [y/N] [yes/no]                a prompt's choices
#   <operation> [shell], cmd [options]  an optional argument in usage text (lower case)
#   returns [A, B, C]                   a list literal of single words
_CHOICES_RE = lazy_re(r"^\w{1,5}(?:/\w{1,5})+$")
_LIST_LITERAL_RE = lazy_re(r"^\s*[\w.'\"-]+(?:\s*,\s*[\w.'\"-]+)+\s*$")


def _title(ctx: Context, key: str) -> str:
    security = (ctx.settings or {}).get("security")
    return catalog.title_for(key, ctx.profile or "full",
                             security if isinstance(security, str) else "stride-full")


def _hand_written_required(profile: str, compact: bool) -> tuple[str, ...]:
    if compact:
        return catalog.COMPACT_SECTIONS
    mandatory = MANDATORY_LEVELS.get(profile, ())
    return tuple(key for key in catalog.PROFILE_SECTIONS[profile]
                 if key not in LEVEL_SECTIONS or key in mandatory)


@RULES.rule(
    "SS101", "required-sections", severity="error",
    description="Every section of the spec's profile (or of its recorded section list) is "
                "present.",
    **rule_words("required-sections")
)
def required_sections(ctx: Context) -> Iterator[Hit]:
    required = ctx.generated_sections
    if required is None:
        if ctx.profile is None:
            raise Skip("hand-written spec without a settings comment or a **Profile:** header")
        required = _hand_written_required(ctx.profile, ctx.compact)
    present = ctx.by_key
    missing = [key for key in required if key in catalog.BY_KEY
               and not any(k in present for k in ALTERNATIVES.get(key, (key,)))]
    for key in missing:
        # Point at the section it should stand before, so the finding has a place to jump to.
        after = required[required.index(key) + 1:]
        following = next((present[k] for k in after if k in present), None)
        line = following.start if following is not None else None
        yield Hit(line, "section-missing", {"title": _title(ctx, key), "key": key})


def _is_settings_problem(ctx: Context, line: int) -> bool:
    return (line == ctx.doc.settings_line
            or settings_json(ctx.doc.lines[line].strip()) is not None)


def _section_at(sections: list[Section], line: int) -> Section | None:
    return next((s for s in sections if s.start <= line < s.end), None)


@RULES.rule(
    "SS102", "critical-sections", severity="error",
    description="Critical sections are present, tagged with their name, and their "
                "@critical/@end-critical tags are balanced, unique, known and end in the "
                "section they start.",
    **rule_words("critical-sections")
)
def critical_sections(ctx: Context) -> Iterator[Hit]:
    doc = ctx.doc
    for problem in doc.problems:
        if not _is_settings_problem(ctx, problem.line):
            yield Hit(problem.line, "critical-tag", {"detail": problem.message})
    for block in doc.critical_blocks:
        opened = _section_at(doc.sections, block.open_line)
        if opened is not None and _section_at(doc.sections, block.close_line) is not opened:
            yield Hit(block.open_line, "critical-crosses-section", {
                "name": block.name, "opened": str(block.open_line + 1),
                "closed": str(block.close_line + 1)})
    if ctx.generated_sections is None:
        return  # which sections are critical is smartspec's metadata
    for key, section in zip(ctx.keys, doc.sections, strict=True):
        name = catalog.BY_KEY[key].critical if key is not None else None
        if name is None or name not in ctx.critical_names or key not in ctx.generated_sections:
            continue
        if section.critical is None:
            yield Hit(section.heading.line, "critical-not-wrapped",
                      {"title": section.title, "name": name})
        elif section.critical.name != name:
            yield Hit(section.critical.open_line, "critical-wrong-name",
                      {"title": section.title, "found": section.critical.name, "name": name})


_SETTINGS_FIELDS: dict[str, tuple[type, str]] = {
    "id": (str, "a spec id string"),
    "title": (str, "a string"),
    "profile": (str, "a profile name"),
    "mode": (str, "standard or compact"),
    "security": (str, "a security level"),
    "di": (str, "a DI level"),
    "performance": (str, "a performance level"),
    "domains": (list, "a list of domain names"),
    "sections": (list, "a list of section keys"),
    "depends_on": (list, "a list of spec ids"),
}


# The vocabularies a recorded value must come from.
_SETTINGS_CHOICES: dict[str, tuple[str, ...]] = {
    "profile": options.PROFILES, "mode": options.MODES, "security": options.SECURITY_LEVELS,
    "di": options.DI_LEVELS, "performance": options.PERFORMANCE_LEVELS,
    "domains": options.DOMAINS, "sections": tuple(catalog.BY_KEY),
}


def _settings_errors(settings: dict[str, Any], header_id: str | None) -> Iterator[str]:
    schema = settings.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool):
        yield f"\"schema\" must be an integer (this version writes {SETTINGS_SCHEMA})"
    elif schema > SETTINGS_SCHEMA:
        yield (f"schema {schema} was written by a newer smartspec; this version reads schema "
               f"{SETTINGS_SCHEMA}")
    for key, (kind, expected) in _SETTINGS_FIELDS.items():
        value: Any = settings.get(key)
        if value is None:
            continue
        if not isinstance(value, kind) or (isinstance(value, list)
                                           and not all(isinstance(v, str) for v in value)):
            yield f"\"{key}\" must be {expected}, not {type(value).__name__}"
            continue
        choices = _SETTINGS_CHOICES.get(key)
        if choices is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            if item not in choices:
                shown = ", ".join(choices) if len(choices) <= 8 else "a catalog section key"
                yield f"\"{key}\": {item!r} is not valid; expected {shown}"
    spec_id = settings.get("id")
    if header_id and isinstance(spec_id, str) and spec_id != header_id:
        yield f"\"id\" is {spec_id!r} but the **Spec ID:** header says {header_id!r}"


@RULES.rule(
    "SS103", "settings-comment", severity="error",
    description="The <!-- smartspec: {...} --> settings comment appears once, is JSON, and "
                "records known values that agree with the header.",
    **rule_words("settings-comment")
)
def settings_comment(ctx: Context) -> Iterator[Hit]:
    doc = ctx.doc
    problems = [p for p in doc.problems if _is_settings_problem(ctx, p.line)]
    for problem in problems:
        yield Hit(problem.line, "settings-problem", {"detail": problem.message})
    if doc.settings_line is None:
        # A spec written by hand (or by the reference's assistant) has no settings comment,
        # even when it carries **Spec ID:** and critical tags: nothing to check.
        raise Skip("hand-written spec without a settings comment")
    if doc.settings is None:
        return  # the JSON did not parse: reported above
    for detail in _settings_errors(doc.settings, doc.header.get("Spec ID", "").strip() or None):
        yield Hit(doc.settings_line, "settings-invalid", {"detail": detail})


def _dependencies(ctx: Context) -> dict[str, int | None]:
    """Every spec id the spec depends on or points to, with the line that names it."""
    found: dict[str, int | None] = {}
    depends = (ctx.settings or {}).get("depends_on")
    for spec_id in depends if isinstance(depends, list) else ():
        if isinstance(spec_id, str):
            found.setdefault(spec_id, ctx.doc.settings_line)
    header = ctx.doc.header.get("Depends on", "")
    for _, spec_id in spec_mentions(header):
        found.setdefault(spec_id, None)
    prose = ctx.prose
    for section in ctx.sections_for(("related",)):
        start, end = ctx.span(section, body=True)
        for at, spec_id in spec_mentions(prose, start, end):
            found.setdefault(spec_id, ctx.line_of(at))
    # Give ids from the settings comment or the header the line where the text names them.
    for spec_id, line in found.items():
        if line is None or line == ctx.doc.settings_line:
            position = prose.find(spec_id)
            if position >= 0:
                found[spec_id] = ctx.line_of(position)
    return found


_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def spec_mentions(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, str]]:
    """(offset, id) of each spec id ``text[start:end]`` mentions, as ``specids.MENTION_RE``
    finds them: spec-004-payment-processing, spec-core-001-auth or the short spec-004, as
    a whole word of letters, digits, "_" and "-". Read from each "spec-" with str
    operations (a pattern of optional groups costs more to compile than the search)."""
    end = len(text) if end is None else min(end, len(text))
    found = []
    at = text.find("spec-", start, end)
    while at >= 0:
        stop = at + 5
        while stop < end and (is_word_char(text[stop]) or text[stop] == "-"):
            stop += 1
        before = text[at - 1:at]
        if not (before and (is_word_char(before) or before == "-")) and _is_id_rest(
                text[at + 5:stop]):
            found.append((at, text[at:stop]))
        at = text.find("spec-", at + 1, end)
    return found


def _is_id_rest(rest: str) -> bool:
    """Whether ``rest`` is what follows "spec-" in an id: an optional category (a lower-case
    letter, then letters and digits) and "-", three or more digits, an optional "-" slug."""
    head, dash, tail = rest.partition("-")
    if head[:1].isascii() and head[:1].isalpha() and head[:1].islower():
        return bool(dash) and all(char in _ID_CHARS for char in head) and _is_number_rest(tail)
    return _is_number_rest(rest)


def _is_number_rest(rest: str) -> bool:
    """Three or more digits, then nothing or "-" and a slug: lower-case letters, digits and
    dashes, at least two, neither first nor last a dash."""
    number, dash, slug = rest.partition("-")
    if len(number) < 3 or not number.isdecimal():
        return False
    return not dash or (len(slug) >= 2 and "-" not in (slug[0], slug[-1])
                        and all(char in _ID_CHARS or char == "-" for char in slug))


@RULES.rule(
    "SS104", "related-specs", severity="warn",
    description="Every spec this one depends on or lists under Related Specs is in "
                "SPEC_INDEX.json.",
    **rule_words("related-specs")
)
def related_specs(ctx: Context) -> Iterator[Hit]:
    known = ctx.known_ids
    if known is None:
        raise Skip("no SPEC_INDEX.json")
    for spec_id, line in _dependencies(ctx).items():
        if spec_id == ctx.spec_id or spec_id in known:
            continue
        if any(k.startswith(spec_id + "-") for k in known):  # the short form "spec-004"
            continue
        yield Hit(line, "related-unresolved", {"spec_id": spec_id, "index": ctx.index_name})


@RULES.rule(
    "SS105", "critical-text-changed", severity="warn",
    description="The text of each critical section still matches what smartspec last wrote "
                "(the registry's fingerprint).",
    **rule_words("critical-text-changed")
)
def critical_text_changed(ctx: Context) -> Iterator[Hit]:
    specs = (ctx.registry or {}).get("specs")
    if not isinstance(specs, dict):
        raise Skip("no critical-sections registry")
    entry = specs.get(ctx.spec_id) if ctx.spec_id else None
    if entry is None:
        entry = next((e for e in specs.values()
                      if isinstance(e, dict) and e.get("path") == ctx.path), None)
    sections = entry.get("sections") if isinstance(entry, dict) else None
    if not isinstance(sections, dict):
        raise Skip("spec not in the critical-sections registry")
    for key, record in sections.items():
        if not isinstance(record, dict) or not record.get("critical"):
            continue
        section = ctx.by_key.get(key)
        if section is None or not isinstance(record.get("sha256"), str):
            continue
        text = ctx.doc.section_text(section)
        # A registry written before heading numbers were left out of fingerprints holds the
        # older fingerprint until the next edit rewrites it; both name the same text.
        if record["sha256"] not in (block_hash(text), legacy_block_hash(text)):
            yield Hit(section.heading.line, "critical-changed",
                      {"title": section.title, "name": str(record["critical"])})


def _brackets(text: str) -> Iterator[tuple[int, int]]:
    r"""(start, end) of each "[...]" that holds no bracket and no line break, in order: what
    ``\[[^\[\]\n]*\]`` finds, found with ``str.find``. A spec holds a few dozen brackets, so
    this costs less than compiling that pattern (which most runs would do for this alone)."""
    opened = text.find("[")
    while opened >= 0:
        closed = text.find("]", opened + 1)
        if closed < 0:
            return
        # Of the "["s before this "]" only the last can be a slot's: the others hold it.
        opened = max(opened, text.rfind("[", opened + 1, closed))
        if text.find("\n", opened + 1, closed) < 0:
            yield opened, closed + 1
        opened = text.find("[", closed + 1)


def _bracketed(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each bracketed slot: text starting with an ASCII letter (two
    characters or more) or an ellipsis, in brackets on one line, not followed by "(", "["
    or ":"."""
    for start, end in _brackets(text):
        inner = text[start + 1:end - 1]
        slot = (len(inner) > 1 and inner[0].isascii() and inner[0].isalpha()) or inner in (
            "...", "…")
        if slot and text[end:end + 1] not in ("(", "[", ":"):
            yield start, end


@RULES.rule(
    "SS106", "placeholders", severity="warn",
    description="No unfilled placeholder is left in the text: {{ template }}, TODO/TBD/"
                "FIXME/XXX, [Bracketed slot], or a table cell holding only '...'.",
    **rule_words("placeholders")
)
def placeholders(ctx: Context) -> Iterator[Hit]:
    text = ctx.prose
    candidates: list[tuple[int, str]] = []  # (offset, placeholder)
    if holds_any(text, _TEMPLATE_OPENERS, "{"):
        candidates += [(m.start(), m.group(0)) for m in _TEMPLATE_RE.finditer(text)]
    for marker, literals, anchor in zip(_MARKER_RES, _MARKER_LITERALS, _MARKER_ANCHORS,
                                        strict=True):
        if not holds_any(text, literals, anchor):
            continue  # the marker's pattern is then never compiled
        for m in marker.finditer(text):
            before = text[m.start() - 1] if m.start() else " "
            if not (before.isalnum() or before == "_"):  # "SPEC-XXX" counts
                line = ctx.line_of(m.start())
                if _ABOUT_MARKERS_RE.search(text, ctx.offsets[line], ctx.offsets[line + 1]):
                    continue
                candidates.append((m.start(), m.group(0)))
    if "[" in text:
        defined: set[str] | None = None
        for start, end in _bracketed(text):
            if start and text[start - 1] in "]\\!":
                continue  # the [ref] of [text][ref], an escaped bracket, an image
            slot = text[start:end]
            inner = slot[1:-1].strip()
            if _is_usage_or_literal(inner):
                continue
            if defined is None:
                defined = {label.strip().lower() for label in _reference_labels(text)}
            if inner.lower() not in defined and slot not in _NOT_PLACEHOLDERS:
                candidates.append((start, slot))
    if _may_hold_ellipsis_cell(text):
        candidates += [(m.start() + 1, m.group(0)[1:].strip()) for m in
                       _ELLIPSIS_CELL_RE.finditer(text)]
    per_line: dict[int, list[str]] = {}
    for offset, found in sorted(candidates):
        line = ctx.line_of(offset)
        if _in_code_span(text, ctx.offsets[line], ctx.offsets[line + 1], offset):
            continue
        shown = per_line.setdefault(line, [])
        if found not in shown:
            shown.append(found)
    for line, shown in per_line.items():
        yield Hit(line, "placeholder", {"text": ", ".join(repr(f) for f in shown[:3])})


def holds_any(text: str, needles: tuple[str, ...], anchor: str = "") -> bool:
    """Whether ``text`` holds one of ``needles``, each of which holds ``anchor`` (one
    character; "" to search for the needles whole).

    A search for a needle of two or more characters reads the whole text when the needle is
    absent, as it mostly is, while a search for one character runs at memory speed: so each
    ``anchor`` found is read for the needles around it, up to ``_ANCHOR_HITS`` of them (a
    text full of the anchor is then searched for the needles whole)."""
    if anchor:
        shifted = [(needle, needle.index(anchor)) for needle in needles]
        at = text.find(anchor)
        for _ in range(_ANCHOR_HITS):
            if at < 0:
                return False
            for needle, shift in shifted:
                if at >= shift and text.startswith(needle, at - shift):
                    return True
            at = text.find(anchor, at + 1)
        if at < 0:
            return False
    return any(needle in text for needle in needles)


def _may_hold_ellipsis_cell(text: str) -> bool:
    """Whether an ellipsis in ``text`` follows a "|" with only spaces or tabs between, as
    each match of ``_ELLIPSIS_CELL_RE`` does: a spec whose ellipses are all in prose never
    compiles the pattern."""
    for ellipsis in ("...", "\u2026"):
        at = text.find(ellipsis)
        while at >= 0:
            before = at
            while before and text[before - 1] in " \t":
                before -= 1
            if before and text[before - 1] == "|":
                return True
            at = text.find(ellipsis, at + 1)
    return False


def _reference_labels(text: str) -> list[str]:
    """``_REFERENCE_DEF_RE.findall(text)``: every match holds "]:", so only the lines that
    hold one are tried (a multi-line pattern tried at every position of a whole spec costs
    more than the rest of the rule)."""
    starts: list[int] = []
    # "]" alone is found at memchr speed, and a spec holds few of them: faster than a search
    # for the two characters.
    at = text.find("]")
    while at >= 0:
        if text.startswith(":", at + 1):
            start = text.rfind("\n", 0, at) + 1
            if not starts or starts[-1] != start:
                starts.append(start)
        at = text.find("]", at + 1)
    return [m.group(1) for start in starts if (m := _REFERENCE_DEF_RE.match(text, start))]


def _is_usage_or_literal(inner: str) -> bool:
    # Choices hold a "/" and a list literal a ",": without one the pattern is not compiled.
    if ("/" in inner and _CHOICES_RE.match(inner)) or ("," in inner and _LIST_LITERAL_RE.match(inner)):
        return True
    # Code and notation, not a slot: "[a-z]", "[A-Za-z0-9]", "[i:]", "[now.Unix()]", "[H-1]",
    # "[i=0, 1, ...H]"; and a stage or status marker in capitals such as "[ALPHA]".
    if (" " not in inner and not inner.replace("_", "").isalnum()) or "=" in inner or "(" in inner:
        return True
    if inner.isupper() and inner.isalpha() and len(inner) > 1:
        return True
    # "[shell]", "[options]": one lower-case word is an optional argument; the reference's
    # slots start with a capital ("[Title]", "[One sentence]").
    return inner.isidentifier() and inner[:1].islower()


def _in_code_span(text: str, start: int, end: int, offset: int) -> bool:
    if "`" not in text[start:end]:
        return False
    return any(opened <= offset < closed for opened, closed in code_spans(text, start, end))
