"""Safe file writes: every file aceskit writes appears whole or not at all, and only where a
regular file may go.

The content goes to a temporary name in the target folder, gets the permissions of the file it
replaces (or those a new file would get under the process umask), and is renamed over the
target; on any failure the temporary file is removed and the target is left as it was.
:func:`prepare_output` is the check every command makes on each output before any work: the
path is not a folder, device, FIFO or socket, an existing file is replaced only when asked, the
extension fits the format, and the folder exists (it is created).  :func:`check_install` is the
same check for the folders a host installer replaces.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence, Union

PathLike = Union[str, os.PathLike]
#: The names :func:`atomic_path` gives its temporaries: ``.<target name>.<8 random characters><suffix>``.
_TEMPORARY = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.tmp")
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


class OutputError(ValueError):
    """An output path that aceskit will not write (the message names the path and what to do)."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _not_regular(path: PathLike) -> Optional[str]:
    """What ``path`` is when it exists and is not a regular file (``"a folder"``, ``"a FIFO"``...)."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), None if stat.S_ISREG(mode) else "not a file")


def check_target(path: PathLike, what: str = "the output") -> None:
    """Refuse a path that exists and is not a regular file: aceskit never replaces one."""
    kind = _not_regular(path)
    if kind:
        raise OutputError(f"{what} {os.fspath(path)} is {kind}, not a regular file; aceskit writes only files")


def make_parent(path: PathLike) -> Path:
    """Create the folder ``path`` goes into (and its parents), as every aceskit writer does; return it."""
    folder = Path(os.path.abspath(path)).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OutputError(f"cannot create the folder {folder} for {os.fspath(path)}: a file is in the way") from None
    except OSError as exc:
        raise OutputError(f"cannot create the folder {folder} for {os.fspath(path)} "
                          f"({exc.strerror or exc})") from None
    return folder


def prepare_output(path: PathLike, *, overwrite: bool = False, suffixes: Sequence[str] = (),
                   what: str = "the output") -> Path:
    """Check one output before any work and create its folder.

    Refused, with one sentence naming ``path``: an extension not in ``suffixes`` (case-insensitive;
    empty: any; ``ValueError``), a path that exists and is not a regular file, an existing file
    unless ``overwrite`` (:class:`OutputError`).
    """
    p = Path(path)
    if suffixes and not p.name.lower().endswith(tuple(s.lower() for s in suffixes)):
        raise ValueError(f"{what} {os.fspath(path)} must end in {' or '.join(suffixes)}")
    check_target(p, what)
    if p.exists() and not overwrite:
        raise OutputError(f"{what} {os.fspath(path)} exists; pass --overwrite to replace it")
    make_parent(p)
    return p


def prepare_outputs(paths: Iterable[PathLike], *, overwrite: bool = False) -> None:
    """:func:`prepare_output` (without the extension check) for many paths: every check first (the
    error names the first bad path), then the folders."""
    paths = list(paths)
    for p in paths:
        check_target(p)
    if not overwrite:
        existing = next((p for p in paths if os.path.lexists(p)), None)
        if existing is not None:
            n = sum(os.path.lexists(p) for p in paths)
            more = f" (and {n - 1} more)" if n > 1 else ""
            raise OutputError(f"the output {os.fspath(existing)} exists{more}; pass --overwrite to replace")
    for p in {Path(os.path.abspath(p)).parent: p for p in paths}.values():
        make_parent(p)


def check_install(folders: Iterable[PathLike], marker: str, *, overwrite: bool = False,
                  installed: Iterable[PathLike] = ()) -> None:
    """Check, before any work, the folders a host installer replaces.

    A path of ``folders`` that exists without the file ``marker`` in it (a file, or a folder aceskit
    did not install) is refused, with or without ``overwrite``.  An earlier install (a marked folder,
    or a path of ``installed``, where another trace such as a line it added says it is) is replaced
    only with ``overwrite``.  Errors (:class:`OutputError`) name the first such path.
    """
    folders = [Path(f) for f in folders]
    for f in folders:
        if os.path.lexists(f) and not (f / marker).is_file():
            raise OutputError(f"{os.fspath(f)} exists and is not an aceskit install; "
                              "choose another folder or move it away")
    if not overwrite:
        found = next(iter([f for f in folders if f.exists()] + [Path(p) for p in installed]), None)
        if found is not None:
            raise OutputError(f"aceskit is already installed at {os.fspath(found)}; pass --overwrite to replace it")


def remove_temporaries(paths: Iterable[PathLike]) -> int:
    """Remove the temporary files :func:`atomic_path` left beside ``paths`` (writers killed mid-write);
    one folder listing per folder.  Returns how many were removed."""
    by_folder: dict[Path, set] = {}
    for p in paths:
        p = Path(p)
        by_folder.setdefault(p.parent if str(p.parent) else Path("."), set()).add(p.name)
    removed = 0
    for folder, names in by_folder.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for e in entries:
            m = _TEMPORARY.match(e.name)
            if m and m.group(1) in names:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(e.path)
                    removed += 1
    return removed


@contextlib.contextmanager
def atomic_path(path: PathLike, suffix: str = ".tmp") -> Iterator[str]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    ``suffix`` lets writers that choose a format by extension (e.g. ``.tmp.exr``) keep it.  A
    ``path`` that exists and is not a regular file is refused (:class:`OutputError`).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    check_target(target)
    if not folder.is_dir():
        raise FileNotFoundError(f"the folder of {str(target)!r} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=folder)
    os.close(fd)
    try:
        yield tmp
        check_target(target)  # nothing else took the name meanwhile
        if target.exists():
            shutil.copymode(target, tmp)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: PathLike, text: str) -> Path:
    """Write UTF-8 text atomically."""
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: PathLike, data: bytes) -> Path:
    """Write bytes atomically."""
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(data)
    return Path(path)
