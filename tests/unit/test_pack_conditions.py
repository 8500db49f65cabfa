"""When a conditional item of a domain pack applies (``domains.applies``): one of its
``when`` signals, every one of its ``all`` signals, none of its ``unless`` ones."""

from __future__ import annotations

import pytest

from smartspec.domains import applies

SIGNALS = {"ai-provider", "rest", "entity:model", "chat"}


@pytest.mark.parametrize(("item", "expected"), [
    ({"value": 1}, True),  # unconditional
    ({"when": ["chat", "llm"], "value": 1}, True),
    ({"when": ["llm"], "value": 1}, False),
    ({"unless": ["ai-provider"], "value": 1}, False),
    ({"unless": ["model-serving"], "value": 1}, True),
    ({"all": ["ai-provider", "entity:model"], "value": 1}, True),
    ({"all": ["ai-provider", "entity:prediction"], "value": 1}, False),
    ({"when": ["ai-provider"], "unless": ["entity:model"], "value": 1}, False),
    ({"when": ["ai-provider"], "unless": ["entity:prediction"], "value": 1}, True),
])
def test_a_conditional_item_applies_by_its_signals(item: dict[str, object],
                                                   expected: bool) -> None:
    assert applies(item, SIGNALS) is expected


def test_an_unconditional_item_applies_to_a_system_with_no_signals() -> None:
    assert applies({"value": 1}, set()) and applies({"unless": ["x"], "value": 1}, set())
    assert not applies({"when": ["x"], "value": 1}, set())
