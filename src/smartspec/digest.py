"""sha256, the one digest smartspec stores (section and file hashes, lock names, cache keys,
example ids), from the interpreter's built-in module.

``hashlib.sha256`` gives the same digest, but importing hashlib loads OpenSSL's binding (and
blake2) first: about 3 ms of every ``new`` and ``edit`` for a few kilobytes to hash. CPython
builds sha256 in as ``_sha256`` (``_sha2`` from Python 3.12); an interpreter built without it
gets hashlib's.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_constructor: Any = None


def sha256(data: bytes = b"") -> Any:
    """A sha256 hash object of ``data`` (``.hexdigest()``, ``.digest()``, ``.update()``)."""
    global _constructor
    if _constructor is None:
        _constructor = _builtin_sha256()
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
        import hashlib

        return hashlib.sha256
