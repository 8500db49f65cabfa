"""How tailored generated specs are: the average share of identical non-empty lines between
the specs of twelve unrelated systems (tests/content/cases.py SYSTEMS), headings and
horizontal rules excluded. Lower is better; the target is 20% or less.

    python bench/tailoring.py

For each ordered pair (A, B) the share is |lines of A also in B| / |lines of A|, counting each
line of A once per occurrence; the figure printed is the mean over all pairs, and the closest
pair is named.
"""

from __future__ import annotations

import itertools
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.content.cases import SYSTEMS  # noqa: E402
from tests.helpers import render_case  # noqa: E402


def content_lines(text: str) -> list[str]:
    """The lines that carry content: not blank, not a heading, not a rule or table ruler."""
    found = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or set(stripped) <= set("-|: "):
            continue
        found.append(stripped)
    return found


def shared(a: list[str], b: list[str]) -> float:
    """The share of ``a``'s lines that also occur in ``b`` (multiset intersection)."""
    if not a:
        return 0.0
    common = Counter(a) & Counter(b)
    return sum(common.values()) / len(a)


def main() -> int:
    specs = {name: content_lines(render_case(argv)) for name, argv in SYSTEMS.items()}
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
