"""Every sentence the rules and their reports print, in English and Thai (the text lives in
``report/locales``, one catalogue per language).

Findings keep a message id and its arguments, so one finding can be shown in either language
(``--lang``) while JSON and SARIF always carry the English text machines can match on.
"""

from __future__ import annotations

from collections.abc import Mapping


def _pairs(part: str) -> dict[str, tuple[str, str]]:
    from smartspec.report.locales import catalogue

    english, thai = catalogue("en")[part], catalogue("th")[part]
    return {key: (english[key], thai[key]) for key in english}


# message id -> (English, Thai), from the catalogues in ``report/locales``. Placeholders are
# str.format fields; both languages use the same fields (a unit test holds them to it). The
# English of the consistency rules keeps the original SmartSpec command's wording, which
# people search for.
MESSAGES: dict[str, tuple[str, str]] = _pairs("rules")
# Words of the console and Markdown reports.
LABELS: dict[str, tuple[str, str]] = _pairs("rule_labels")


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "th" else pair[0]


def message(message_id: str, args: Mapping[str, str], lang: str = "en") -> str:
    return _pick(MESSAGES[message_id], lang).format(**args)


def label(key: str, lang: str = "en") -> str:
    return _pick(LABELS[key], lang)


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
    """A rule's fix hint and its passed line, in English and Thai, from the catalogues: the
    keywords ``RULES.rule`` takes (``hint``, ``passed``, ``hint_th``, ``passed_th``)."""
    from smartspec.report.locales import catalogue

    english, thai = catalogue("en"), catalogue("th")
    return {"hint": english["rule_hints"][name], "passed": english["rule_passed"][name],
            "hint_th": thai["rule_hints"][name], "passed_th": thai["rule_passed"][name]}
