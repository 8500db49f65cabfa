"""The two catalogues of words (report/locales/en.json and th.json) hold the same keys in the
same parts, with the same placeholders, and every key the code asks for exists."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest

from smartspec.report.locales import LANGUAGES, catalogue, text

LOCALES = Path(__file__).resolve().parents[2] / "src" / "smartspec" / "report" / "locales"


def _fields(sentence: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(sentence) if name}


def test_every_language_has_a_catalogue_file_and_no_other_file_is_there() -> None:
    assert sorted(p.stem for p in LOCALES.glob("*.json")) == sorted(LANGUAGES)


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_key_exists_in_both_languages_with_the_same_placeholders(lang: str) -> None:
    english, other = catalogue("en"), catalogue(lang)
    assert sorted(other) == sorted(english)
    for part, sentences in english.items():
        assert sorted(other[part]) == sorted(sentences), part
        for key, sentence in sentences.items():
            assert other[part][key].strip(), f"{lang}: {part}.{key} is empty"
            assert _fields(other[part][key]) == _fields(sentence), f"{lang}: {part}.{key}"


def test_the_catalogues_are_plain_json_objects_of_strings() -> None:
    for lang in LANGUAGES:
        data = json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))
        assert all(isinstance(v, str) for part in data.values() for v in part.values())


def test_an_unknown_language_falls_back_to_english_and_fields_are_filled() -> None:
    assert catalogue("fr") is catalogue("en")
    assert text("edit", "restore_same", "th", spec="a.md", backup="b.md") == (
        "ไม่มีอะไรต้องกู้คืน: a.md ตรงกับ b.md อยู่แล้ว")
    assert text("rules", "coverage-dangling", "en", task="T001", tasks="tasks.md", line="3",
                rid="EP-1") == "task T001 in tasks.md (line 3) names EP-1, which the spec does not define"
