"""Property: re-running ``tasks`` after an unrelated edit of the spec keeps every ticked box
and every line a person added to tasks.md."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartspec.delivery import managed, tasks
from smartspec.delivery.items import read_facts
from tests.delivery_cases import CASES, spec_rel, spec_text

_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ,.", min_size=1, max_size=40)


def _render(text: str, rel: str, on_disk: str | None) -> list[managed.Block]:
    return tasks.render_blocks(read_facts(text, rel), rel, on_disk)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(sorted(CASES)), data=st.data())
def test_ticks_and_person_lines_survive_an_unrelated_spec_edit(case: str,
                                                               data: st.DataObject) -> None:
    spec, rel = spec_text(case), spec_rel(case)
    first = managed.merge(None, _render(spec, rel, None), {}, tasks.task_key)
    lines = first.text.splitlines(keepends=True)
    task_lines = [i for i, line in enumerate(lines) if managed.TASK_RE.match(line)]
    ticked = data.draw(st.sets(st.sampled_from(task_lines), max_size=6))
    notes = data.draw(st.lists(st.tuples(st.sampled_from(range(len(lines) + 1)), _WORDS),
                               max_size=4))
    for index in ticked:
        lines[index] = lines[index].replace("- [ ]", "- [x]", 1)
    person = []
    for position, words in sorted(notes, reverse=True):
        note = f"Note from a person: {words.strip() or 'x'}\n"
        person.append(note)
        lines.insert(position, note)
    on_disk = "".join(lines)
    ticked_ids = {tasks.REQ_RE.search(lines_at).group("rid")  # type: ignore[union-attr]
                  for lines_at in on_disk.splitlines() if lines_at.startswith("- [x]")}

    # An unrelated edit: a paragraph in the first section, a word changed in prose.
    paragraph = data.draw(_WORDS)
    first_heading = re.search(r"^## .*\n", spec, re.M)
    assert first_heading is not None
    edited = (spec[:first_heading.end()] + f"\nA person wrote: {paragraph}\n\n"
              + spec[first_heading.end():])

    second = managed.merge(on_disk, _render(edited, rel, on_disk), first.hashes, tasks.task_key)
    for note in person:
        assert note in second.text
    still_ticked = {tasks.REQ_RE.search(line).group("rid")  # type: ignore[union-attr]
                    for line in second.text.splitlines() if line.startswith("- [x]")}
    assert ticked_ids <= still_ticked
    # Nothing the spec did not change was rewritten, so every task line is where it was.
    assert [line for line in second.text.splitlines() if managed.TASK_RE.match(line)] == \
        [line for line in on_disk.splitlines() if managed.TASK_RE.match(line)]
