"""Where smartspec's package data lives (templates, domain packs, catalogues, knowledge).

``importlib.resources.files`` answers that for any kind of installation, but importing it
loads tempfile, shutil and zipfile, which every command would pay for at start-up. When
smartspec is a plain folder on disk, as pip installs it, that folder is the answer and its
files are read with ``open`` (pathlib would cost the commands that start often its own
imports); only an installation inside an archive asks importlib.resources.
"""

from __future__ import annotations

import functools
import os


@functools.cache
def package_folder() -> str | None:
    """The ``smartspec`` package's own folder, or None for an installation inside an archive."""
    here = os.path.dirname(__file__)
    return here if os.path.isdir(here) else None


def find_data(*parts: str) -> bytes | None:
    """The bytes of the package data file ``parts`` (names below the package's folder, such
    as ``("domains", "fintech.json")``), or None when the package has no such file."""
    folder = package_folder()
    if folder is None:
        from importlib.resources import files

        resource = files("smartspec").joinpath(*parts)
        return resource.read_bytes() if resource.is_file() else None
    try:
        with open(os.path.join(folder, *parts), "rb") as handle:
            return handle.read()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def read_data(*parts: str) -> bytes:
    """The bytes of the package data file ``parts``, which the package ships."""
    data = find_data(*parts)
    if data is None:
        raise FileNotFoundError(f"smartspec's package data has no {'/'.join(parts)}")
    return data
