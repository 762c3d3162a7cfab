"""Writing outputs so that a failed or interrupted run leaves no half-written file behind."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scenarios.errors import UserError


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


@contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``; moved onto ``path`` only if the block completes."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UserError(f"cannot create output folder {path.parent}: {err.strerror}") from None
    # the pid in the name: clean_leftovers removes only the .part files of processes that have ended
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}-", suffix=".part")
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; an output should be like any new file
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


# -- result sets: all or nothing -----------------------------------------------------------------------------------
MANIFEST = "manifest.json"
_NEW, _OLD = "mph-new", "mph-old"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _listed(folder: Path) -> set[str] | None:
    """The files a complete result set in ``folder`` lists in its manifest (None: not a complete set)."""
    try:
        return set(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _return_foreign(staging: Path, out: Path) -> None:
    """Entries carried into a complete ``staging`` set that belong to no result set go back to ``out`` (before its
    manifest is written nothing is carried)."""
    listed = _listed(staging)
    if listed is None:
        return
    for entry in staging.iterdir():
        if entry.name not in listed and entry.name != MANIFEST and not (out / entry.name).exists():
            os.replace(entry, out / entry.name)


def clean_leftovers(out: Path) -> list[Path]:
    """Finish or undo what an interrupted :func:`result_set` left beside ``out``: a staged set that was already
    complete while ``out`` is gone is moved into place, anything else staged or set aside is removed, and so are
    ``.part`` files of interrupted single-file writes in ``out``. Returns what was removed."""
    out = Path(out)
    removed: list[Path] = []
    if not out.parent.is_dir():
        return removed
    staged = sorted(out.parent.glob(f".{out.name}.{_NEW}-*")) + sorted(out.parent.glob(f".{out.name}.{_OLD}-*"))
    for leftover in staged:
        if _alive(leftover.name.split("-")[2]):
            continue  # another run writing to the same folder right now: its folder, not a leftover
        if not out.exists() and _listed(leftover) is not None:
            os.replace(leftover, out)  # killed between two renames: the complete set (new, else old) goes back
            continue
        if out.is_dir():
            _return_foreign(leftover, out)
        shutil.rmtree(leftover, ignore_errors=True)
        removed.append(leftover)
    if out.is_dir():
        for part in out.glob(".*.part"):
            owner = re.search(r"\.(\d+)-[^.]*\.part$", part.name)
            if owner and _alive(owner.group(1)):
                continue  # another command writing this file now
            part.unlink(missing_ok=True)
            removed.append(part)
    return removed


def _alive(pid: str) -> bool:
    """Whether the process ``pid`` (from a staging folder's name) is running; the name carries it so that a run
    never cleans up the folder of another one writing to the same place."""
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _command_of(out: Path) -> str | None:
    try:
        return json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8")).get("command")
    except (OSError, ValueError, AttributeError):
        return None


def check_result_folder(out: Path, option: str, command: str) -> None:
    """Before a simulation: ``out`` can be written (:func:`check_writable`), and does not hold another command's
    result set, which :func:`result_set` would replace (``mph des --out results`` after ``mph run``)."""
    check_writable(out, option)
    other = _command_of(out)
    if other is not None and other != command:
        raise UserError(f"{option} {out}: holds the results of `{other}`, which `{command}` would replace; "
                        "give another folder")


def moved_into(out: Path, staging: Path, paths: list[Path]) -> list[Path]:
    """Where ``paths`` written into ``staging`` lie once :func:`result_set` has moved the set to ``out`` (paths
    outside the staging folder stay as they are)."""
    return [Path(out) / p.relative_to(staging) if p.is_relative_to(staging) else p for p in map(Path, paths)]


@contextmanager
def result_set(out: Path, about: dict[str, Any]) -> Iterator[Path]:
    """A result set written all or nothing: the block writes its files into a staging folder beside ``out``; when
    it completes, a ``manifest.json`` (``about``, the lock hash, each file's size and SHA-256) is added and the
    staging folder takes the place of ``out`` in one step. Interrupted (an error, Ctrl-C, kill -9), ``out`` keeps
    the previous complete set; the next run cleans up what was left (:func:`clean_leftovers`). Files in ``out``
    that belong to no earlier set (other commands' outputs in ``results/``) are kept."""
    from sim.fingerprint import lock_hash

    out = Path(out)
    clean_leftovers(out)
    if "command" in about and _command_of(out) not in (None, about["command"]):
        raise UserError(f"{out}: holds the results of `{_command_of(out)}`, which `{about['command']}` would "
                        "replace; give another folder")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.{_NEW}-{os.getpid()}-"))
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the set should be like any new folder
    except OSError as err:
        raise UserError(f"cannot write output folder {out}: {err.strerror}") from None
    try:
        yield staging
        files = sorted(p for p in staging.rglob("*") if p.is_file())
        manifest = {**about, "lock_hash": lock_hash(),
                    "files": {str(p.relative_to(staging)): {"bytes": p.stat().st_size, "sha256": _digest(p)}
                              for p in files}}
        write_json(staging / MANIFEST, manifest)
        if out.is_dir():
            previous = _listed(out) or set()
            for entry in out.iterdir():  # other outputs in the same folder move along with the new set
                if entry.name not in previous and entry.name != MANIFEST and not (staging / entry.name).exists():
                    os.replace(entry, staging / entry.name)
            if not _exchange(staging, out):
                # two steps: killed between them, clean_leftovers puts the complete new set in place
                aside = out.parent / f".{out.name}.{_OLD}-{os.getpid()}-{secrets.token_hex(4)}"
                os.replace(out, aside)
                os.replace(staging, out)
                staging = aside
        else:
            os.replace(staging, out)
    except BaseException:
        if out.is_dir() and staging.is_dir():
            _return_foreign(staging, out)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
