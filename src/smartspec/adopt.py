"""Specs smartspec did not write: what they say about themselves, and the two changes smartspec
may make to them (pure functions; ``runs/adopt.py`` reads and writes).

Adoption adds exactly one line, the settings comment, after the title (plus critical tags around
sections the user names). Every setting is inferred from the spec's own sections and words, and
each inference carries its reason. Extension adds the one section a request asks for, in the
spec's own heading and numbering style, with the technologies the spec itself names; it never
plans a whole profile unless asked to complete one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from smartspec import catalog
from smartspec.document import (
    NUMBER_RE,
    SMARTSPEC_CRITICAL,
    Document,
    Section,
    block_hash,
    parse,
)
from smartspec.errors import DocumentError, UsageError
from smartspec.fsutil import split_suffix
from smartspec.markers import CRITICAL_CLOSE, critical_open, settings_comment
from smartspec.specids import ADOPTED_ID_RE as ADOPTED_ID_RE

if TYPE_CHECKING:
    from smartspec.index.model import SpecIndex

# Every way people write the id line in a spec's preamble, bold anywhere or nowhere:
#   **Spec ID:** WF-SCRIPTS-001      **Spec ID**: spec-108a-data-access
#   Spec ID: **SSP-GEN-002**         - **Spec-ID:** `004-desktop-app`      > Spec Id: X
SPEC_ID_LINE_RE = re.compile(
    r"^\s*(?:[-*>]\s+)*\**\s*spec[ _-]?id\s*\**\s*:\s*\**\s*:?\s*\**\s*`?"
    r"(?P<id>[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])`?\**\s*$",
    re.IGNORECASE,
)
# File and folder names that name no spec ("spec.md" as a title, a "specs" folder).
_GENERIC_NAMES = frozenset({"spec", "specs", "spec-md", "readme", "docs", "index", ""})
# A numbered heading's number and the characters around it: "3. ", "3) ", "3 ", "**3.** ".
_HEADING_NUMBER_RE = re.compile(r"^(?P<pre>\W*?)(?P<num>\d+)(?P<sep>[.)]?)(?P<post>\**\s+)")
_SEPARATOR_LINES = frozenset({"", "---", "***", "___"})
# Requests as people phrase them: "add rate limiting", "Adds refunds", "include an audit log".
_REQUEST_VERB_RE = re.compile(
    r"^\s*(?:please\s+)?(?:add|adds|added|include|includes|support|supports|document|describe|"
    r"cover|covers|introduce|extend|with|need|needs)\s+(?:a\s+|an\s+|the\s+|some\s+)?",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Inference:
    """One setting adoption recorded, and how it was told from the spec."""

    setting: str
    value: Any
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"setting": self.setting, "value": self.value, "reason": self.reason}


@dataclass(slots=True)
class Adoption:
    text: str
    spec_id: str
    inferences: list[Inference]
    record: dict[str, Any]  # the settings comment's content
    wrapped: list[str] = field(default_factory=list)  # sections wrapped in critical tags
    dialect: str = "smartspec"


# -- the id -----------------------------------------------------------------------------------


def stated_id(doc: Document) -> tuple[str, int] | None:
    """The id a spec states in its preamble (any bold form) and its line, or None."""
    for index in range(doc.preamble_end):
        if doc.fenced[index]:
            continue
        match = SPEC_ID_LINE_RE.match(doc.lines[index].rstrip("\r\n"))
        if match:
            return match.group("id"), index
    return None


def adopted_id(doc: Document, rel: str, index: SpecIndex | None,
               taken: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(id, how it was found): the spec's own ``Spec ID`` line, its index entry, its folder
    (for ``…/<id>/spec.md``) or its file name. The id is kept as people wrote it. ``taken``
    maps ids already in use to their paths: a folder or file name another spec holds is not
    reused (``tasks.md`` beside ``plan.md`` in one folder)."""
    found = stated_id(doc)
    if found is not None:
        return found[0], f"stated on line {found[1] + 1}"
    if index is not None:
        for entry in index.entries.values():
            if entry.path == rel:
                return entry.id, "its entry in the index"
    used = {k: v for k, v in (taken or {}).items() if v != rel}
    # ``rel`` is the spec's path as shown (``fsutil.shown_path``): clean, with ``/`` between
    # its parts.
    folder, name = os.path.split(rel)
    stem, parent = split_suffix(name)[0], os.path.basename(folder)
    grandparent = os.path.basename(os.path.dirname(folder))
    names = [(stem, "its file name"), (parent, "its folder name")]
    if stem.lower() not in _GENERIC_NAMES and parent.lower() not in _GENERIC_NAMES:
        names.append((f"{parent}-{stem}", "its folder and file names"))
    if grandparent.lower() not in _GENERIC_NAMES:
        names.append((f"{grandparent}-{parent}", "its folder names"))
    if name == "spec.md":
        names.insert(0, names.pop(1))
    for candidate, how in names:
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", candidate).strip("-._")
        if (slug.lower() not in _GENERIC_NAMES and ADOPTED_ID_RE.match(slug)
                and slug not in used):
            return slug, how
    raise DocumentError(f"{rel}: cannot tell this spec's id (no 'Spec ID:' line, no index "
                        "entry, and its folder and file names are generic or taken); add a "
                        "'**Spec ID:** NAME' line under the title")


# -- what a spec is -----------------------------------------------------------------------------


def section_keys(doc: Document) -> list[str | None]:
    """The catalog key each level-2 section stands for (None for a person's own section)."""
    return [catalog.key_for_title(section.title) for section in doc.sections]


def infer(doc: Document, keywords: Mapping[str, tuple[str, ...]] | None = None) -> list[Inference]:
    """Profile, mode, levels and domains of a spec, each with the evidence it was read from."""
    keys = [k for k in section_keys(doc) if k is not None]
    present = set(keys)
    found: list[Inference] = []
    compact_hits = [s.title for s in doc.sections
                    if catalog.key_for_title(s.title, compact=True) in catalog.COMPACT_SECTIONS]
    if len(compact_hits) >= 3 and len(doc.sections) <= 7:
        found.append(Inference("mode", "compact", f"{len(compact_hits)} of the 5 compact-mode "
                               f"sections are present: {', '.join(compact_hits)}"))
    else:
        found.append(Inference("mode", "standard", "not laid out as the 5 compact-mode sections"))

    stated = (doc.header.get("Profile") or "").strip().lower()
    if stated in catalog.PROFILE_SECTIONS:
        found.append(Inference("profile", stated, "the spec's **Profile:** header"))
    else:
        found.append(_profile_by_sections(present))

    titles = {k: s.title for k, s in zip(section_keys(doc), doc.sections, strict=True) if k}
    security = "none"
    if "security" in present:
        title = titles["security"].lower()
        security = ("stride-full" if "stride-full" in title
                    else "stride-basic" if "stride" in title or "threat" in title else "basic")
    found.append(Inference("security", security, f"section {titles['security']!r}"
                           if "security" in present else "no security section"))
    for kind, level in (("di", "minimal"), ("performance", "basic")):
        value = level if kind in present else "none"
        found.append(Inference(kind, value, f"section {titles[kind]!r}" if kind in present
                               else f"no {kind} section"))
    found.append(_domains(doc, keywords))
    return found


def _profile_by_sections(present: set[str]) -> Inference:
    """The profile whose own sections the spec covers best, if it covers at least a third of
    them; else basic, the smallest, so that adoption never claims more than the spec has."""
    best, best_score = "basic", 0.0
    best_hits: list[str] = []
    for profile in ("basic", "backend-service", "financial", "full"):
        wanted = catalog.PROFILE_SECTIONS[profile]
        hits = [k for k in wanted if k in present]
        score = len(hits) / len(wanted)
        if score > best_score and score >= 1 / 3:
            best, best_score, best_hits = profile, score, hits
    if not best_hits:
        known = sorted(present)
        return Inference("profile", "basic", (
            f"only {len(known)} section(s) smartspec knows by title ({', '.join(known)}), "
            "too few for any profile; basic is the smallest" if known else
            "no section smartspec knows by title; basic is the smallest profile"))
    wanted = catalog.PROFILE_SECTIONS[best]
    return Inference("profile", best, f"{len(best_hits)} of its {len(wanted)} sections are "
                     f"present ({', '.join(best_hits)})")


def _domains(doc: Document, keywords: Mapping[str, tuple[str, ...]] | None) -> Inference:
    """Domains whose words the spec uses three different times over (plurals folded), so that
    a passing mention does not make a spec a fintech spec."""
    from smartspec.detect import detect

    prose = "".join(line for line, fenced in zip(doc.lines, doc.fenced, strict=True)
                    if not fenced)
    facts = detect(doc.title or "", prose, keywords)
    chosen: list[str] = []
    evidence: list[str] = []
    for domain in facts.domains:
        words = list(dict.fromkeys(w.lower().removesuffix("s") for w in facts.words(domain)))
        if len(words) >= 3:
            chosen.append(domain)
            evidence.append(f"{domain} ({', '.join(words[:4])})")
    reason = ("words in the text: " + "; ".join(evidence)) if chosen else (
        "no domain's words appear three different times in the text")
    return Inference("domains", chosen, reason)


# -- adoption -----------------------------------------------------------------------------------


def adopt_text(text: str, rel: str, *, index: SpecIndex | None, critical: tuple[str, ...],
               critical_names: tuple[str, ...], moment: datetime,
               keywords: Mapping[str, tuple[str, ...]] | None = None,
               taken: Mapping[str, str] | None = None) -> Adoption:
    """The spec with its settings comment (and the requested critical tags) added. Every other
    line stays byte for byte; SmartSpec's ``<!-- @end -->`` is rewritten to the canonical
    ``<!-- @end-critical -->`` (smartspec writes only the canonical form)."""
    doc = parse(text, critical_names=critical_names)
    if doc.settings_line is not None:
        raise UsageError(f"{rel}: already managed by smartspec (settings comment on line "
                         f"{doc.settings_line + 1}); nothing to adopt")
    structural = [p for p in doc.problems if not p.message.startswith("unknown critical")]
    if structural:
        first = structural[0]
        raise DocumentError(f"{rel}: line {first.line + 1}: {first.message}; fix the tags "
                            "before adopting")
    spec_id, how = adopted_id(doc, rel, index, taken)
    inferences = [Inference("id", spec_id, how), *infer(doc, keywords)]
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = list(doc.lines)
    known = (*critical_names, *SMARTSPEC_CRITICAL)
    for block in doc.critical_blocks:
        # A name smartspec would not accept under the canonical tag keeps SmartSpec's.
        if block.close_line in doc.end_tags and block.name in known:
            line = block.close_line
            ending = lines[line][len(lines[line].rstrip("\r\n")):]
            lines[line] = CRITICAL_CLOSE + ending
    keys = section_keys(doc)
    targets: list[tuple[Section, str]] = []
    for name in critical:
        if name not in (*critical_names, *SMARTSPEC_CRITICAL):
            raise UsageError(f"--critical: {name!r} is not a critical section name; expected "
                             f"one of {', '.join((*critical_names, *SMARTSPEC_CRITICAL))}")
        section = _section_for(doc, keys, name)
        if section is None:
            raise UsageError(f"--critical={name}: {rel} has no section smartspec reads as "
                             f"{name!r}; nothing to wrap")
        if section.critical is None and all(t[0] is not section for t in targets):
            targets.append((section, name))
    # Wrap from the bottom up so that earlier line numbers stay valid.
    for section, name in sorted(targets, key=lambda t: -t[0].start):
        end = section.end
        while end > section.body_start and lines[end - 1].strip() in _SEPARATOR_LINES:
            end -= 1
        if not lines[end - 1].endswith(("\n", "\r")):
            lines[end - 1] += newline
        lines.insert(end, CRITICAL_CLOSE + newline)
        lines.insert(section.heading.line, critical_open(name) + newline)
    wrapped = [name for _, name in targets]

    values = {i.setting: i.value for i in inferences}
    title = _plain_title(doc)
    shown_keys = _recordable_keys(doc, keys, wrapped)
    record: dict[str, Any] = {
        "id": spec_id,
        **({"title": title} if title else {}),
        "profile": values["profile"], "mode": values["mode"], "security": values["security"],
        "di": values["di"], "performance": values["performance"], "domains": values["domains"],
        "sections": shown_keys,
        "adopted": moment.strftime("%Y-%m-%d"),
    }
    comment = settings_comment(record) + newline
    at = (doc.title_line + 1) if doc.title_line is not None else 0
    if at > 0 and not lines[at - 1].endswith(("\n", "\r")):
        lines[at - 1] += newline
    lines.insert(at, comment)
    return Adoption("".join(lines), spec_id, inferences, record, wrapped, doc.dialect)


def _plain_title(doc: Document) -> str | None:
    from smartspec.specids import TITLE_PREFIX_RE

    heading = (doc.title or "").strip()
    matched = TITLE_PREFIX_RE.match(heading)
    title = (matched.group("title") if matched else heading).strip()
    return title if title and title.lower() not in ("spec.md", "spec") else None


def _section_for(doc: Document, keys: list[str | None], name: str) -> Section | None:
    """The section a critical name stands for: the catalog section carrying that name, else one
    whose title contains the name."""
    for key, section in zip(keys, doc.sections, strict=True):
        if key is not None and catalog.BY_KEY[key].critical == name:
            return section
    for section in doc.sections:
        if name.lower() in catalog.normalise_title(section.title).split():
            return section
    return None


def _recordable_keys(doc: Document, keys: list[str | None], wrapped: list[str]) -> list[str]:
    """The section keys the settings comment lists: the known sections present, less the ones
    whose catalog entry is critical but which a person wrote without critical tags (listing them
    would make the validator demand tags the person never asked for)."""
    recorded: list[str] = []
    for key, section in zip(keys, doc.sections, strict=True):
        if key is None or key in recorded:
            continue
        name = catalog.BY_KEY[key].critical
        if name is not None and section.critical is None and name not in wrapped:
            continue
        recorded.append(key)
    return recorded


def registry_records(text: str, critical_names: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Registry fingerprints of every section, all counted as written by a person: an edit
    never regenerates them. Sections smartspec does not know are keyed by their position."""
    doc = parse(text, critical_names=critical_names)
    records: dict[str, dict[str, Any]] = {}
    for position, (key, section) in enumerate(zip(section_keys(doc), doc.sections, strict=True)):
        name = key if key is not None and key not in records else f"person-{position + 1}"
        records[name] = {
            "title": section.title,
            "critical": section.critical.name if section.critical is not None else None,
            "sha256": block_hash(doc.section_text(section)),
            "person": True,
        }
    return records


# -- extension: the one section a request asks for ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Topic:
    key: str
    title: str
    words: tuple[str, ...]  # lower-case stems that mark a section or request as this topic


TOPICS: tuple[Topic, ...] = (
    Topic("rate-limiting", "Rate Limiting", ("rate limit", "rate-limit", "ratelimit", "throttl",
                                            "quota")),
    Topic("caching", "Caching", ("cache", "caching")),
    Topic("retries", "Retries and Timeouts", ("retry", "retries", "timeout", "backoff")),
    Topic("audit", "Audit Logging", ("audit",)),
)


@dataclass(slots=True)
class Extension:
    text: str
    added: list[str] = field(default_factory=list)  # titles of the sections added
    covered_by: str | None = None  # the existing section that already covers the request
    style: str = ""  # how the new heading was styled, for the report
    stack: tuple[str, ...] = ()  # the technologies read from the spec


def request_topic(description: str) -> Topic:
    """The topic a request asks for: a known one by its words, else one titled by the request."""
    lowered = description.lower()
    for topic in TOPICS:
        if any(word in lowered for word in topic.words):
            return topic
    rest = _REQUEST_VERB_RE.sub("", description.strip(), count=1).strip().rstrip(".!")
    words = rest.split()[:6]
    if not words:
        raise UsageError("edit: the description asks for nothing; expected e.g. "
                         "'add rate limiting'")
    title = " ".join(w[:1].upper() + w[1:] for w in words)
    return Topic(catalog.normalise_title(title).replace(" ", "-"), title,
                 (catalog.normalise_title(title),))


def covering_section(doc: Document, topic: Topic) -> Section | None:
    """The existing section (or subsection's section) whose heading names the topic."""
    for section in doc.sections:
        headings = [section.heading, *section.subheadings]
        if any(any(w in h.title.lower() for w in topic.words) for h in headings):
            return section
    return None


def extend_text(text: str, description: str, *, critical_names: tuple[str, ...],
                keywords: Mapping[str, tuple[str, ...]] | None = None) -> Extension:
    """The spec with the one section ``description`` asks for, unless a section already covers
    it. Nothing already in the file changes: the section is appended, in the spec's style."""
    from smartspec.detect import detect

    doc = parse(text, critical_names=critical_names)
    topic = request_topic(description)
    covering = covering_section(doc, topic)
    prose = "".join(line for line, fenced in zip(doc.lines, doc.fenced, strict=True)
                    if not fenced)
    facts = detect(doc.title or "", prose, keywords)
    if covering is not None:
        return Extension(text, covered_by=covering.title, stack=facts.technologies)
    newline = "\r\n" if "\r\n" in text else "\n"
    requirement_style = _requirement_section(doc)
    if requirement_style is not None:
        block, style = _requirement_block(doc, topic, description, facts), "OpenSpec requirement"
        lines = list(doc.lines)
        end = requirement_style.end
        while end > requirement_style.body_start and lines[end - 1].strip() in _SEPARATOR_LINES:
            end -= 1
        insert = ["\n", *block]
        if not lines[end - 1].endswith(("\n", "\r")):
            lines[end - 1] += newline
        lines[end:end] = [line.replace("\n", newline) for line in insert]
        return Extension("".join(lines), [topic.title], style=style, stack=facts.technologies)
    heading, style = _heading_like(doc, topic.title)
    body = _topic_body(topic, description, facts, doc)
    tail = text
    if tail and not tail.endswith(("\n", "\r")):
        tail += newline
    separated = _uses_rules(doc)
    pieces: list[str] = []
    if tail.strip():
        if not tail.endswith(newline * 2):
            pieces.append(newline)
        if separated:
            pieces.append("---" + newline + newline)
    pieces.append(heading + newline + newline)
    pieces.append(newline.join(body) + newline)
    return Extension(tail + "".join(pieces), [topic.title], style=style,
                     stack=facts.technologies)


def _uses_rules(doc: Document) -> bool:
    """Whether the spec separates its sections with ``---`` lines."""
    count = 0
    for section in doc.sections[1:]:
        probe = section.start - 1
        while probe >= 0 and not doc.lines[probe].strip():
            probe -= 1
        if probe >= 0 and doc.lines[probe].strip() in ("---", "***", "___"):
            count += 1
    return count > 0 and count * 2 >= len(doc.sections) - 1


def _heading_like(doc: Document, title: str) -> tuple[str, str]:
    """A level-2 heading for ``title`` numbered and decorated as the spec's own are."""
    numbered = [s for s in doc.sections if s.heading.number is not None]
    if not numbered or len(numbered) * 2 < len(doc.sections):
        return f"## {title}", "unnumbered"
    top = max(int((s.heading.number or "0").split(".")[0]) for s in numbered)
    last = numbered[-1].heading.text
    match = _HEADING_NUMBER_RE.match(last)
    if match is None:
        return f"## {top + 1}. {title}", "numbered"
    closing = "**" if match.group("pre").startswith("**") and last.endswith("**") else ""
    text = f"{match.group('pre')}{top + 1}{match.group('sep')}{match.group('post')}{title}{closing}"
    return f"## {text}", f"numbered like '{match.group('num')}{match.group('sep')}'"


def _requirement_section(doc: Document) -> Section | None:
    """OpenSpec's layout: requirements as ``### Requirement: NAME`` under one section."""
    for section in doc.sections:
        if any(h.level == 3 and h.title.lower().startswith("requirement:")
               for h in section.subheadings):
            return section
    return None


def _is_http(facts: Any) -> bool:
    text = facts.text.lower()
    return bool(facts.endpoints) and any(w in text for w in ("http", "rest", "endpoint", "api"))


def _store(facts: Any) -> str | None:
    for name in ("Redis", "Memcached"):
        if name in facts.technologies:
            return name
    return facts.datastores[0] if facts.datastores else None


def _framework(facts: Any) -> str | None:
    from smartspec.detect import TECHNOLOGIES

    found = [t for t in facts.technologies if TECHNOLOGIES[t][0] == "framework"]
    return found[0] if found else None


def _topic_body(topic: Topic, description: str, facts: Any, doc: Document) -> list[str]:
    """The new section's lines: what the topic means for this spec, naming only what the spec
    itself names; for a topic smartspec has no knowledge of, the request in the user's words."""
    from smartspec.markers import inline_user_text

    subject = _plain_title(doc) or "this component"
    store, framework, http = _store(facts), _framework(facts), _is_http(facts)
    if topic.key == "rate-limiting":
        where = (f"{store} (already part of this spec's stack), so that every instance shares "
                 "one count" if store == "Redis" else
                 f"{store}, the store this spec already uses" if store else
                 "the process's memory; a deployment that runs several instances needs a "
                 "shared store for the counters")
        refuse = ("the request is refused with `429 Too Many Requests` and a `Retry-After` "
                  "header" if http else "the call fails with a clear \"rate limit exceeded\" "
                  "error that says when to try again")
        return [
            f"Calls into {subject} are limited per caller, so that one caller cannot exhaust "
            "it for everyone else.",
            "",
            "- **Scope:** every entry point; limits are counted per authenticated caller, or "
            "per source address when there is none.",
            "- **Algorithm:** a token bucket per caller: a steady rate plus a short burst "
            "allowance.",
            f"- **Counters:** kept in {where}.",
            f"- **Enforced in:** {framework + ' middleware' if framework else 'the entry point'}"
            ", before any work is done.",
            f"- **Over the limit:** {refuse}; nothing is partly done.",
            "- **Configuration:** the rate and the burst are configuration values, not "
            "constants in code.",
            "- **Verification:** a test sends more calls than the burst allows, checks that the "
            "excess is refused, and that calls succeed again once the window has passed.",
        ]
    if topic.key == "caching":
        where = f"{store}" if store else "the process's memory"
        return [
            f"Results that {subject} computes or reads repeatedly are cached in {where}.",
            "",
            "- **What is cached:** reads whose result does not depend on the caller's rights; "
            "never secrets or personal data.",
            "- **Expiry:** every entry has a time to live; a write to the underlying data "
            "removes the entries it affects.",
            "- **Failure:** when the cache is unavailable, the source is read directly.",
            "- **Verification:** a test reads twice, changes the data, and checks that the "
            "third read sees the change.",
        ]
    if topic.key == "retries":
        return [
            f"Calls that {subject} makes to other systems are retried only when they are safe "
            "to repeat.",
            "",
            "- **Timeouts:** every outbound call has a timeout taken from configuration.",
            "- **Retries:** at most 3 attempts, with exponential backoff and jitter, for "
            "timeouts and temporary failures only.",
            "- **Idempotency:** a call that changes state is retried only with an "
            "idempotency key.",
            "- **Verification:** a test makes the first two attempts fail and checks that the "
            "third succeeds and that the change happened once.",
        ]
    if topic.key == "audit":
        where = f"{store}" if store else "an append-only log"
        return [
            f"Every change {subject} makes is recorded in {where}: who, what, when, and the "
            "outcome.",
            "",
            "- **Records:** append-only; nobody can change or delete one through the service.",
            "- **Contents:** the caller, the action, the target, the time (UTC) and whether it "
            "succeeded; never secrets.",
            "- **Verification:** a test performs a change and reads its audit record back.",
        ]
    return [f"Requested: {inline_user_text(description)}"]


def _requirement_block(doc: Document, topic: Topic, description: str, facts: Any) -> list[str]:
    """An OpenSpec requirement (SHALL statement, WHEN/THEN scenario) for the topic."""
    from smartspec.markers import inline_user_text

    if topic.key == "rate-limiting":
        http = _is_http(facts)
        return [
            f"### Requirement: {topic.title}\n",
            "The system SHALL limit how often one caller can invoke it within a time window, "
            "and SHALL refuse calls over the limit without doing any part of their work.\n",
            "\n",
            "#### Scenario: Caller exceeds the limit\n",
            "- **WHEN** a caller makes more calls within the window than the limit allows\n",
            ("- **THEN** the excess calls are refused with `429 Too Many Requests` and a "
             "`Retry-After` header\n") if http else
            "- **THEN** the excess calls fail with an error that says when to try again\n",
            "\n",
            "#### Scenario: Window passes\n",
            "- **WHEN** the window has passed\n",
            "- **THEN** the caller's calls succeed again\n",
        ]
    return [
        f"### Requirement: {topic.title}\n",
        f"The system SHALL provide what was requested: {inline_user_text(description)}\n",
    ]


# -- completion: the sections the profile requires (edit --complete) -----------------------------


def _renumber(line: str, old: int, new: str | None) -> str:
    """A rendered subheading's number under the section's number in this spec: "### 2.1 X"
    becomes "### 3.1 X" (or "### X" in an unnumbered spec)."""
    match = re.match(rf"^(#{{3,6}}\s+){old}((?:\.\d+)+)\.?\s+", line)
    if match is None:
        return line
    rest = line[match.end():]
    if new is None:
        return f"{match.group(1)}{rest}"
    return f"{match.group(1)}{new}{match.group(2)} {rest}"


def complete_text(text: str, *, settings: Any, moment: datetime) -> Extension:
    """The spec with every section its profile requires and it lacks, rendered by smartspec's
    templates for the spec's own stack (the technologies its text names), numbered and styled
    as the spec's headings, appended at the end. The settings comment lists the added
    sections; nothing else in the file changes."""
    from smartspec.detect import detect
    from smartspec.options import Options
    from smartspec.plan import make_plan
    from smartspec.render import render

    critical_names = settings.critical_names
    doc = parse(text, critical_names=critical_names)
    record = dict(doc.settings or {})
    present = {k for k in section_keys(doc) if k is not None}
    prose = "".join(line for line, fenced in zip(doc.lines, doc.fenced, strict=True)
                    if not fenced)
    found = detect(doc.title or "", prose, settings.keywords)
    # The request the templates see is what the spec itself says: its technologies and its
    # endpoints, so that nothing else (a stack, a route) is invented.
    stack = ", ".join(found.technologies)
    routes = " ".join(f"{e.method} {e.path}" for e in found.endpoints
                      if e.path and f"{e.method} {e.path}" in prose)
    description = " ".join(part for part in (
        f"Built with {stack}." if stack else "", f"Endpoints: {routes}." if routes else "") if part)
    title = _plain_title(doc) or str(record.get("id") or "Spec")
    facts = detect(title, description, settings.keywords)
    plan = make_plan(Options(name="adopted-spec", title=title, description=description), settings,
                     facts, taken_ids=set(), now=moment, spec_id=str(record.get("id") or "spec"))
    wanted = catalog.PROFILE_SECTIONS[plan.profile]
    missing = [s for s in plan.sections if s.key in wanted and s.key not in present
               and not (s.key == "api" and "data-model" in present)]
    if not missing:
        return Extension(text, stack=found.technologies)
    rendered = parse(render(plan), critical_names=critical_names)
    by_key = dict(zip(plan.section_keys, rendered.sections, strict=True))
    newline = "\r\n" if "\r\n" in text else "\n"
    separated = _uses_rules(doc)
    out = text if text.endswith(("\n", "\r")) or not text else text + newline
    added: list[str] = []
    style = ""
    for planned in missing:
        section = by_key[planned.key]
        heading, style = _heading_like(parse(out, critical_names=critical_names), planned.title)
        stop = section.critical.close_line if section.critical is not None else section.end
        number = NUMBER_RE.match(heading.removeprefix("## ").strip("*"))
        body = [_renumber(line, planned.number, number.group(1) if number else None)
                for line in rendered.lines[section.body_start:stop]]
        while body and body[-1].strip() in _SEPARATOR_LINES:
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        block = [heading + "\n", "\n", *body]
        if section.critical is not None:
            block = [critical_open(section.critical.name) + "\n", *block, "\n",
                     CRITICAL_CLOSE + "\n"]
        lead = "" if out.endswith(newline * 2) or not out.strip() else newline
        rule = "---" + newline + newline if separated and out.strip() else ""
        out += lead + rule + "".join(line.replace("\n", newline) if not line.endswith("\r\n")
                                     else line for line in block)
        added.append(planned.title)
        record.setdefault("sections", [])
        record["sections"] = [*record["sections"], planned.key]
        if planned.key in ("security", "di", "performance"):
            record[planned.key] = getattr(plan, planned.key)
    # The settings comment is smartspec's own line: it now lists the sections it wrote.
    lines = out.splitlines(keepends=True)
    line = doc.settings_line
    if line is not None:
        ending = lines[line][len(lines[line].rstrip("\r\n")):]
        lines[line] = settings_comment(
            {k: v for k, v in record.items() if k != "schema"}) + ending
    return Extension("".join(lines), added, style=f"{style}; rendered for profile "
                     f"{plan.profile}", stack=found.technologies)
