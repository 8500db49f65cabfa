"""The figures rule: numbers a spec states must add up.

- latency percentiles stated together never fall as the percentile rises (P50 <= P95 <= P99);
- an availability figure and the yearly or monthly downtime stated with it agree;
- a retry schedule fits the deadline its section states (a saga that must finish within
  5 minutes cannot wait 1s + 5s + 30s + 10m between attempts);
- a connection pool per instance times the maximum instance count fits a stated database
  connection limit.

Figures are read from prose lines and table rows, never from code blocks. A figure counts
only when its meaning is plain on its line (a percentile and its duration, a percentage and
the word uptime/availability/SLA, a delay list next to "retry" or "backoff"): ambiguous text
gives no finding.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from itertools import pairwise

from smartspec.lazyre import (
    FOLDS_TO_ASCII,
    is_word_char,
    lazy_re,
    search_words,
    skip_space,
    space_before,
)
from smartspec.rules.base import RULES, Hit
from smartspec.rules.context import Context, per_text
from smartspec.rules.messages import rule_words

_UNIT_SECONDS = {
    "ms": 0.001, "millisecond": 0.001, "milliseconds": 0.001,
    "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
    "m": 60.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
    "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "d": 86400.0, "day": 86400.0, "days": 86400.0,
}
_UNIT = r"(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)"
_DURATION = r"(\d+(?:\.\d+)?)\s*" + _UNIT + r"(?![A-Za-z])"
# One scanner for every duration the rule reads ("200ms", "1.5 s", "30 seconds"): the
# percentiles, the retry schedules and the deadlines are found around its matches with
# string tests, instead of each compiling a pattern of its own around the same duration.
# It finds a number and the ASCII letters after it, and a duration is one whose letters are a
# unit: what ``_DURATION`` finds, since its unit may not be followed by a letter, at a tenth
# of the cost to compile (``_durations``, ``_duration_at``).
_NUMBER_WORD_RE = lazy_re(r"(\d+(?:\.\d+)?)\s*([A-Za-z]+)")
_DURATION_UNITS = frozenset(unit for unit, seconds in _UNIT_SECONDS.items()
                            if seconds < 86400)  # days are read in downtimes only
# "P50: < 100ms", "p99 latency ≤ 1.2 s", "| P95 | 200 ms |": a percentile, then within 24
# characters that are neither ASCII digits nor a line break, a duration
# (``_percentile_figures``).
_PERCENTILE_GAP = 24
_NOT_IN_GAP = frozenset("0123456789\n")
# Literal-led patterns and words: the regex engine (or str.find) skips to them, where a
# pattern that starts with a look-behind or a case-insensitive alternation would be tried
# at every position of the spec.
# "P95", "p99.9": one pattern per letter, for a pattern that starts with a literal lets the
# engine jump from one "p" to the next, where "[Pp]" is tried at every position (five times
# slower over a whole spec). A match holds no "p", so the two never overlap: together they
# find what ``[Pp]\d\d(?:\.\d+)?(?![\d.])`` finds (``_percentile_labels``).
_PERCENTILE_STARTS = (lazy_re(r"p\d\d(?:\.\d+)?(?![\d.])"),
                      lazy_re(r"P\d\d(?:\.\d+)?(?![\d.])"))
_DEADLINE_WORDS = ("within", "deadline", "total timeout", "total budget", "overall timeout",
                   "overall budget", "budget of")
_LIMIT_WORDS = ("max_connections", "connection limit", "max connections",
                "maximum connections", "max database connections", "max db connections")
# The lines the pool check reads: the limit itself, pool sizes, instance counts, poolers.
_POOL_WORDS = (*_LIMIT_WORDS, "pool", "instances", "replicas", "pods", "maxreplicas",
               "pgbouncer", "pgpool", "proxy", "pooler", "odyssey")
# Each pool word holds one of these, so the lines are found by searching for these alone:
# "connection" is in every limit phrase (and searched for already), "pool" is in "pgpool"
# and "pooler", "replicas" in "maxreplicas".
_POOL_NEEDLES = ("connection", "pool", "instances", "replicas", "pods", "pgbouncer", "proxy",
                 "odyssey")
_PERCENTILE_HEADER_RE = lazy_re(r"^[Pp](\d{2}(?:\.\d+)?)\b")
# "99.95% uptime", "SLA: 99.9%", "| Availability | 99.95% (...) |"
# (read back from each "%" by ``_availability_figure``, as ``(?<![\d.])(9\d(?:\.\d+)?)\s*%``)
_AVAILABILITY_WORDS_RE = lazy_re(r"(?i)uptime|availability|\bsla\b|\bslo\b|ความพร้อมใช้งาน")
# Each word pattern below as its words, loose and whole (``lazyre.search_words``): the
# pattern is then compiled only for a line with a letter that folds to ASCII.
_AVAILABILITY_WORDS = (("uptime", "availability", "ความพร้อมใช้งาน"), ("sla", "slo"))
_RETRY_SPELLINGS = (("ลองใหม่",), ("retry", "retries", "retried", "retrying", "backoff", "back-off"))
_DEADLINE_CONTEXT_WORDS = ("timeout", "time out", "times out", "deadline", "budget", "finish",
                           "complete", "compensat", "give up", "abandon", "expire")
_MULTIPLEXER_WORDS = ("pgbouncer", "pgpool", "rds proxy", "odyssey", "connection proxy",
                      "pooler")
# "4.38 hours/year", "21.6 minutes per 30-day month", "52.6 min a year": read with str
# operations (``_downtimes``) as this pattern reads them, each word group in the order the
# pattern tries its words (a unit's longer spelling first):
#   (\d+(?:\.\d+)?)\s*(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)\s*
#   (?:/|per|a|each|every)\s*(?:(30|31|28)-day\s+)?(year|yr|month|mo|week|day)\b
_DOWNTIME_UNITS = ("seconds", "second", "secs", "sec", "s", "minutes", "minute", "mins", "min",
                   "m", "hours", "hour", "hrs", "hr", "h", "days", "day", "d")
_UNIT_INITIALS = frozenset(unit[0] for unit in _DOWNTIME_UNITS)  # no unit, no downtime
_PER_WORDS = ("/", "per", "a", "each", "every")
_MONTH_DAYS = ("30", "31", "28")
_PERIODS = ("year", "yr", "month", "mo", "week", "day")
# A retry delay list: "backoff 1s, 5s, 30s", "(1s, 5s, 30s)", "1s -> 5s -> 30s": durations
# with one of these between each two (spaces around it allowed), ``_schedules``.
_SCHEDULE_SEPARATORS = frozenset({",", "→", "->", "then", "and"})
_RETRY_WORDS_RE = lazy_re(r"(?i)\bretr(?:y|ies|ied|ying)\b|\bback-?off\b|ลองใหม่")
# "within 5 minutes", "deadline of 30s", "total timeout: 2 min", "overall budget of 10s",
# "budget of 1 hour", in any case: what ``_deadline_figures`` reads; the pattern itself is
# asked only for a line with a letter IGNORECASE takes for an ASCII one.
_DEADLINE_RE = lazy_re(
    r"(?i)\b(?:within|deadline(?:\s+of)?|total\s+(?:timeout|budget)(?:\s+of)?|"
    r"overall\s+(?:timeout|budget)(?:\s+of)?|budget\s+of)\s*:?\s*" + _DURATION)
# The words a deadline starts with, and what may follow each before the duration.
_DEADLINE_LEADS = {"within": ((),), "deadline": (("of",), ()),
                   "total": (("timeout", "of"), ("timeout",), ("budget", "of"), ("budget",)),
                   "overall": (("timeout", "of"), ("timeout",), ("budget", "of"), ("budget",)),
                   "budget": (("of",),)}
_DEADLINE_CONTEXT_RE = lazy_re(
    r"(?i)timeout|time out|times out|deadline|budget|finish|complete|compensat|give up|"
    r"abandon|expire")
# Connection pool per instance, instance count, and a stated database connection limit.
_POOL_LINE_RE = lazy_re(r"(?i)\bpool")
_PER_INSTANCE_RE = lazy_re(r"(?i)per\s+(?:instance|pod|replica|node|process)|"
                              r"each\s+(?:instance|pod|replica)|pool\s+size|max(?:imum)?\s+pool")
_POOL_SIZE_RE = lazy_re(r"(\d+)(?:\s*[-–]\s*(\d+))?\s*(?:connections?|conns?)\b|"
                           r"(?i:pool\s+size|max(?:imum)?\s+pool(?:\s+size)?)\s*[:=]?\s*(\d+)")
_INSTANCES_RE = lazy_re(
    r"(?i)\bmax(?:imum)?\.?\s+(?:instances|replicas|pods)\s*[:=]?\s*(\d+)|"
    r"\bup\s+to\s+(\d+)\s+(?:instances|replicas|pods)\b|\bmaxReplicas\s*[:=]\s*(\d+)")
_LIMIT_RE = lazy_re(
    r"(?i)\bmax_connections\s*[:=]?\s*`?(\d+)|\bconnection\s+limit\s*(?:of|:|=)?\s*`?(\d+)|"
    r"\bmax(?:imum)?\s+(?:database\s+|db\s+)?connections\s*(?:of|:|=)\s*`?(\d+)")
_MULTIPLEXER_RE = lazy_re(r"(?i)pgbouncer|pgpool|rds proxy|odyssey|connection proxy|pooler")


# A case-insensitive unit may be spelled with a letter IGNORECASE takes for an ASCII one
# ("1ſ" is "1s" to a deadline pattern): each is read as that letter.
_ASCII_FOLDS = str.maketrans({"\u017f": "s", "\u212a": "k", "\u0130": "i", "\u0131": "i"})


def _seconds(value: str, unit: str) -> float:
    return float(value) * _UNIT_SECONDS[unit.translate(_ASCII_FOLDS).lower()]


def _durations(text: str) -> Iterator[re.Match[str]]:
    """Each duration in ``text``, in order: a number, then a unit (groups 1 and 2)."""
    return (match for match in _NUMBER_WORD_RE.finditer(text)
            if match.group(2) in _DURATION_UNITS)


def _duration_at(text: str, at: int) -> re.Match[str] | None:
    """The duration that starts at ``at``, if one does."""
    match = _NUMBER_WORD_RE.match(text, at)
    return match if match is not None and match.group(2) in _DURATION_UNITS else None


def _show(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:g}ms"
    if seconds < 120:
        return f"{seconds:g}s"
    return f"{seconds / 60:g} minutes"


def _prose_lines(ctx: Context) -> Iterator[tuple[int, str]]:
    for index, (line, inside) in enumerate(zip(ctx.doc.lines, ctx.doc.fenced, strict=True)):
        if not inside:
            yield index, line


@RULES.rule(
    "SS206", "figures", severity="error",
    description="Stated figures add up: P99 >= P95 >= P50; availability and its downtime "
                "agree; a retry schedule fits its deadline; pool size x instances fits a "
                "stated connection limit; a pool of senders covers its stated peak.",
    **rule_words("figures")
)
def figures(ctx: Context) -> Iterator[Hit]:
    # Each check first asks the whole prose (fences already blanked) whether its figures
    # occur at all, and then reads only the lines that hold them: most lines of a spec
    # state no figure, and a regex per line over the whole spec would cost more than
    # every other rule together.
    prose = ctx.prose
    stated = _lines_matching(ctx, *_PERCENTILE_STARTS)
    if stated:
        yield from _percentiles(ctx, _with_table_rows(ctx, stated))
    percent = _lines_holding(ctx, "%")
    if percent:
        yield from _availability(ctx, _with_following(ctx, percent, after=2))
    yield from _retry_deadlines(ctx)
    # A connection multiplexer anywhere in the prose sits on one of the pool lines, and the
    # pool check gives nothing once it reads one: most specs that state a limit name their
    # pooler too, so asking for it first spares reading every pool word's lines.
    if (ctx.holds(("connection",)) and not ctx.holds(_MULTIPLEXER_WORDS)
            and _states_limit(ctx)):
        yield from _pool_limit(_pool_lines(ctx))
    if "pool holds" in prose:
        yield from _sender_pools(ctx)


def _pool_lines(ctx: Context) -> list[tuple[int, str]]:
    """The prose lines that hold one of ``_POOL_WORDS``."""
    lines, fenced = ctx.doc.lines, ctx.doc.fenced
    return [(i, lines[i]) for i in ctx.lines_with_via(_POOL_WORDS, _POOL_NEEDLES)
            if not fenced[i]]


def _states_limit(ctx: Context) -> bool:
    """Whether the prose states a database connection limit. Every limit phrase holds
    "connection", so one search finds the few lines worth reading."""
    prose, offsets = ctx.prose, ctx.offsets
    for index in ctx.lines_with(("connection",)):
        line = prose[offsets[index]:offsets[index + 1]].lower()
        if any(word in line for word in _LIMIT_WORDS):
            return True
    return False


def _lines_holding(ctx: Context, char: str) -> list[int]:
    """The prose lines that hold ``char`` (one without case), in order: found in the prose
    itself, each offset placed by the line offsets, which costs less than counting the line
    breaks of the lower-cased bytes before it (``lines_with``)."""
    prose, offsets = ctx.prose, ctx.offsets
    found = []
    at = prose.find(char)
    while at >= 0:
        line = ctx.line_of(at)
        found.append(line)
        at = prose.find(char, offsets[line + 1])
    return found


def _with_table_rows(ctx: Context, found: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """``found`` plus the rows of each table whose header names percentiles (the rows
    hold the durations, not the names)."""
    lines, fenced = ctx.doc.lines, ctx.doc.fenced
    extra: dict[int, str] = dict(found)
    for index, line in found:
        if line.lstrip().startswith("|") and len(_percentile_labels(line)) >= 2:
            row = index + 1
            while row < len(lines) and not fenced[row] and lines[row].lstrip().startswith("|"):
                extra[row] = lines[row]
                row += 1
    return sorted(extra.items())


def _percentile_labels(line: str) -> list[re.Match[str]]:
    """Each "P95" or "p99.9" on ``line``, in order: both letters' patterns, merged."""
    lower, upper = (pattern.finditer(line) if letter in line else ()
                    for pattern, letter in zip(_PERCENTILE_STARTS, "pP", strict=True))
    return sorted((*lower, *upper), key=lambda match: match.start())


def _lines_matching(ctx: Context, *patterns: re.Pattern[str],
                    after: int = 0) -> list[tuple[int, str]]:
    """The prose lines where one of ``patterns`` matches (and the ``after`` lines that
    follow each), in order, as (0-based line, text of the line)."""
    return _with_following(ctx, [ctx.line_of(match.start()) for pattern in patterns
                                 for match in pattern.finditer(ctx.prose)], after=after)


def _with_following(ctx: Context, found: list[int], *, after: int) -> list[tuple[int, str]]:
    """The prose lines ``found`` and the ``after`` lines that follow each, in order, as
    (0-based line, text of the line)."""
    wanted: set[int] = set()
    for line in found:
        wanted.update(range(line, min(line + after + 1, len(ctx.doc.lines))))
    fenced = ctx.doc.fenced
    return [(i, ctx.doc.lines[i]) for i in sorted(wanted) if not fenced[i]]


def _check_order(found: list[tuple[float, float, int]]) -> Iterator[Hit]:
    """``found``: (percentile, seconds, line) stated together; a higher percentile may not
    be faster than a lower one."""
    ordered = sorted(found)
    for (low_p, low_s, _), (high_p, high_s, high_line) in pairwise(ordered):
        if high_p > low_p and high_s < low_s:
            yield Hit(high_line, "percentile-order", {
                "high": f"P{high_p:g}", "high_value": _show(high_s),
                "low": f"P{low_p:g}", "low_value": _show(low_s)})


def _percentile_figures(line: str) -> list[tuple[str, str, str]]:
    """(percentile, value, unit) of each "P95: 200ms" on a line: "P" or "p" and two digits
    (not inside a word or a number), then a duration after at most ``_PERCENTILE_GAP``
    characters that are neither ASCII digits nor a line break; the nearest such duration.
    What ``(?<![\\w.])[Pp](\\d{2}(?:\\.\\d+)?)(?![\\d.])[^0-9\\n]{0,24}?`` followed by a
    duration finds, read with the percentile scanner and the one duration scanner."""
    found = []
    resume = 0  # a match is never read inside the one before it
    for label in _percentile_labels(line):
        start, end = label.span()
        if start < resume or (start and (is_word_char(line[start - 1])
                                          or line[start - 1] == ".")):
            continue
        for at in range(end, min(end + _PERCENTILE_GAP + 1, len(line))):
            char = line[at]
            duration = _duration_at(line, at) if char.isdecimal() else None
            if duration is not None:
                found.append((line[start + 1:end], duration.group(1), duration.group(2)))
                resume = duration.end()
                break
            if char in _NOT_IN_GAP:
                break
    return found


@per_text
def _stated(line: str) -> tuple[tuple[float, float], ...]:
    """(percentile, seconds) of each "P95: 200ms" on a line."""
    return tuple((float(percentile), _seconds(value, unit))
                 for percentile, value, unit in _percentile_figures(line))


def _percentiles(ctx: Context, lines: list[tuple[int, str]]) -> Iterator[Hit]:
    group: list[tuple[float, float, int]] = []
    previous = -2
    columns: dict[int, float] = {}  # table column -> percentile, from a header row
    for index, line in lines:
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [c.strip().strip("*` ") for c in stripped.strip("|").split("|")]
            header = {n: float(m.group(1)) for n, c in enumerate(cells)
                      if c[:1] in ("P", "p") and (m := _PERCENTILE_HEADER_RE.match(c))}
            if len(header) >= 2:
                yield from _check_order(group)
                columns, group, previous = header, [], -2
                continue
            if columns and not set(stripped) <= set("|-: "):
                row = []
                for number, percentile in columns.items():
                    if number < len(cells):
                        value = next(_durations(cells[number]), None)
                        if value:
                            row.append((percentile, _seconds(value.group(1), value.group(2)),
                                        index))
                yield from _check_order(row)
                continue
        else:
            columns = {}
        found = [(percentile, seconds, index) for percentile, seconds in _stated(line)]
        if len(found) >= 2:
            yield from _check_order(group)
            yield from _check_order(found)
            group, previous = [], -2
            continue
        if len(found) == 1:
            # Consecutive lines of one percentile each ("- P50: < 100ms" / "- P95: ...")
            # form one group; a repeated percentile starts the next one.
            if index != previous + 1 or any(p == found[0][0] for p, _, _ in group):
                yield from _check_order(group)
                group = []
            group.append(found[0])
            previous = index
        elif stripped and index == previous + 1:
            yield from _check_order(group)
            group, previous = [], -2
    yield from _check_order(group)


def _downtime_agrees(availability: float, seconds: float, period: str, days: str | None) -> bool:
    share = 1 - availability / 100
    if period in ("year", "yr"):
        low, high = 365 * 86400 * share, 366 * 86400 * share
    elif period in ("month", "mo"):
        span = float(days) if days else None
        low = (span or 28) * 86400 * share
        high = (span or 31) * 86400 * share
    elif period == "week":
        low = high = 7 * 86400 * share
    else:
        low = high = 86400 * share
    return low * 0.94 <= seconds <= high * 1.06


@per_text
def _availability_on(line: str) -> tuple[str, int] | None:
    """The availability figure a line states ("SLA: 99.9%") and the offset after it, when
    the line speaks of availability."""
    if "%" not in line or not search_words(_AVAILABILITY_WORDS_RE, line, *_AVAILABILITY_WORDS):
        return None
    return _availability_figure(line)


@per_text
def _has_availability_figure(line: str) -> bool:
    return _availability_figure(line) is not None


def _availability_figure(line: str) -> tuple[str, int] | None:
    """The first availability figure on a line ("99.95 %": "9", a digit and an optional
    fraction, not inside a longer number) and the offset after its "%"."""
    at = line.find("%")
    while at >= 0:
        end = space_before(line, at)
        start = end
        while start and (line[start - 1].isdecimal() or line[start - 1] == "."):
            start -= 1
        whole, dot, fraction = line[start:end].partition(".")
        if (len(whole) == 2 and whole[0] == "9" and whole[1].isdecimal()
                and (not dot or fraction.isdecimal())):
            return line[start:end], at + 1
        at = line.find("%", at + 1)
    return None


def _availability(ctx: Context, lines: list[tuple[int, str]]) -> Iterator[Hit]:
    for n, (index, line) in enumerate(lines):
        # The lines that follow a "%" line are read for their downtime only: asking the
        # memo about them would hash each and fill it with lines that state nothing.
        stated = _availability_on(line) if "%" in line else None
        if stated is None:
            continue
        figure, end = stated
        availability = float(figure)
        # The downtime stated with it: on the line, or on the next two lines that speak of
        # downtime (a list "- SLA: 99.9%" / "- Max downtime: 8.76 hours/year").
        candidates = [(index, line[end:])]
        for next_index, next_line in lines[n + 1:n + 3]:
            if ctx.heading_on(next_index) is not None or _has_availability_figure(next_line):
                break
            if "downtime" in next_line.lower():
                candidates.append((next_index, next_line))
        for where, text in candidates:
            if "downtime" not in text.lower() and "downtime" not in line.lower():
                continue
            for written, value, unit, days, period in _downtimes(text):
                seconds = _seconds(value, unit)
                if not _downtime_agrees(availability, seconds, period, days):
                    yield Hit(where, "availability-downtime", {
                        "availability": f"{figure}%", "downtime": written.strip()})


def _downtimes(text: str) -> list[tuple[str, str, str, str | None, str]]:
    """(text, value, unit, days of the month or None, period) of each downtime stated in
    ``text``, in order, none read inside the one before it.

    Only a number followed (after spaces) by ASCII letters can start one, for every unit is
    spelled in them: those are the duration scanner's matches, whose number group is the
    whole number (digits and fraction) as the downtime pattern reads it. The digits of a
    fraction, which the scanner passes over, would be a number that ends where the whole one
    does, so reading them could find nothing more. Stepping through every character in
    Python to find the numbers cost more than the rest of the availability check."""
    found = []
    resume = 0  # a downtime is never read inside the one before it
    for number in _NUMBER_WORD_RE.finditer(text):
        at = number.start()
        if at < resume:
            continue
        rest = _downtime_rest(text, number.end(1))
        if rest is not None:
            unit, days, period, stop = rest
            found.append((text[at:stop], number.group(1), unit, days, period))
            resume = stop
    return found


def _downtime_rest(text: str, at: int) -> tuple[str, str | None, str, int] | None:
    """(unit, days, period, end) of what follows a downtime's number at ``at``, trying the
    words in the pattern's order: the first reading that fits is the pattern's."""
    at = skip_space(text, at)
    if text[at:at + 1] not in _UNIT_INITIALS:
        return None
    for unit in _DOWNTIME_UNITS:
        if not text.startswith(unit, at):
            continue
        per_at = skip_space(text, at + len(unit))
        for per in _PER_WORDS:
            if not text.startswith(per, per_at):
                continue
            after = skip_space(text, per_at + len(per))
            lengths: list[tuple[str | None, int]] = [
                (days, skip_space(text, after + 6)) for days in _MONTH_DAYS
                if text.startswith(days + "-day", after)
                and skip_space(text, after + 6) > after + 6]
            for days, period_at in (*lengths, (None, after)):
                for period in _PERIODS:
                    stop = period_at + len(period)
                    if text.startswith(period, period_at) and not (
                            stop < len(text) and is_word_char(text[stop])):
                        return unit, days, period, stop
    return None


_RETRY_WORDS = ("retr", "backoff", "back-off", "ลองใหม่")


def _is_separator(gap: str) -> bool:
    """Whether ``gap`` joins two delays of a schedule: a separator, or ", then", with any
    spaces around it."""
    word = gap.strip()
    return word in _SCHEDULE_SEPARATORS or (word[:1] == "," and word[1:].strip() == "then")


def _delay_lists(line: str) -> list[tuple[str, float]]:
    """(text, total seconds) of each list of two or more durations joined by separators
    on a line ("1s, 5s, 30s" -> 36 s)."""
    lists: list[tuple[str, float]] = []
    run: list[re.Match[str]] = []
    for duration in _durations(line):
        if run and not _is_separator(line[run[-1].end():duration.start()]):
            if len(run) > 1:
                lists.append(_delay_list(line, run))
            run = []
        run.append(duration)
    if len(run) > 1:
        lists.append(_delay_list(line, run))
    return lists


def _delay_list(line: str, run: list[re.Match[str]]) -> tuple[str, float]:
    return (line[run[0].start():run[-1].end()],
            sum(_seconds(m.group(1), m.group(2)) for m in run))


@per_text
def _schedules(line: str) -> tuple[tuple[str, float], ...]:
    """The retry delay lists of a line that speaks of retries ("backoff 1s, 5s, 30s"), each
    with its total."""
    if not search_words(_RETRY_WORDS_RE, line, *_RETRY_SPELLINGS):
        return ()
    return tuple(_delay_lists(line))


def _deadline_figures(line: str) -> list[tuple[str, str]]:
    """(value, unit) of each deadline a line states ("within 5 minutes", "total budget of
    30s"), in any case. Read from the lower-cased line with the one duration scanner; a line
    with a letter that IGNORECASE takes for an ASCII one ("ſ" for "s"), or whose lower case
    has another length, is left to ``_DEADLINE_RE``. A deadline inside another ("budget of"
    in "total budget of") may be read twice, with the same figure."""
    lowered = line.lower()
    if len(lowered) != len(line) or (not line.isascii()
                                     and any(char in line for char in FOLDS_TO_ASCII)):
        return [(m.group(1), m.group(2)) for m in _DEADLINE_RE.finditer(line)]
    found = []
    for lead, follows in _DEADLINE_LEADS.items():
        at = lowered.find(lead)
        while at >= 0:
            if not at or not is_word_char(lowered[at - 1]):
                for words in follows:
                    duration = _duration_after(lowered, at + len(lead), words)
                    if duration is not None:
                        found.append((duration.group(1), duration.group(2)))
                        break
            at = lowered.find(lead, at + 1)
    return found


def _duration_after(lowered: str, at: int, words: tuple[str, ...]) -> re.Match[str] | None:
    """The duration at ``at`` in ``lowered`` after ``words`` (each after one or more spaces),
    spaces, an optional colon and spaces."""
    for word in words:
        start = at
        while at < len(lowered) and lowered[at].isspace():
            at += 1
        if at == start or not lowered.startswith(word, at):
            return None
        at += len(word)
    while at < len(lowered) and lowered[at].isspace():
        at += 1
    if lowered.startswith(":", at):
        at += 1
        while at < len(lowered) and lowered[at].isspace():
            at += 1
    return _duration_at(lowered, at)


def _retry_deadlines(ctx: Context) -> Iterator[Hit]:
    lines, fenced = ctx.doc.lines, ctx.doc.fenced
    starts = [section.start for section in ctx.doc.sections]
    # Retry schedules first (four words, few lines), then deadlines only in the sections
    # that hold one: a deadline elsewhere is never compared with anything, and searching the
    # whole spec for seven deadline words costs more than the rest of the rule.
    schedules: list[tuple[int, int, tuple[tuple[str, float], ...]]] = []
    for index in ctx.lines_with(_RETRY_WORDS):
        if fenced[index]:
            continue
        found = _schedules(lines[index])
        if found:
            schedules.append((index, bisect_right(starts, index) - 1, found))
    if not schedules:
        return
    deadlines: dict[int, tuple[float, int]] = {}
    prose, offsets = ctx.prose, ctx.offsets
    for owner in sorted({owner for _, owner, _ in schedules}):
        start = starts[owner] if owner >= 0 else 0
        end = starts[owner + 1] if owner + 1 < len(starts) else len(lines)
        for index in _section_lines_with(prose, offsets, start, end, _DEADLINE_WORDS):
            line = lines[index]
            if fenced[index] or not search_words(_DEADLINE_CONTEXT_RE, line,
                                                 _DEADLINE_CONTEXT_WORDS):
                continue
            for value, unit in _deadline_figures(line):
                seconds = _seconds(value, unit)
                if owner not in deadlines or seconds > deadlines[owner][0]:
                    deadlines[owner] = (seconds, index)
    for index, owner, found in schedules:
        deadline = deadlines.get(owner)
        if deadline is None:
            continue
        for schedule, total in found:
            if total > deadline[0]:
                yield Hit(index, "retry-over-deadline", {
                    "schedule": schedule, "total": _show(total),
                    "deadline": _show(deadline[0]), "line": str(deadline[1] + 1)})


def _section_lines_with(prose: str, offsets: list[int], start: int, end: int,
                        words: tuple[str, ...]) -> list[int]:
    """The lines in ``[start, end)`` whose lower-cased prose holds one of ``words``: the
    span lower-cased once and searched per word, or line by line when lower-casing changes
    its length (a dotted capital I), where offsets would no longer map to lines."""
    begin = offsets[start]
    chunk = prose[begin:offsets[end]].lower()
    if len(chunk) != offsets[end] - begin:
        return [index for index in range(start, end)
                if any(word in prose[offsets[index]:offsets[index + 1]].lower()
                       for word in words)]
    found: set[int] = set()
    for word in words:
        at = chunk.find(word)
        while at >= 0:
            found.add(bisect_right(offsets, begin + at) - 1)
            at = chunk.find(word, at + 1)
    return sorted(found)


# A provider's senders stated as a pool for a peak: "one long code sends 1 message/s and one
# short code 100 messages/s, so the 600 messages/s peak goes through a Messaging Service
# whose pool holds 6 short codes (600 messages/s together)".
_SEND_POOL_RE = lazy_re(r"(?i)\bthe ([\d,]+) messages?/s peak\b.*?\bpool holds (\d+) ([a-z -]+?)s? "
                        r"\(([\d,]+) messages?/s together\)")


# A figure of more digits than this is no figure a design states, and Python refuses to read
# or write an integer of more than 4,300 digits: a match that holds one is passed over.
_MAX_DIGITS = 15


def _number(text: str) -> int | None:
    """The whole number ``text`` writes ("1,200" too), or None when it is too long to be one."""
    digits = text.replace(",", "")
    return int(digits) if len(digits) <= _MAX_DIGITS else None


def _sender_pools(ctx: Context) -> Iterator[Hit]:
    """A pool of senders sends what its senders send together, and that covers the peak it
    is stated for: 6 short codes at 100 messages/s are 600 messages/s, not a 1,000 peak."""
    lines, fenced = ctx.doc.lines, ctx.doc.fenced
    for index in ctx.lines_with(("pool holds",)):
        if fenced[index]:
            continue
        line = lines[index]
        for match in _SEND_POOL_RE.finditer(line):
            peak, count, together = (_number(match.group(1)), _number(match.group(2)),
                                     _number(match.group(4)))
            kind = match.group(3).strip()
            rate = re.search(r"(?i)\bone " + re.escape(kind) + r"s? (?:sends )?([\d,]+) "
                             r"messages?/s", line)
            each = _number(rate.group(1)) if rate else None
            if peak is None or count is None or together is None or (rate and each is None):
                continue
            total = count * each if each is not None else together
            if total != together or together < peak:
                yield Hit(index, "sender-pool-short", {
                    "count": str(count), "kind": kind, "total": f"{total:,}",
                    "stated": f"{together:,}", "peak": f"{peak:,}"})


def _pool_limit(lines: list[tuple[int, str]]) -> Iterator[Hit]:
    pool: tuple[int, int] | None = None
    instances: int | None = None
    limit: tuple[int, int] | None = None
    for index, line in lines:
        if search_words(_MULTIPLEXER_RE, line, _MULTIPLEXER_WORDS):
            return  # a connection multiplexer sits between the pools and the database
        if _POOL_LINE_RE.search(line) and _PER_INSTANCE_RE.search(line):
            for match in _POOL_SIZE_RE.finditer(line):
                size = _number(match.group(2) or match.group(1) or match.group(3))
                if size is not None and (pool is None or size > pool[0]):
                    pool = (size, index)
            continue
        for match in _INSTANCES_RE.finditer(line):
            count = _number(next(g for g in match.groups() if g))
            if count is not None:
                instances = max(instances or 0, count)
        for match in _LIMIT_RE.finditer(line):
            value = _number(next(g for g in match.groups() if g))
            if value is not None and (limit is None or value < limit[0]):
                limit = (value, index)
    if pool is None or instances is None or limit is None:
        return
    if pool[0] * instances > limit[0]:
        yield Hit(limit[1], "pool-over-limit", {
            "pool": str(pool[0]), "instances": str(instances),
            "total": str(pool[0] * instances), "limit": str(limit[0]),
            "line": str(pool[1] + 1)})
