"""smartspec.digest gives hashlib's sha256, for text and bytes, without loading OpenSSL until a
run has hashed a megabyte."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from smartspec.digest import sha256, sha256_hex
from tests.helpers import fresh_python_prints


@given(st.binary(max_size=4096))
def test_bytes_digest_is_hashlibs(data: bytes) -> None:
    assert sha256_hex(data) == hashlib.sha256(data).hexdigest()
    assert sha256(data).digest() == hashlib.sha256(data).digest()


@given(st.text(max_size=2048))
def test_text_is_hashed_as_its_utf8_bytes(text: str) -> None:
    assert sha256_hex(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_hash_object_takes_updates() -> None:
    h = sha256(b"spec")
    h.update(b".md")
    assert h.hexdigest() == hashlib.sha256(b"spec.md").hexdigest()


def test_hashing_loads_no_openssl_binding() -> None:
    probe = ("import sys; from smartspec.digest import sha256_hex; sha256_hex('x'); "
             "print(sorted(m for m in ('hashlib', '_hashlib') if m in sys.modules))")
    assert fresh_python_prints(probe) == ["[]"]


def test_a_run_that_hashes_megabytes_switches_to_openssl_with_the_same_digests() -> None:
    probe = ("import sys; from smartspec.digest import sha256_hex\n"
             "first = sha256_hex(bytes(700_000)); print('_hashlib' in sys.modules)\n"
             "second = sha256_hex(bytes(700_000)); third = sha256_hex(b'spec')\n"
             "print('_hashlib' in sys.modules)\n"
             "import hashlib\n"
             "print(first == second == hashlib.sha256(bytes(700_000)).hexdigest(), "
             "third == hashlib.sha256(b'spec').hexdigest())")
    assert fresh_python_prints(probe) == ["False", "True", "True", "True"]
