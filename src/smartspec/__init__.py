"""smartspec: write, edit, validate and index service specifications, offline and deterministically.

The public API (imported lazily, so ``import smartspec`` stays cheap)::

    from smartspec import Options, generate, edit, regenerate, restore, validate_text, load_index

    outcome = generate(Options(name="payment-processing", profile="financial"))
    print(outcome.summary.spec_path)
"""

from __future__ import annotations

import sys

# typing costs a few ms to import; `smartspec --version` must not pay for it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__version__ = "5.0.0"

_EXPORTS = {
    "Options": "smartspec.options",
    "generate": "smartspec.runs.new",
    "edit": "smartspec.runs.edit",
    "regenerate": "smartspec.runs.edit",
    "restore": "smartspec.runs.restore",
    "validate_text": "smartspec.rules",
    "load_index": "smartspec.index.migrate",
    "load_settings": "smartspec.config",
    "SmartspecError": "smartspec.errors",
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'smartspec' has no attribute {name!r}")
    # __import__ and sys.modules, as importlib.import_module does it: the importlib package
    # (and the warnings module it loads) would cost every command, --version too.
    __import__(module)
    return getattr(sys.modules[module], name)
