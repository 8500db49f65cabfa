"""Every sentence the rules and their reports print, in English and Thai (the text lives in
``report/locales``, one catalogue per language).

Findings keep a message id and its arguments, so one finding can be shown in either language
(``--lang``) while JSON and SARIF always carry the English text machines can match on. Each
sentence is looked up in the catalogue of the language asked for when it is shown, so a run
in English never reads the Thai catalogue. Placeholders are ``str.format`` fields, the same
in both languages (a unit test holds them to it); the English of the consistency rules keeps
the original SmartSpec command's wording, which people search for.
"""

from __future__ import annotations

from collections.abc import Mapping

from smartspec.report.locales import catalogue


def message(message_id: str, args: Mapping[str, str], lang: str = "en") -> str:
    return catalogue(lang)["rules"][message_id].format(**args)


def label(key: str, lang: str = "en") -> str:
    return catalogue(lang)["rule_labels"][key]


def count(n: int, what: str, lang: str = "en") -> str:
    """'1 error', '2 warnings', '10 checks passed' (en); 'ข้อผิดพลาด 2 รายการ' (th)."""
    if lang == "th":
        word = {"error": "ข้อผิดพลาด", "warning": "คำเตือน", "passed": "ผ่าน",
                "file": "ไฟล์", "failed": "ไฟล์ที่มีข้อผิดพลาด"}[what]
        return f"{word} {n} รายการ"
    if what == "passed":
        return f"{n} check{'' if n == 1 else 's'} passed"
    if what == "failed":
        return f"{n} with errors"
    return f"{n} {what}{'' if n == 1 else 's'}"


def rule_words(name: str) -> dict[str, str]:
    """A rule's fix hint and its passed line in English, from the catalogue: the keywords
    ``RULES.rule`` takes (``hint``, ``passed``). The Thai words are read when shown
    (``rule_text``)."""
    english = catalogue("en")
    return {"hint": english["rule_hints"][name], "passed": english["rule_passed"][name]}


def rule_text(part: str, name: str, lang: str) -> str:
    """A rule's words of ``part`` (``rule_hints`` or ``rule_passed``) in ``lang``; "" for a
    rule the catalogues do not have (the API drift rules carry their own English)."""
    return catalogue(lang)[part].get(name, "")


def pairs(part: str) -> dict[str, tuple[str, str]]:
    """Key -> (English, Thai) for one part of the catalogues (``rules``: the findings'
    sentences; ``rule_labels``: the words of the reports), for checks that compare the two."""
    english, thai = catalogue("en")[part], catalogue("th")[part]
    return {key: (english[key], thai[key]) for key in english}
