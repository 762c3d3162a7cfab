"""Writing outputs so that a failed or interrupted run leaves no half-written file behind."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scenarios.errors import UserError


@contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``; moved onto ``path`` only if the block completes."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UserError(f"cannot create output folder {path.parent}: {err.strerror}") from None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; an output should be like any new file
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Let ``write`` fill a temporary file beside ``path``, then move it into place in one step."""
    with atomic_target(path) as tmp:
        write(tmp)


def write_json(path: Path, data: Any) -> None:
    with atomic_target(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def check_writable(path: Path | None, option: str, *, file: bool = False) -> None:
    """Fail now, before a simulation of minutes, if the output folder (or with ``file`` the output file) ``path``
    given with ``option`` cannot be made and written: a file in the way, a folder given for a file, no write
    permission, a read-only disk. Creates nothing that stays."""
    if path is None:
        return
    path = Path(path)
    if file and path.is_dir():
        raise UserError(f"{option} {path}: is a folder; give a file name")
    folder = path.parent if file else path
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{option} {path}: {folder} is a file, not a folder")
    existing = next((p for p in (folder, *folder.parents) if p.exists()), Path("."))
    if not existing.is_dir():
        raise UserError(f"{option} {path}: {existing} is a file, not a folder")
    try:  # a real write, not os.access: that says yes to root on a read-only disk
        fd, probe = tempfile.mkstemp(dir=existing, prefix=".mph-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise UserError(f"{option} {path}: cannot write in {existing} ({err.strerror})") from None
