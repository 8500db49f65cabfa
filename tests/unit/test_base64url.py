"""``examples.base64url`` writes what the standard library's base64url writes, less the
padding: the tokens in every spec's examples decode with any JWT library."""

from __future__ import annotations

import base64

from hypothesis import given
from hypothesis import strategies as st

from smartspec.content.examples import base64url


@given(st.binary(max_size=300))
def test_base64url_is_the_standard_encoding_without_padding(raw: bytes) -> None:
    assert base64url(raw) == base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_base64url_of_the_rfc_4648_vectors() -> None:
    vectors = {b"": "", b"f": "Zg", b"fo": "Zm8", b"foo": "Zm9v", b"foob": "Zm9vYg",
               b"fooba": "Zm9vYmE", b"foobar": "Zm9vYmFy", b"\xfb\xff": "-_8"}
    assert {raw: base64url(raw) for raw in vectors} == vectors
