"""Output files written safely: checked before any work, written to a temporary file
that replaces the target only when complete (so an interrupted run never leaves a
half-written result behind; devices and named pipes, which a file must not replace, are
written in place), never over one of the run's own inputs.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from .inputs import in_message, resolved

__all__ = ["OutputError", "open_output", "check_output", "check_not_input", "temporary_file", "descriptor"]


# Write errors that can only be the output's: the disk or the quota is full, the file too big.
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


#: how a spreadsheet's formula starts (and the tab and carriage return that some read first)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def needs_an_apostrophe(cell: str) -> bool:
    """Whether :func:`inert_cell` puts an apostrophe before ``cell``: it starts like a
    formula, or with an apostrophe before one (which reading it back would take for ours)."""
    return cell.startswith(FORMULA_STARTS) or (cell[:1] == "'" and cell[1:].startswith(FORMULA_STARTS))


def inert_cell(cell: str | None) -> str:
    """A text cell of a CSV or TSV file that a spreadsheet will not run as a formula: one
    that starts like a formula gets a leading apostrophe (as OWASP advises against CSV
    injection). Excel shows ``=各社区…`` as ``#NAME?`` and saves that in its place. None is
    an empty cell."""
    cell = cell or ""
    return "'" + cell if needs_an_apostrophe(cell) else cell


class OutputError(Exception):
    """An output path that cannot be written; the message names it."""


def default_mode(folder: bool = False) -> int:
    """The mode ``open()`` gives a new file (``mkdir`` a new folder): 0o666 (0o777) less
    the process's umask, which can only be read by setting it. Temporary files and
    folders are private; what replaces the user's output should not be."""
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if folder else 0o666) & ~umask


def file_in_the_way(target: Path) -> Path | None:
    """The nearest existing path above ``target`` when that is a file, not a folder (None
    when it is a folder)."""
    nearest = next((p for p in target.parents if p.exists()), None)
    return nearest if nearest is not None and not nearest.is_dir() else None


def _cannot_write(target: Path, error: OSError) -> str:
    blocker = file_in_the_way(target)
    if blocker is not None:
        return f"{in_message(target)}: cannot write there: {in_message(blocker)} is a file, not a folder"
    if error.errno == errno.ENOENT and not target.parent.is_dir():
        return f"{in_message(target)}: cannot write there: folder {in_message(target.parent)} does not exist"
    if error.errno == errno.ENOENT:  # a folder that takes no new files, such as /proc
        return f"{in_message(target)}: cannot write there: folder {in_message(target.parent)} takes no new files"
    return f"{in_message(target)}: cannot write ({error.strerror or error})"


def writable(path: Path) -> bool:
    """Whether an output may replace ``path``. Renaming over a file or folder needs no
    permission on it, so one that is read-only would be replaced where writing to it is
    refused; its mode bits count even for root, whom ``os.access`` lets write anything."""
    return bool(path.stat().st_mode & 0o222) and os.access(path, os.W_OK)


def temporary_prefix(target: Path) -> str:
    # the name's start only: a name of up to 255 bytes (82 Chinese characters) must leave
    # room for the dot, the random part and ".part"
    return f".{target.name[:40]}."


def left_behind(output, folder: bool = False) -> list[Path]:
    """The temporary files of earlier runs writing ``output`` that were killed before they
    could remove them (SIGKILL, the out-of-memory killer, a power cut): every other way
    a run ends removes its own. Or those of a run writing it now. ``folder``: the
    temporary folders of a model folder's writing (``.NAME.XXXXXXXX``, and
    ``.NAME.old.XXXXXXXX`` while one is swapped in). Found where they are made: beside
    the file a link leads to, under its name."""
    if output is None or output == "-":
        return []
    target = as_the_kernel_reads(_target(output))
    prefix = re.escape(temporary_prefix(target))
    # mkstemp's and mkdtemp's random part is 8 characters of [a-z0-9_]
    made = re.compile(prefix + (r"(?:old\.)?[a-z0-9_]{8}" if folder else r"[a-z0-9_]{8}\.part"))
    try:
        return sorted(path for path in target.parent.iterdir()
                      if made.fullmatch(path.name) and not path.is_symlink()
                      and (path.is_dir() if folder else path.is_file()))
    except OSError:
        return []


def temporary_file(target: Path, folder: bool = False) -> tuple[int, str]:
    """A new temporary file beside ``target``, with a new file's usual mode. Raises
    OutputError naming ``target`` if there is none to be had (its folder must exist:
    creating it would turn a mistyped path into a stray folder), or if ``target`` is a
    folder and ``folder`` (a folder is what will be written) is false."""
    if target.is_dir() and not folder:
        raise OutputError(f"{in_message(target)}: is a folder; give the name of a file to write")
    existing = target.stat().st_mode if target.is_file() else None
    if existing is not None and not writable(target):
        raise OutputError(f"{in_message(target)}: cannot write (the file is read-only)")
    try:
        fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(target), suffix=".part",
                                   dir=as_the_kernel_reads(target).parent)
    except OSError as error:
        raise OutputError(_cannot_write(target, error)) from None
    # mkstemp's file is private (0600); the result keeps the mode of the file it
    # replaces, or gets an ordinary new file's.
    os.fchmod(fd, default_mode() if existing is None else stat.S_IMODE(existing))
    return fd, tmp


def as_the_kernel_reads(path: str | os.PathLike[str]) -> Path:
    """``path`` with a ``..`` taken as the kernel takes it: after a linked folder it goes
    up from where the link leads. Python's path functions (``abspath``, and so
    ``mkstemp``'s folder) go up textually, so a temporary file would be made in another
    folder, on another disk perhaps, than the one its rename goes to. A folder that does
    not exist before the ``..`` (``nope/../out``), or a file there, leaves ``path`` as it
    is, for the kernel to refuse: read textually, it would write ``out`` here."""
    path = Path(path)
    if ".." not in path.parts:
        return path
    folder = path if path.name in ("", "..") else path.parent
    if not os.path.isdir(folder):  # stat, as the kernel reads the path: nope/.. and afile/.. are no folders
        return path
    return Path(os.path.realpath(folder)) / ("" if folder is path else path.name)


def _target(path: str | os.PathLike[str]) -> Path:
    """Where output for ``path`` goes: the file a symbolic link points to (the link
    stays a link), unless the link leads to a device or pipe (``/dev/stdout`` into a
    pipe resolves to a name that cannot be opened), which is written through the link."""
    if os.path.islink(path) and not _special(Path(path)):
        return Path(os.path.realpath(path))
    return Path(path)


def is_standard_output(path: str | os.PathLike[str] | None) -> bool:
    """Whether ``path`` names standard output: None, ``-``, or a name of descriptor 1
    (``/dev/stdout``, ``/proc/self/fd/1``, a link to one)."""
    return path is None or path == "-" or descriptor(path) == 1


def written_in_place(path: str | os.PathLike[str] | None) -> bool:
    """Whether :func:`open_output` writes ``path`` as it goes, not whole or not at all:
    standard output, a descriptor's name (``/dev/stdout``), a device or a named pipe."""
    return path is None or path == "-" or descriptor(path) is not None or _special(_target(path))


def _special(target: Path) -> bool:
    """A device, a named pipe or a socket (``/dev/null``, ``/dev/stdout``, a FIFO): it is
    written in place, since replacing it with a file would destroy it."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


# Names of a descriptor the process already holds: the shell's redirection behind them
# (`-o /dev/stdout >> all.txt`) is written through, at its place; followed to the file
# and replaced, the file lost what it held before.
# Decided by where the name leads, link by link (a log path linked to /dev/stdout, as
# container images do), not by how it is spelled.
_DESCRIPTOR = re.compile(r"/dev/(?:std(in|out|err)|fd/(\d+))|/proc/(self|thread-self|\d+)(?:/task/\d+)?/fd/(\d+)")


def descriptor(path: str | os.PathLike[str]) -> int | None:
    """The descriptor of this process that ``path`` names, or None. Each step resolves the
    folder part as the system does (linked folders, then ".."), so only the last part is
    a name to read as a link."""
    text = os.fspath(path)
    if not os.path.isabs(text):
        try:
            text = os.path.join(os.getcwd(), text)
        except OSError:  # the current folder was deleted: a relative name names nothing
            return None
    for _ in range(40):  # the kernel's limit on a chain of links
        folder, name = os.path.split(text)
        if name in ("", ".", ".."):
            return None  # a folder
        text = "/" + os.path.join(os.path.realpath(folder), name).lstrip("/")  # "//dev" is /dev
        match = _DESCRIPTOR.fullmatch(text)
        if match:
            stream, number, process, entry = match.groups()
            if stream:
                return ("in", "out", "err").index(stream)
            if number:
                return int(number)
            return int(entry) if process in ("self", "thread-self", str(os.getpid())) else None
        try:
            text = os.path.join(os.path.dirname(text), os.readlink(text))
        except OSError:  # not a link: a file of its own
            return None
    return None


def _writable_descriptor(path: str | os.PathLike[str], fd: int) -> None:
    """Refuse, naming ``path``, a descriptor that is not open or not open for writing
    (`-o /dev/stdin`): writing to it failed late, with the system's words only."""
    try:
        import fcntl

        mode = fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE
    except ImportError:  # pragma: no cover - no such names outside POSIX
        return
    except OSError:
        raise OutputError(f"{in_message(os.fspath(path))}: no such open file") from None
    if mode == os.O_RDONLY:
        raise OutputError(f"{in_message(os.fspath(path))}: cannot write (open for reading only)")


def _file_path(path: str | os.PathLike[str]) -> None:
    """Refuse a path that names a folder by its ending slash: the slash went with the
    conversion to a Path, and a file took the name of the missing folder."""
    text = os.fspath(path)
    if text.endswith(("/", os.sep)) and not os.path.isdir(text):
        raise OutputError(f"{in_message(text)}: no such folder; give the name of a file to write")


def check_output(path: str | os.PathLike[str] | None, folder: bool = False) -> None:
    """Raise OutputError now if :func:`open_output` could not write ``path`` (with
    ``folder``: if no folder could be written there), so that a command finds out
    before its work rather than after."""
    if path is None or path == "-":
        return
    if not folder:
        _file_path(path)
        fd = descriptor(path)
        if fd is not None:
            _writable_descriptor(path, fd)
            return
    target = _target(path)
    if not folder:
        _not_a_model_file(path, target)
    if _special(target) and not folder:
        if not os.access(target, os.W_OK):
            raise OutputError(f"{in_message(target)}: cannot write (permission denied)")
        return
    fd, tmp = temporary_file(target, folder)
    os.close(fd)
    os.unlink(tmp)


def _not_a_model_file(path, target: Path) -> None:
    # the model a command reads is among its inputs (check_not_input), but a report written
    # over another model's config.json broke that one for every later load
    from .persistence import MODEL_FILES, is_model_folder

    if target.name in MODEL_FILES and is_model_folder(target.parent):
        raise OutputError(f"{in_message(path)}: a file of the model at {in_message(target.parent)}, which would "
                          f"not load again; write the output elsewhere")


def check_not_input(output: str | os.PathLike | None, inputs) -> None:
    """Raise OutputError if writing ``output`` would destroy one of ``inputs`` (files or
    folders the work reads; ``None`` is no file, and ``-`` is the file standard input was
    redirected from, if any): replace one, replace a folder holding one, write inside a
    model folder, or add a file to an input folder that its next reading would take for
    a document."""
    if output is None or output == "-":
        # redirected by the shell (> folder/out.txt), it is a file like any -o names
        target = _redirected_file(sys.stdout)
        if target is None:
            return
        output = f"standard output ({target})"
    else:
        target = resolved(output)
    if target is None:
        raise OutputError(f"{in_message(output)}: a symbolic-link loop; write the output elsewhere")
    for item in inputs:
        if item == "-":  # `measures tag - -o f.txt < f.txt` replaced the document it read
            source = _redirected_file(sys.stdin)
            item = f"standard input ({source})"
        else:
            source = None if item is None else resolved(item)
        clash = source is not None and _clash(target, source)  # an input in a loop is named as it is read
        if clash:
            raise OutputError(f"{in_message(output)}: {clash} {in_message(item)}; write the output elsewhere")


def _redirected_file(stream) -> Path | None:
    """The file a standard stream was redirected to or from, where the system names it
    (Linux's /proc); None for a terminal, a pipe, or a file it cannot name."""
    try:
        number = stream.fileno()  # replaced in a notebook or a test, it may be no descriptor
        status = os.fstat(number)
        if not stat.S_ISREG(status.st_mode):
            return None
        path = Path(os.path.realpath(f"/proc/self/fd/{number}"))
        named = os.stat(path)
    except (AttributeError, OSError, ValueError):  # no stream, no descriptor, or a closed one
        return None
    return path if (named.st_dev, named.st_ino) == (status.st_dev, status.st_ino) else None



def _clash(target: Path, source: Path) -> str | None:
    """How writing ``target`` would destroy the input ``source``, if it would."""
    from .persistence import is_model_folder
    from .sources import read_from_folder

    if target == source or (target.exists() and source.exists() and os.path.samefile(target, source)):
        return "is the input"
    if target in source.parents:
        return "is a folder holding the input"
    if source.is_dir() and source in target.parents:
        if is_model_folder(source):
            return "is inside the model folder"
        if not target.is_dir() and read_from_folder(target, source):
            return "would be read as a document of the input folder"
    return None


# fsync's errors that say the file system cannot sync (some FUSE and network mounts),
# not that the data did not reach it: the rename goes on as it did before syncing
_CANNOT_SYNC = {errno.EINVAL, errno.ENOTSUP, errno.ENOSYS}


def synced(fd: int) -> None:
    """Flush a written file's data to the disk, before it is renamed into place: renamed
    first, a power cut could leave it empty, where the file it replaced was whole."""
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno not in _CANNOT_SYNC:
            raise


def sync_file(path: str | os.PathLike[str]) -> None:
    """:func:`synced` for a file by its name."""
    fd = os.open(path, os.O_RDONLY)
    try:
        synced(fd)
    finally:
        os.close(fd)


def sync_folder(folder: str | os.PathLike[str]) -> None:
    """Flush a folder's entries (a rename into it) to the disk. A system that cannot open
    or sync a folder so (Windows, some network disks) keeps the rename as it can."""
    try:
        sync_file(folder)
    except OSError:
        pass


@contextlib.contextmanager
def writes_to(target: Path):
    """Turn a failed write to ``target`` (a full disk or quota, a file too big) into an
    OutputError naming it; other errors are the work's and pass through."""
    try:
        yield
    except OSError as error:
        if error.errno in _FULL:
            raise OutputError(_cannot_write(target, error)) from None
        raise


@contextlib.contextmanager
def open_output(path: str | os.PathLike[str] | None, bom: bool = False, model_file: bool = False):
    """A text stream for ``path`` (``None`` or ``-``: standard output), committed atomically:
    written to a temporary file that replaces ``path`` when complete. A symbolic link
    stays a link (the file it points to is replaced); a device or a named pipe
    (``/dev/null``, a FIFO) is written in place. A path that cannot be written, or a
    write that fails (disk full), raises :class:`OutputError` naming it, and so does one
    of a model folder's files unless ``model_file`` says the caller writes it as the
    model's (its figures recorded in its config.json and card)."""
    encoding = "utf-8-sig" if bom else "utf-8"
    if is_standard_output(path):
        with writes_to(Path("<standard output>" if path is None or path == "-" else os.fspath(path))):
            if bom:
                sys.stdout.write("\ufeff")
            yield sys.stdout
            sys.stdout.flush()
        return
    assert path is not None  # for the type checker: None is standard output
    _file_path(path)
    fd = descriptor(path)
    if fd is not None:
        _writable_descriptor(path, fd)
        sys.stdout.flush()
        try:
            handle = os.fdopen(os.dup(fd), "w", encoding=encoding, newline="")
        except OSError as error:
            raise OutputError(f"{in_message(os.fspath(path))}: cannot write ({error.strerror or error})") from None
        with writes_to(Path(os.fspath(path))), handle:
            yield handle
        return
    target = _target(path)
    if not model_file:
        _not_a_model_file(path, target)
    if _special(target):
        try:
            handle = open(target, "w", encoding=encoding, newline="")
        except OSError as error:
            raise OutputError(_cannot_write(target, error)) from None
        with writes_to(target), handle:
            yield handle
        return
    fd, tmp = temporary_file(target)
    handle = os.fdopen(fd, "w", encoding=encoding, newline="")
    UNFINISHED.add(tmp)
    try:
        with writes_to(target):
            yield handle
            handle.flush()
            synced(handle.fileno())  # on the disk before it replaces anything
            handle.close()
        try:
            os.replace(tmp, target)
        except OSError as error:
            raise OutputError(_cannot_write(target, error)) from None
        sync_folder(target.parent)
    except BaseException:
        # the temporary file goes first: a signal during a slow close must not leave it
        for step in (lambda: os.unlink(tmp), handle.close, lambda: os.unlink(tmp)):
            with contextlib.suppress(OSError):
                step()
        raise
    finally:
        UNFINISHED.discard(tmp)


#: Temporary files and folders being written: a second Ctrl-C, which ends a run at once,
#: removes them (remove_unfinished) instead of leaving them beside the outputs.
UNFINISHED: set = set()


def remove_unfinished() -> None:
    for path in list(UNFINISHED):
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(path)
