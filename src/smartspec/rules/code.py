"""What the code blocks of a spec declare and call, read by small per-language extractors.

Specs carry code in TypeScript, Python, Go, Java, C# and Kotlin. The semantic rules need
three facts from it, and only these:

- the *declared types*: an interface, protocol, ABC, port or class and the member names it
  declares (a type that extends something the spec does not show is "open": its members are
  not all known, so nothing is checked against it);
- the *bindings* of each block: a field or parameter name and the declared type it holds
  (``private readonly repo: PaymentRepository``, ``self.repo = repo``, ``repo Repo`` in a
  Go struct, ``private final Repo repo;``);
- the *calls* on those names: ``this.repo.save(``, ``self.repo.save(``, ``s.repo.Save(``,
  ``repo.save(``.

These are not parsers: they read the shapes specs use and nothing else, so that a rule
built on them only speaks when the code plainly says something. Everything is computed once
per spec and kept in ``Context.memo``; what depends on one block's text alone is worked out
once per distinct text, since the specs of a tree share many blocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from smartspec.lazyre import lazy_re, skip_space, word_end, word_start
from smartspec.rules.context import CodeBlock, Context, LineIndex, blank_out, per_text
from smartspec.tuples import NamedTuple

# The info-string words of each language family.
LANGUAGES: dict[str, str] = {
    "typescript": "ts", "ts": "ts", "tsx": "ts", "javascript": "ts", "js": "ts",
    "python": "py", "py": "py", "python3": "py",
    "go": "go", "golang": "go",
    "java": "java", "csharp": "cs", "cs": "cs", "c#": "cs",
    "kotlin": "kt", "kt": "kt",
}

# Members every object has in these languages; a call to one is never a missing method.
_UNIVERSAL = frozenset({
    "toString", "equals", "hashCode", "then", "catch", "finally", "bind", "call", "apply",
    "constructor", "GetType", "ToString", "Equals", "GetHashCode", "valueOf", "copy",
    "__init__", "__enter__", "__exit__", "__aenter__", "__aexit__", "String", "Error",
})
# Words a member regex can catch that are statements, not members.
_KEYWORDS = frozenset({
    "if", "for", "while", "switch", "catch", "return", "function", "new", "await", "async",
    "constructor", "super", "this", "typeof", "sizeof", "throw", "else", "do", "try",
    "func", "fun", "def", "yield", "lambda", "in", "of", "not", "and", "or", "is",
})

# Declarations. Brace languages: "interface Name", "class Name", Go "type Name interface",
# "type Name struct", each with its head up to "{", ";" or the line's end (``_declarations``
# reads them with str operations, as this pattern would):
#   (?:(interface|class|record|object)\s+([A-Za-z_]\w*)|type\s+([A-Za-z_]\w*)\s+
#   (interface|struct))\b([^{;\n]*)
# Python: "class Name(Bases):".
_GO_TYPE_KINDS = ("interface", "struct")
_PY_CLASS_RE = lazy_re(r"^([ \t]*)class\s+([A-Za-z_]\w*)\s*(?:\(([^)]*)\))?\s*:", re.M)
_PY_DEF_RE = lazy_re(r"^([ \t]+)(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(", re.M)
_PY_ATTR_RE = lazy_re(r"^([ \t]+)([A-Za-z_]\w*)\s*:", re.M)
_GO_METHOD_RE = lazy_re(r"\bfunc\s*\(\s*\w+\s+\*?([A-Za-z_]\w*)\s*\)\s*([A-Za-z_]\w*)\s*\(")
_KT_PROP_RE = lazy_re(r"\b(?:val|var)\s+([A-Za-z_]\w*)")
# Python bases that add no members a spec would call.
_PY_NEUTRAL_BASES = frozenset({"Protocol", "ABC", "object", "typing.Protocol", "abc.ABC",
                               "Generic", "metaclass=ABCMeta", "ABCMeta"})

# Bindings: (name, type) in each language's spelling.
#   TS/Kotlin/Python: "name: Type", "private readonly name: Type", "val name: Type"
#   Java/C#:          "Type name;" "Type name," "Type name)" "Type name ="
#   Go:               "name Type" / "name *pkg.Type" in a struct body or a parameter list
# Found from the colon (a literal the regex engine can skip to), then the name before it.
_COLON_TYPE_RE = lazy_re(
    r":\s*([A-Z]\w*)(?:<[^<>]*(?:<[^<>]*>[^<>]*)*>)?(?![\w<]|\s*[\[.])")
_TYPED_BINDING_RE = lazy_re(
    r"\b([A-Z]\w*)(?:<[^<>;()]*>)?\s+([A-Za-z_]\w*)\s*(?=[;,)=])")
_GO_BINDING_RE = lazy_re(r"\b([a-zA-Z_]\w*)\s+\*?(?:[a-z]\w*\.)?([A-Z]\w*)\b(?!\s*[\[.(])")
_PY_SELF_ASSIGN_RE = lazy_re(r"\bself\.([A-Za-z_]\w*)\s*(?::\s*([A-Z]\w*))?\s*=\s*"
                                r"([A-Za-z_]\w*)\s*$", re.M)
# A call on a name: ".method(" found from the dot, then the receiver, the last name before
# it ("this.repo.save(" -> repo, "s.repo.Save(" -> repo, "repo.save(" -> repo).
_DOT_CALL_RE = lazy_re(r"\.\s*([A-Za-z_]\w*)\s*(?:<[^<>()]*>)?\s*\(")


class DeclaredType:
    """A type the spec's code declares, with the members it names. A plain slotted class (not
    a dataclass) so that defining it costs nothing measurable at import."""

    __slots__ = ("kind", "line", "members", "name", "open", "parents")

    def __init__(self, name: str, kind: str, line: int) -> None:
        self.name = name
        self.kind = kind  # interface | class | struct | protocol
        self.line = line  # 0-based document line of the declaration
        self.members: set[str] = set()
        self.parents: list[str] = []
        self.open = False  # some members come from something the spec does not show

    def __repr__(self) -> str:
        return (f"DeclaredType(name={self.name!r}, kind={self.kind!r}, line={self.line!r}, "
                f"members={self.members!r}, parents={self.parents!r}, open={self.open!r})")


class Call(NamedTuple):
    receiver: str
    method: str
    line: int  # 0-based document line
    block: int  # index into Context.blocks


class CodeFacts(NamedTuple):
    types: dict[str, DeclaredType]
    bindings: list[Mapping[str, frozenset[str]]]  # per block: name -> declared type names
    calls: list[Call]


# A block declares a type only if it holds one of these words (then a space).
_DECLARING_WORDS = ("interface ", "class ", "type ", "record ", "object ")


def family(block: CodeBlock) -> str | None:
    return LANGUAGES.get(block.lang)


# Comments and string literals, blanked before code is read (a brace or a call inside them
# is not code). Python has "#" comments and no block comments; the others "//" and "/* */",
# read with str operations (``_brace_noise``) as this pattern reads them, which costs more
# to compile than the blocks of a spec cost to read:
#   //[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`   (re.S)
_PY_NOISE_RE = lazy_re(
    r"#[^\n]*|\"\"\".*?\"\"\"|'\'\'.*?'\'\'|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.S)
_NOISE_MARKS = ("/", '"', "'", "`")


def _blank_noise(match: re.Match[str]) -> str:
    return _blanked(match.group(0))


def _blanked(text: str) -> str:
    """A comment or literal as spaces of its length; a literal keeps its quotes, so it stays
    a literal of the same length."""
    quote = text[0] if text[0] in "\"'`" else ""
    if quote:
        return quote + blank_out(text[1:-1]) + quote
    return blank_out(text)


def _strip_comments(text: str, lang: str) -> str:
    """``text`` with comments and string contents blanked (same length, line ends kept)."""
    if lang == "py":
        return _PY_NOISE_RE.sub(_blank_noise, text)
    pieces: list[str] = []
    kept = 0
    for start, end in _brace_noise(text):
        pieces += [text[kept:start], _blanked(text[start:end])]
        kept = end
    pieces.append(text[kept:])
    return "".join(pieces)


def _brace_noise(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each comment and string literal of brace-language code, in order: at
    each "/", quote or backtick, in turn, the first of the pattern's forms that reads there
    (see above); the next one is looked for after it, or after the mark when none reads."""
    # The next offset of each mark, found again only once it is passed.
    marks = {mark: text.find(mark) for mark in _NOISE_MARKS}
    at = 0
    while True:
        for mark, found in marks.items():
            if 0 <= found < at:
                marks[mark] = text.find(mark, at)
        found_at = [found for found in marks.values() if found >= 0]
        if not found_at:
            return
        start = min(found_at)
        end = _noise_end(text, start)
        if end < 0:
            at = start + 1
            continue
        yield start, end
        at = end


def _noise_end(text: str, start: int) -> int:
    """The end of the comment or literal that starts at ``start`` (a "/", quote or
    backtick), or -1 when none does."""
    mark = text[start]
    if mark == "/":
        after = text[start + 1:start + 2]
        if after == "/":  # a line comment, to the line's end
            end = text.find("\n", start)
            return len(text) if end < 0 else end
        if after == "*":  # a block comment, to the first "*/" after its opening
            end = text.find("*/", start + 2)
            return -1 if end < 0 else end + 2
        return -1
    # A literal: to the next unescaped quote of its kind. A backslash escapes any one
    # character; a line break ends a quoted literal unclosed (a backticked one may span).
    single_line = mark != "`"
    at = start + 1
    while True:
        closing = text.find(mark, at)
        if closing < 0:
            return -1
        slash = text.find("\\", at, closing)
        stop = closing if slash < 0 else slash
        if single_line and text.find("\n", at, stop) >= 0:
            return -1
        if slash < 0:
            return closing + 1
        if slash + 1 == len(text):
            return -1
        at = slash + 2


def _body(text: str, start: int) -> tuple[int, int] | None:
    """The span inside the braces that open at or after ``start`` (None when unbalanced)."""
    opened = text.find("{", start)
    if opened < 0:
        return None
    # Each "}" closes one level, and the "{"s since the previous one opened as many: counted
    # in C between closers, where reading a long body character by character in Python
    # was the costliest part of reading a block's declarations.
    depth, at = 0, opened
    closing = text.find("}", opened)
    while closing >= 0:
        depth += text.count("{", at, closing) - 1
        if depth == 0:
            return opened + 1, closing
        at = closing + 1
        closing = text.find("}", at)
    return None


_NEST_RE = lazy_re(r"[()\[\]{}]")


def name_before(text: str, end: int) -> tuple[str, int] | None:
    """The identifier that ends right before ``end`` (spaces and one "?" skipped), with its
    start offset: the receiver of ".m(" or the name of ": Type"."""
    stop = end
    while stop > 0 and text[stop - 1] in " \t?":
        stop -= 1
    index = word_start(text, stop)
    if index == stop or text[index].isdigit():
        return None
    return text[index:stop], index


def _generic_start(text: str, start: int, end: int) -> int:
    r"""Where the generic parameter list that ends ``text[start:end]`` opens ("<" of
    "run<C>"), or -1: what ``<[^<>()]*>\s*$`` finds searched there, for a text whose
    ``text[end - 1]`` is ">". Only the last "<" before that ">" can open a list holding no
    "<", so one ``rfind`` finds it, where the pattern would be compiled for this alone."""
    opened = text.rfind("<", start, end - 1)
    if opened < 0 or any(char in text[opened + 1:end - 1] for char in ">()"):
        return -1
    return opened


def _names_before(text: str, marks: str) -> set[str]:
    """The identifiers written right before any of ``marks`` ("save(", "name:", "Id {"),
    a generic parameter list in between allowed ("run<C>(")."""
    found: set[str] = set()
    for mark in marks:
        at = text.find(mark)
        while at >= 0:
            end = at
            if mark == "(" and text[at - 1:at] == ">":
                opened = _generic_start(text, max(0, at - 80), at)
                end = opened if opened >= 0 else at
            name = name_before(text, end)
            if name is not None:
                found.add(name[0])
            at = text.find(mark, at + 1)
    return found


def top_level(text: str) -> str:
    """``text`` with everything nested in (), [] or {} blanked: what is left is the member
    list of a type body."""
    out: list[str] = []
    depth = position = 0
    for match in _NEST_RE.finditer(text):
        at = match.start()
        char = text[at]  # the one character matched: a subscript costs less than group()
        segment = text[position:at]
        out.append(segment if depth == 0 else blank_out(segment))
        if char in "([{":
            depth += 1
            out.append(char if depth == 1 else " ")
        else:
            out.append(char if depth == 1 else " ")
            if depth:  # a stray closer at the top level leaves it at the top level
                depth -= 1
        position = at + 1
    tail = text[position:]
    out.append(tail if depth == 0 else blank_out(tail))
    return "".join(out)


_DECLARATION_WORDS = ("interface ", "class ", "record ", "object ", "type ")


class _Declaration(NamedTuple):
    start: int
    kind: str  # interface | class | record | object | struct
    name: str
    head: int  # where the head starts: what follows the name, up to "{", ";" or "\n"
    end: int  # where the head ends


def _declarations(text: str) -> Iterator[_Declaration]:
    """Each declaration that starts where a declaration word starts a word (found with
    str.find), in text order."""
    starts = set()
    for word in _DECLARATION_WORDS:
        at = text.find(word)
        while at >= 0:
            if not (at and (text[at - 1].isalnum() or text[at - 1] == "_")):
                starts.add(at)
            at = text.find(word, at + 1)
    for at in sorted(starts):
        found = _declaration(text, at)
        if found is not None:
            yield found


def name_end(text: str, at: int) -> int:
    """The end of the identifier (``[A-Za-z_]\\w*``) at ``at``; ``at`` when none starts there."""
    first = text[at:at + 1]
    if not (first.isascii() and (first.isalpha() or first == "_")):
        return at
    return word_end(text, at + 1)


def _declaration(text: str, at: int) -> _Declaration | None:
    """The declaration whose word ("interface ", "type ", ...) is at ``at``: the word, then
    after whitespace the name, and for Go's "type" whitespace and "interface" or "struct"."""
    word = text[at:text.index(" ", at)]
    start = skip_space(text, at + len(word))
    head = name_end(text, start)
    if head == start:
        return None
    name, kind = text[start:head], word
    if word == "type":
        kind_at = skip_space(text, head)
        kind_end = name_end(text, kind_at)
        kind = text[kind_at:kind_end]
        if kind_at == head or kind not in _GO_TYPE_KINDS:
            return None
        head = kind_end
    ends = [found for found in (text.find(stop, head) for stop in "{;\n") if found >= 0]
    return _Declaration(at, kind, name, head, min(ends, default=len(text)))


def _brace_types(lang: str, clean: str) -> Iterator[DeclaredType]:
    """The types a brace-language block declares; lines are counted from the block's first
    content line."""
    lines = LineIndex(clean)
    for found in _declarations(clean):
        kind, name = found.kind, found.name
        if kind == "object" and lang != "kt":
            continue
        head = clean[found.head:found.end]
        span = _body(clean, found.head)
        if span is None:
            continue
        between = clean[found.end:span[0] - 1]
        if "=" in head or ";" in between:
            continue  # "type X = ..." or a declaration without a body
        declared = DeclaredType(name, kind, lines.line_of(found.start))
        # What the type extends adds members the rule may not know.
        # Each pattern below needs its literal ("extends", a "("): a head without it is
        # not searched, and the pattern not compiled.
        extends = re.search(r"\bextends\s+([\w.,\s<>]+?)(?:\bimplements\b|$)",
                            head) if "extends" in head else None
        if extends:
            declared.parents += [p.strip().split("<")[0] for p in extends.group(1).split(",")
                                 if p.strip()]
        bare = re.sub(r"\([^()]*\)", "", head) if "(" in head else head
        if lang in ("cs", "kt") and ":" in bare and kind in ("interface", "class"):
            declared.parents += [p.strip().split("(")[0].split("<")[0]
                                 for p in bare.split(":", 1)[1].split(",") if p.strip()]
        body = clean[span[0]:span[1]]
        # An interface's members are its top level; a class names more (method bodies),
        # and reading them all only adds names, which can only silence a finding.
        members = top_level(body) if kind == "interface" else body
        declared.members.update(_names_before(members, "(:{" if lang == "cs" else "(:"))
        if lang == "kt":
            declared.members.update(m.group(1) for m in _KT_PROP_RE.finditer(members))
            header_params = clean[found.head:span[0]]
            declared.members.update(m.group(1) for m in _KT_PROP_RE.finditer(header_params))
        if lang == "ts" and kind == "class":
            # Constructor parameter properties are members too.
            declared.members.update(name for name, _ in _colon_bindings(
                clean[span[0]:span[1]]))
        if lang == "go" and kind == "interface":
            for line in members.splitlines():
                word = line.strip()
                if re.fullmatch(r"[A-Za-z_][\w.]*", word):
                    declared.parents.append(word)  # an embedded interface
        if lang == "go" and kind == "struct":
            declared.members.update(m.group(1) for m in _GO_BINDING_RE.finditer(members))
        declared.members -= _KEYWORDS
        yield declared


def _python_types(clean: str) -> Iterator[DeclaredType]:
    """The classes a Python block declares; lines are counted from the block's first
    content line."""
    lines = LineIndex(clean)
    for match in _PY_CLASS_RE.finditer(clean):
        indent = len(match.group(1).expandtabs())
        declared = DeclaredType(match.group(2), "protocol", lines.line_of(match.start()))
        bases = [b.strip() for b in (match.group(3) or "").split(",") if b.strip()]
        declared.parents += [b.split("[")[0] for b in bases
                             if b.split("[")[0] not in _PY_NEUTRAL_BASES]
        # The body: following lines indented deeper than the class line.
        body_end = len(clean)
        for line_match in re.finditer(r"^([ \t]*)\S", clean[match.end():], re.M):
            if len(line_match.group(1).expandtabs()) <= indent:
                body_end = match.end() + line_match.start()
                break
        body = clean[match.end():body_end]
        member_indent = None
        for regex in (_PY_DEF_RE, _PY_ATTR_RE):
            for member in regex.finditer(body):
                depth = len(member.group(1).expandtabs())
                if member_indent is None and regex is _PY_DEF_RE:
                    member_indent = depth
                if member_indent is None or depth == member_indent:
                    declared.members.add(member.group(2))
        declared.members.update(m.group(1) for m in _PY_SELF_ASSIGN_RE.finditer(body))
        yield declared


def _colon_bindings(text: str) -> Iterator[tuple[str, str]]:
    """(name, Type) of every "name: Type" / "name?: Type" in ``text``."""
    for match in _COLON_TYPE_RE.finditer(text):
        before = name_before(text, match.start())
        if before is not None:
            yield before[0], match.group(1)


def _bindings(lang: str, clean: str) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}

    def bind(name: str, type_name: str) -> None:
        found.setdefault(name, set()).add(type_name)

    if lang in ("ts", "kt", "py"):
        for name, type_name in _colon_bindings(clean):
            bind(name, type_name)
    if lang in ("java", "cs"):
        for match in _TYPED_BINDING_RE.finditer(clean):
            bind(match.group(2), match.group(1))
    if lang == "go":
        for match in _GO_BINDING_RE.finditer(clean):
            bind(match.group(1), match.group(2))
    if lang == "py":
        for match in _PY_SELF_ASSIGN_RE.finditer(clean):
            attribute, annotated, source = match.groups()
            if annotated:
                bind(attribute, annotated)
            for type_name in found.get(source, ()):
                bind(attribute, type_name)
    return {name: frozenset(types) for name, types in found.items()}


# What one block declares, as plain values (lines counted from the block's first content
# line): the specs of a tree share many blocks, so this is worked out once per distinct
# block text and the spec's own DeclaredType objects are made from it.
#   types:      (name, kind, line, members, parents) per declaration, in text order
#   go_methods: (receiver type, method, line) per Go method declaration
class _Declarations(NamedTuple):
    clean: str  # the text with comments and strings blanked where the block declares
    types: tuple[tuple[str, str, int, frozenset[str], tuple[str, ...]], ...]
    go_methods: tuple[tuple[str, str, int], ...]


@per_text
def _declarations_of(lang: str, text: str) -> _Declarations:
    # Comments and strings are blanked only in a block that declares something (a brace
    # inside a string would break a body); calls and bindings are read from the text as it
    # is.
    declared: tuple[DeclaredType, ...] = ()
    clean = text
    if any(word in text for word in _DECLARING_WORDS):
        clean = _strip_comments(text, lang)
        declared = tuple(_python_types(clean) if lang == "py" else _brace_types(lang, clean))
    go_methods: tuple[tuple[str, str, int], ...] = ()
    if lang == "go" and "func" in clean:
        lines = LineIndex(clean)
        go_methods = tuple((m.group(1), m.group(2), lines.line_of(m.start()))
                           for m in _GO_METHOD_RE.finditer(clean))
    return _Declarations(clean, tuple(
        (d.name, d.kind, d.line, frozenset(d.members), tuple(d.parents)) for d in declared),
        go_methods)


@per_text
def _uses_of(lang: str, clean: str) -> tuple[Mapping[str, frozenset[str]],
                                            tuple[tuple[str, str, int], ...]]:
    """The bindings of one block and the calls on its bound names as (receiver, method,
    line from the block's first content line); once per distinct block text."""
    bound = _bindings(lang, clean)
    lines = LineIndex(clean)
    calls = []
    for match in _DOT_CALL_RE.finditer(clean):
        receiver = name_before(clean, match.start())
        if receiver is None or receiver[0] not in bound:
            continue
        calls.append((receiver[0], match.group(1), lines.line_of(match.start(1))))
    return bound, tuple(calls)


def code_facts(ctx: Context) -> CodeFacts:
    """Declared types, bindings and calls of every code block in a supported language."""
    return ctx.once("code", _read_code_facts)


def _read_code_facts(ctx: Context) -> CodeFacts:
    types: dict[str, DeclaredType] = {}
    bindings: list[Mapping[str, frozenset[str]]] = []
    calls: list[Call] = []
    cleaned: list[tuple[int, str, str]] = []
    for number, block in enumerate(ctx.blocks):
        lang = family(block)
        bindings.append({})
        if lang is None:
            continue
        found = _declarations_of(lang, block.text)
        for name, kind, line, members, parents in found.types:
            known = types.get(name)
            if known is None:
                item = types[name] = DeclaredType(name, kind, block.first + line)
                item.members.update(members)
                item.parents += parents
            else:  # the same name declared twice (a port and its class): members add up
                known.members |= members
                known.parents += parents
        for receiver, method, line in found.go_methods:
            types.setdefault(receiver, DeclaredType(
                receiver, "struct", block.first + line)).members.add(method)
        cleaned.append((number, lang, found.clean))
    _resolve_parents(types)
    for number, lang, clean in cleaned:
        # Only a block that names a declared type can bind a field to one.
        if not any(name in clean for name in types):
            continue
        bound, uses = _uses_of(lang, clean)
        bindings[number] = bound
        first = ctx.blocks[number].first
        calls += [Call(receiver, method, first + line, number) for receiver, method, line in uses]
    return CodeFacts(types, bindings, calls)


def _resolve_parents(types: dict[str, DeclaredType]) -> None:
    """Give each type its parents' members; a parent the spec does not declare opens it."""
    done: set[str] = set()

    def resolve(name: str, seen: frozenset[str]) -> None:
        declared = types[name]
        if name in done:
            return
        for parent in declared.parents:
            short = parent.rsplit(".", 1)[-1]
            if short in types and short not in seen:
                resolve(short, seen | {short})
                declared.members |= types[short].members
                declared.open = declared.open or types[short].open
            else:
                declared.open = True
        done.add(name)

    for name in list(types):
        resolve(name, frozenset({name}))


def is_universal(member: str) -> bool:
    return member in _UNIVERSAL
