"""sha256, the one digest smartspec stores (section and file hashes, lock names, cache keys,
example ids), from the interpreter's built-in module.

``hashlib.sha256`` gives the same digest, but importing hashlib loads OpenSSL's binding (and
blake2) first: about 3 ms of every ``new`` and ``edit`` for a few kilobytes to hash. CPython
builds sha256 in as ``_sha256`` (``_sha2`` from Python 3.12); an interpreter built without it
gets hashlib's.

The built-in module is plain C, several times slower per byte than OpenSSL's (which uses the
processor's SHA instructions): 42 ms against 6 ms for the 8 MB index of 10,000 specs. So a
run that hashes more than ``_OPENSSL_AFTER`` bytes in all (an index of a large tree, the specs
it reads) switches to hashlib, whose import it has then paid for several times over.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_constructor: Any = None
# About what the built-in module hashes in the time importing hashlib takes (~4 ms).
_OPENSSL_AFTER = 1 << 20
_builtin_bytes = 0  # hashed by the built-in module so far; -1 once switched to hashlib


def sha256(data: bytes = b"") -> Any:
    """A sha256 hash object of ``data`` (``.hexdigest()``, ``.digest()``, ``.update()``)."""
    global _constructor, _builtin_bytes
    if _constructor is None:
        _constructor = _builtin_sha256()
    if _builtin_bytes >= 0:
        _builtin_bytes += len(data)
        if _builtin_bytes > _OPENSSL_AFTER:
            _builtin_bytes = -1
            _constructor = _openssl_sha256()
    return _constructor(data)


def sha256_hex(data: bytes | str) -> str:
    """The hex sha256 of ``data`` (a str as its UTF-8 bytes)."""
    digest: str = sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()
    return digest


def _builtin_sha256() -> Any:
    name = "_sha2" if sys.version_info >= (3, 12) else "_sha256"
    try:
        return __import__(name).sha256
    except ImportError:
        return _openssl_sha256()


def _openssl_sha256() -> Any:
    import hashlib

    return hashlib.sha256
