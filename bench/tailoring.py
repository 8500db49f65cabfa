"""How tailored generated specs are: the average share of identical non-empty lines between
the specs of the unrelated systems (tests/content/cases.py SYSTEMS), headings and
horizontal rules excluded. Lower is better; the target is 20% or less.

    python bench/tailoring.py [--sections] [--kinds] [--pairs] [--lines N]

For each ordered pair (A, B) the share is |lines of A also in B| / |lines of A|, counting each
line of A once per occurrence; the figure printed is the mean over all pairs, and the closest
pair is named. ``--sections`` splits the figure by the section (``##`` heading) a shared line
sits in: each section's part is what it adds to the mean, so the parts sum to the figure and
the largest part is where tailoring is weakest. ``--kinds`` splits it the same way by what a
shared line is: worded text, or structure any two Markdown specs share (braces and fences,
fence openers, header fields, table headers, critical markers). ``--pairs`` lists every pair; ``--lines N``
prints the N lines shared by the most pairs, or with ``--in SECTION`` the N lines of that
section that add most to the mean.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.content.cases import SYSTEMS  # noqa: E402
from tests.helpers import render_case  # noqa: E402


def content_lines(text: str) -> list[str]:
    """The lines that carry content: not blank, not a heading, not a rule or table ruler."""
    return [line for _, line in sectioned_lines(text)]


def sectioned_lines(text: str) -> list[tuple[str, str]]:
    """(section title, line) for each content line; the title is the last ``## `` heading
    above it (a heading inside a code fence is code, not a section)."""
    found = []
    section, fenced = "(header)", False
    # A critical-block opener stands just above the heading it guards: it belongs to the
    # section that follows, not to the one it ends.
    opener: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            section = re.sub(r"^\d+(\.\d+)*\.?\s*", "", line[3:].strip())
        if not fenced and stripped.startswith("<!-- @critical"):
            opener.append(stripped)
            continue
        if not stripped or stripped.startswith("#") or set(stripped) <= set("-|: "):
            continue
        found += [(section, marker) for marker in opener]
        opener = []
        found.append((section, stripped))
    return found + [(section, marker) for marker in opener]


def shared(a: list[str], b: list[str]) -> float:
    """The share of ``a``'s lines that also occur in ``b`` (multiset intersection)."""
    if not a:
        return 0.0
    common = Counter(a) & Counter(b)
    return sum(common.values()) / len(a)


def kind_of(section: str, line: str) -> str:
    """What a content line is, for ``--kinds``: structure every spec has, or worded text."""
    if not any(c.isalnum() for c in line):
        return "punctuation (braces, closing fences)"
    if line.startswith(("```", "~~~")):
        return "fence opener"
    if line.startswith("<!--"):
        return "critical marker or settings comment"
    if section == "(header)":
        return "header fields"
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    if line.startswith("|") and len(cells) >= 2 and all(
            cell[:1].isupper() and not any(c in cell for c in "`0123456789") for cell in cells):
        return "table header"
    return "worded"


def by_section(a: list[tuple[str, str]], b: list[str]) -> Counter[str]:
    """How many of ``a``'s lines, by section, also occur in ``b`` (multiset intersection,
    taken in order so a line repeated in ``a`` counts only as often as ``b`` has it)."""
    left = Counter(b)
    counts: Counter[str] = Counter()
    for section, line in a:
        if left[line] > 0:
            left[line] -= 1
            counts[section] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", action="store_true", help="split the figure by section")
    parser.add_argument("--kinds", action="store_true",
                        help="split the figure by kind of line (worded or structure)")
    parser.add_argument("--pairs", action="store_true", help="print every pair's share")
    parser.add_argument("--lines", type=int, default=0, help="print the N most shared lines")
    parser.add_argument("--in", dest="within", metavar="SECTION", default="",
                        help="with --lines: the lines of sections whose title starts with "
                             "SECTION, ranked by what they add to the mean")
    args = parser.parse_args(argv)
    texts = {name: render_case(argv) for name, argv in SYSTEMS.items()}
    located = {name: sectioned_lines(text) for name, text in texts.items()}
    specs = {name: [line for _, line in lines] for name, lines in located.items()}
    pairs = [(x, y, shared(specs[x], specs[y])) for x, y in itertools.permutations(specs, 2)]
    mean = sum(share for _, _, share in pairs) / len(pairs)
    closest = max(pairs, key=lambda p: p[2])
    print(f"specs: {len(specs)}; pairs: {len(pairs)}")
    print(f"mean share of identical lines: {mean:.1%} (target <= 20%)")
    print(f"closest pair: {closest[0]} vs {closest[1]}: {closest[2]:.1%}")
    # A second, labelled figure: lines made only of punctuation (code braces, fences) are
    # shared by any two specs with code in them and say nothing about tailoring.
    worded = {name: [line for line in lines if any(c.isalnum() for c in line)]
              for name, lines in specs.items()}
    pairs_worded = [shared(worded[x], worded[y]) for x, y in itertools.permutations(worded, 2)]
    print(f"same, lines with no letter or digit also excluded: "
          f"{sum(pairs_worded) / len(pairs_worded):.1%}")
    for name in specs:
        row = [share for x, _, share in pairs if x == name]
        print(f"  {name:<28} {len(specs[name]):>5} lines, mean shared {sum(row) / len(row):.1%}")
    if args.sections:
        parts: dict[str, float] = {}
        for x, y in itertools.permutations(specs, 2):
            for section, count in by_section(located[x], specs[y]).items():
                parts[section] = parts.get(section, 0.0) + count / len(specs[x]) / len(pairs)
        print("part of the mean by section:")
        for section, part in sorted(parts.items(), key=lambda item: -item[1]):
            print(f"  {part:6.1%}  {section}")
    if args.kinds:
        kinds: dict[str, float] = {}
        for x, y in itertools.permutations(specs, 2):
            left = Counter(specs[y])
            for section, line in located[x]:
                if left[line] > 0:
                    left[line] -= 1
                    kind = kind_of(section, line)
                    kinds[kind] = kinds.get(kind, 0.0) + 1 / len(specs[x]) / len(pairs)
        print("part of the mean by kind of line:")
        for kind, part in sorted(kinds.items(), key=lambda item: -item[1]):
            print(f"  {part:6.1%}  {kind}")
    if args.pairs:
        for x, y, share in sorted(pairs, key=lambda p: -p[2]):
            print(f"  {share:6.1%}  {x} vs {y}")
    if args.lines and args.within:
        # A line's weight is what it adds to the mean, as in --sections.
        weight: Counter[str] = Counter()
        for x, y in itertools.permutations(specs, 2):
            left = Counter(specs[y])
            for section, line in located[x]:
                if left[line] > 0:
                    left[line] -= 1
                    if section.startswith(args.within):
                        weight[line] += 1 / len(specs[x]) / len(pairs)
        print(f"lines of {args.within!r} that add most to the mean:")
        for line, part in weight.most_common(args.lines):
            print(f"  {part:6.2%}  {line[:110]}")
    elif args.lines:
        spread: Counter[str] = Counter()
        for lines in specs.values():
            spread.update(set(lines))
        print("lines found in the most specs:")
        for line, count in spread.most_common(args.lines):
            print(f"  {count:>2}  {line[:110]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
