"""An index saved with a UTF-8 byte-order mark (editors on Windows add one) reads as the same
index without it, and a file that is not UTF-8 names the byte as before: the mark is taken
off by hand rather than by the "utf-8-sig" codec, a module every edit would import."""

from __future__ import annotations

import pytest

from smartspec.errors import DocumentError
from smartspec.index.migrate import parse_index
from tests.helpers import fresh_python_prints

INDEX = (b'{"schema": 1, "specs": [{"id": "spec-001-payments", "title": "Payments", '
         b'"path": "specs/feature/spec-001-payments/spec.md", "status": "draft"}]}')


def test_an_index_with_a_byte_order_mark_reads_as_without_it() -> None:
    plain = parse_index(INDEX)
    marked = parse_index(b"\xef\xbb\xbf" + INDEX)
    assert [e.to_json() for e in marked.all_entries()] == \
        [e.to_json() for e in plain.all_entries()]
    assert [e.id for e in marked.all_entries()] == ["spec-001-payments"]


def test_bytes_that_are_not_utf8_are_named_as_the_codec_named_them() -> None:
    with pytest.raises(DocumentError, match=r"not UTF-8 text \(byte 2\)"):
        parse_index(b"\xef\xbb\xbf{\"\xff")
    with pytest.raises(DocumentError, match=r"not UTF-8 text \(byte 0\)"):
        parse_index(b"\xff\xfe{")


def test_reading_an_index_leaves_the_utf8_sig_codec_unloaded() -> None:
    # In a fresh interpreter: another test of this run may have loaded the codec already.
    probe = ("import sys\n"
             "from smartspec.index.migrate import parse_index\n"
             f"parse_index(b'\\xef\\xbb\\xbf' + {INDEX!r})\n"
             "print('encodings.utf_8_sig' in sys.modules)\n")
    assert fresh_python_prints(probe) == ["False"]
