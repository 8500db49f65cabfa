"""Where smartspec's package data lives (templates, domain packs, catalogues, knowledge).

``importlib.resources.files`` answers that for any kind of installation, but importing it
loads tempfile, shutil and zipfile, which every command would pay for at start-up. When
smartspec is a plain folder on disk, as pip installs it, that folder is the answer; only an
installation inside an archive asks importlib.resources.
"""

from __future__ import annotations

import functools
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


@functools.cache
def package_root() -> Traversable:
    """The ``smartspec`` package's own folder, as something that reads its data files."""
    here = Path(__file__).parent
    if here.is_dir():
        return here
    from importlib.resources import files

    return files("smartspec")
