"""The readers that cut names, descriptions and CHECK lists into words with ``str`` operations
(so that planning and rendering a spec compile no pattern for them) are held here to the
patterns they replaced, on generated text made of the pieces those patterns care about
(ASCII and other letters and digits, Unicode spaces and line breaks, dashes, quotes,
brackets) and on the names and descriptions of every golden case."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from smartspec import detect, plan, prose, specids, template_runtime
from smartspec.content import sql, system
from smartspec.digest import sha256_hex
from smartspec.domains import _signal_words
from tests.golden_cases import CASES

PIECES = ["a", "Z", "q", "Pay", "ment", "API", "Id", "x9", "0", "42", "_", "-", "--", "'", ".",
          "#", "+", "/", " ", "  ", "\t", "\n", "\r", "\x0c", "\x1c", "\x85", "\u00a0", "\u2003",
          "é", "ß", "İ", "\u212a", "٣", "²", "½", "ก", "ไทย", "\u0e7f", "\u0e80", "\u0dff", "😀",
          "(", ")", "IN", "in", "xIN", " IN (", "IN(", "'A'", "''", "', '", "DECIMAL(19,4)",
          "c#", "node.js", "pub/sub", "3d-model"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)
SAMPLES = [text for argv in CASES.values() for text in argv if not text.startswith("--")]


def _finditer(pattern: str, text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in re.finditer(pattern, text)]


@settings(max_examples=400, deadline=None)
@given(TEXTS)
@example("PaymentService")
@example("saga_state ordered by status DESC")
def test_name_readers_agree_with_their_patterns(text: str) -> None:
    for sample in [text, *SAMPLES]:
        assert prose.ascii_words(sample) == [w for w in re.split(r"[^A-Za-z0-9]+", sample) if w]
        assert prose.camel_break(sample, "_") == re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", sample)
        assert prose.ascii_letter_runs(sample) == _finditer(r"[A-Za-z]+", sample)
        for also in ("", ".#+/-", "'-"):
            assert prose.word_runs(sample, also) == _finditer(f"[\\w{re.escape(also)}]+", sample)
        assert prose.word_runs(sample, detect._TOKEN_EXTRA) == [
            (m.start(), m.group(0)) for m in detect._TOKEN_RE.finditer(sample)]
        assert _signal_words(sample) == {
            w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9-]*", sample)}


def _old_slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    slug = re.sub(r"-{2,}", "-", slug)[:64].rstrip("-")
    if not slug and any(ord(c) > 127 and not c.isspace() for c in name):
        slug = "name-" + sha256_hex(name.strip())[:8]
    return slug


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_slugs_titles_and_filters_are_what_the_patterns_made(text: str) -> None:
    for sample in [text, *SAMPLES]:
        assert plan.slugify(sample) == _old_slugify(sample)
        assert template_runtime.slug(sample) == re.sub(
            r"[^a-z0-9]+", "_", sample.lower()).strip("_")
        assert template_runtime.kebab(sample) == re.sub(
            r"[^a-z0-9]+", "-", sample.lower()).strip("-")
        words = [w for w in re.split(r"[^A-Za-z0-9]+", sample) if w]
        assert template_runtime.camel(sample) == _old_camel(words, upper=False)
        assert template_runtime.pascal(sample) == _old_camel(words, upper=True)


def _old_camel(words: list[str], upper: bool) -> str:
    joined = "".join(w[:1].upper() + w[1:].lower() for w in words)
    return joined if upper or not joined else joined[:1].lower() + joined[1:]


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_titles_split_where_the_pattern_split(text: str) -> None:
    words = re.split(r"[-_\s]+", text.strip())
    expected = " ".join(plan.TITLE_WORDS.get(w.lower()) or (
        w if w.isupper() or any(c.isupper() for c in w[1:]) else w.capitalize())
        for w in words if w)
    assert plan.title_from_name(text) == expected


SLUGGISH = st.lists(st.sampled_from(["a", "z", "0", "9", "-", "A", "_", "\n", " ", "é", "٣"]),
                    max_size=70).map("".join)


@settings(max_examples=600, deadline=None)
@given(SLUGGISH)
@example("ab\n")
@example("ab\n\n")
@example("a" * 64)
@example("a" * 65)
@example("a" * 32 + "\n")
@example("-a")
@example("\n")
def test_slug_and_category_checks_agree_with_their_patterns(text: str) -> None:
    assert specids.is_slug(text) == bool(specids.SLUG_RE.match(text))
    assert specids.is_category(text) == bool(specids.CATEGORY_RE.match(text))


CHECKS = st.lists(st.sampled_from(["status", " IN ", "IN", "xIN", "_IN", "éIN", " (", "(", ")",
                                   "'A'", "'B C'", "''", "'", ", ", "\n", "\u00a0", "~ '^[A-Z]$'",
                                   "DECIMAL(19,4)", "a", "NOT "]), max_size=12).map("".join)


@settings(max_examples=600, deadline=None)
@given(CHECKS)
@example("status IN ('PENDING', 'DONE')")
@example("status IN\u00a0('A')")
@example("xIN ('A') AND kind IN ('B')")
@example("currency ~ '^[A-Z]{3}$'")
def test_sql_readers_agree_with_their_patterns(text: str) -> None:
    listed = re.search(r"\bIN\s*\(([^)]*)\)", text)
    assert sql.check_values(text) == (
        re.findall(r"'([^']+)'", listed.group(1)) if listed else [])
    assert sql._quoted(text) == re.findall(r"'([^']+)'", text)
    assert sql._without_parentheses(text) == re.sub(r"\(.*\)", "", text)
    assert sql._before_space(text) == re.sub(r"\s.*", "", text)


@given(TEXTS)
@example("ชำระเงิน")
@example("\u0e7f")
@example("\u0e80")
def test_thai_text_means_baht_as_the_pattern_said(text: str) -> None:
    facts: Any = SimpleNamespace(external_apis=(), text=text)
    expected = "THB" if re.search(r"[\u0E00-\u0E7F]", text) else "USD"
    assert system.currency_for(facts) == expected


SERVICE_PIECES = ["Order ", "order", "billing-", "service", "services", "Service", "SERVICES",
                  "servi", "ce", "r", "s", " ", "  ", "-", "_", "x9", "9", "a", "web ", "the ",
                  ",", "\t", "\n", ".", "ſ", "\u212a", "é"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(SERVICE_PIECES), max_size=14).map("".join))
@example("an order service and billing-services, the Cost Management service")
@example("web servicer service")
@example("a_b service")
@example("9lives service")
@example("Order Services_x")
def test_service_phrases_are_what_the_pattern_found(text: str) -> None:
    expected = [m.group(1) for m in detect.SERVICE_RE.finditer(text)]
    assert detect._service_phrases(text) == expected


API_PIECES = ["Stripe", "Acme", "A", "B", " ", "  ", "\t", "\u00a0", "\n", "API", "APIs", "Api",
              "Pay", "X", "x", "_", "9", "é", "Ä", "-", "(", "the "]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(API_PIECES), max_size=14).map("".join))
@example("the Stripe API and the Acme Pay API")
@example("Acme API API")
@example("Acme APIs API")
@example("éAcme API")
@example("Acme\u00a0Pay\u2003API_")
def test_named_apis_are_what_the_pattern_found(text: str) -> None:
    expected = [(m.start(), m.group(1)) for m in detect.NAMED_API_RE.finditer(text)]
    assert detect._named_apis(text) == expected


ID_PIECES = ["spec-", "spec", "-", "core", "core2", "a", "z", "0", "001", "12", "1234", "٣", "x",
             "payment", "-processing", "\n", "A", "_", " ", "é", "a" * 30, "b" * 40]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(ID_PIECES), max_size=10).map("".join))
@example("spec-001-payment-processing")
@example("spec-core-004")
@example("spec-core-004-auth\n")
@example("spec-004\n")
@example("spec-004\n\n")
@example("spec-٣٣٣-x1")
@example("spec-001-" + "a" * 64)
@example("spec-001-" + "a" * 65)
@example("spec-core-abc")
@example("spec-001-")
def test_spec_id_parts_are_the_patterns_groups(text: str) -> None:
    match = specids.GIVEN_ID_RE.match(text)
    expected = None if match is None else (
        match.group("category"), match.group("number"), match.group("slug"))
    assert specids.spec_id_parts(text) == expected


ID_PIECES = st.tuples(
    st.sampled_from(["spec-", "spec-feature-", "spec-core-", "spec-x1-", "SPEC-", "spec--",
                     "specs-", "spec-1-", ""]),
    st.sampled_from(["001", "12", "0042", "٣٣٣", "1000", "99", "x01", ""]),
    st.sampled_from(["", "-pay", "-a", "\n", "-Bad", "-pay-2"])).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.sets(ID_PIECES, max_size=12), st.sampled_from(["feature", "core", "x1", "tools"]))
@example({"spec-001-pay", "spec-٣٣٣-pay", "spec-feature-0042", "spec-core-1000-a"}, "feature")
def test_next_number_reads_only_its_categorys_ids_and_agrees_with_reading_all(
        ids: set[str], category: str) -> None:
    highest = 0
    for spec_id in ids:
        parts = specids.spec_id_parts(spec_id)
        if parts is not None and (parts[0] or "feature") == category:
            highest = max(highest, int(parts[1]))
    assert plan.next_number(category, ids) == highest + 1
