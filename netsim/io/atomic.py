"""Atomic file writes: a file netsim writes is either the old one or the new one.

The new content goes to a temporary file in the *same directory* (so the final rename
stays on one file system), is flushed and ``fsync``-ed, and then ``os.replace`` swaps
it in; POSIX and Windows both make that rename atomic. On any failure (an exception
while producing or writing the content, a full disk, an interrupt) the temporary file
is removed and an existing file at the destination is left untouched.

Three doors, from the simplest:

- :func:`atomic_write_text` / :func:`atomic_write_bytes` write a whole content;
- :func:`atomic_open` is a context manager that yields an open file object;
- :func:`atomic_path` yields a temporary *path* for tools that write files themselves
  (e.g. Graphviz), and swaps it in when the block ends without an exception.

A signal does not leave the temporary file behind: SIGINT raises
``KeyboardInterrupt`` and, while a temporary file exists, SIGTERM raises
``SystemExit(143)`` (when its action is the default), so the cleanup runs; the name
of the temporary file is recorded before it is created. A write error (a full disk)
names the destination, not the temporary file.

The new file gets the permissions of the file it replaces, or the usual ``0o666``
minus the umask for a new file. A destination that is a symbolic link is written
through (the link's target is replaced, the link stays).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import threading
from collections.abc import Iterator
from typing import IO, Any

__all__ = ["atomic_open", "atomic_path", "atomic_write_bytes", "atomic_write_text"]

StrPath = str | os.PathLike[str]


def _create_temp(final: str, made: list[str]) -> tuple[int, str]:
    """Create and open ``.<name>.<random>.tmp`` beside ``final`` (never an existing file).

    The name is appended to ``made`` *before* the file is created, so that an
    exception at any point (a signal turned into one) leaves the caller a name to
    remove.
    """
    directory, name = os.path.split(final)
    if os.path.isdir(final):  # name the user's mistake, not our temporary file
        raise IsADirectoryError(errno.EISDIR, "is a directory; give a file name", final)
    for _ in range(100):
        tmp = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
        made.append(tmp)
        try:
            # 0o666 lets the umask decide, as for any new file.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o666)
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            made.pop()
            continue
        except OSError as exc:  # name the file the user asked for, not our temporary
            reason = (
                f"directory {directory or '.'!r} does not exist"
                if isinstance(exc, FileNotFoundError)
                else exc.strerror or str(exc)
            )
            raise type(exc)(exc.errno, f"cannot write: {reason}", final) from None
        return fd, tmp
    raise FileExistsError(f"could not create a temporary file beside {final}")  # pragma: no cover


def _finish(tmp: str, final: str) -> None:
    """Give ``tmp`` the old file's mode, then rename it over ``final``."""
    with contextlib.suppress(OSError):
        os.chmod(tmp, os.stat(final).st_mode & 0o7777)
    os.replace(tmp, final)
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        with contextlib.suppress(OSError):
            dfd = os.open(os.path.dirname(final) or ".", os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)


def _remove(made: list[str]) -> None:
    for tmp in made:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _raise_exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def _cleanup_on_signal() -> Iterator[None]:
    """While a temporary file exists, SIGTERM raises ``SystemExit(143)`` instead of
    killing the process outright, so the ``except`` below removes the file.

    Only when SIGTERM has its default action and we are in the main thread (a
    program's own handler is left alone). SIGINT already raises KeyboardInterrupt.
    """
    installed = False
    if threading.current_thread() is threading.main_thread():
        with contextlib.suppress(ValueError, OSError, AttributeError):
            if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
                signal.signal(signal.SIGTERM, _raise_exit)
                installed = True
    try:
        yield
    finally:
        if installed:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def atomic_path(path: StrPath) -> Iterator[str]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    The temporary file exists (empty) when the block starts; whatever writes it must
    truncate or overwrite it. If the block raises, the temporary file is deleted and
    ``path`` is untouched.

    Examples
    --------
    >>> import os, tempfile
    >>> from netsim.io.atomic import atomic_path
    >>> target = os.path.join(tempfile.mkdtemp(), "out.txt")
    >>> with atomic_path(target) as tmp:
    ...     with open(tmp, "w") as f:
    ...         _ = f.write("hello")
    >>> open(target).read()
    'hello'
    """
    final = os.path.realpath(os.fspath(path))
    made: list[str] = []
    with _cleanup_on_signal():
        try:
            fd, tmp = _create_temp(final, made)
            os.close(fd)
            yield tmp
            with open(tmp, "rb+") as f:  # the tool may not have synced its output
                os.fsync(f.fileno())
            _finish(tmp, final)
        except BaseException:
            _remove(made)
            raise


@contextlib.contextmanager
def atomic_open(
    path: StrPath, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = ""
) -> Iterator[IO[Any]]:
    """Open a temporary file for writing; it replaces ``path`` when the block succeeds.

    ``mode`` is ``"w"`` (text, UTF-8, no newline translation by default) or ``"wb"``.

    Examples
    --------
    >>> import os, tempfile
    >>> from netsim.io.atomic import atomic_open
    >>> target = os.path.join(tempfile.mkdtemp(), "data.csv")
    >>> with atomic_open(target) as f:
    ...     _ = f.write("x1,x2\\n0,1\\n")
    >>> open(target).read().splitlines()
    ['x1,x2', '0,1']
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open mode must be 'w' or 'wb', got {mode!r}")
    final = os.path.realpath(os.fspath(path))
    made: list[str] = []
    with _cleanup_on_signal():
        try:
            fd, tmp = _create_temp(final, made)
            if mode == "wb":
                f: IO[Any] = os.fdopen(fd, "wb")
            else:
                f = os.fdopen(fd, "w", encoding=encoding, newline=newline)
            with f:
                yield f
                f.flush()
                os.fsync(f.fileno())
            _finish(tmp, final)
        except OSError as exc:
            _remove(made)
            if exc.filename in made or exc.filename is None:  # a full disk, ...: name the file
                raise type(exc)(exc.errno, exc.strerror or str(exc), final) from None
            raise
        except BaseException:
            _remove(made)
            raise


def atomic_write_bytes(path: StrPath, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (all of it, or nothing changes).

    Examples
    --------
    >>> import os, tempfile
    >>> from netsim.io.atomic import atomic_write_bytes
    >>> target = os.path.join(tempfile.mkdtemp(), "blob.bin")
    >>> atomic_write_bytes(target, b"\\x00\\x01")
    >>> open(target, "rb").read()
    b'\\x00\\x01'
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"atomic_write_bytes expects bytes, got {type(data).__name__}")
    with atomic_open(path, "wb") as f:
        f.write(data)


def atomic_write_text(path: StrPath, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically, encoded (UTF-8), newlines kept as given.

    The text is encoded before the temporary file is created, so a string that cannot
    be encoded fails without touching the file system.

    Examples
    --------
    >>> import os, tempfile
    >>> from netsim.io.atomic import atomic_write_text
    >>> target = os.path.join(tempfile.mkdtemp(), "note.txt")
    >>> atomic_write_text(target, "ξ = b + Σ w·y\\n")
    >>> open(target, encoding="utf-8").read()
    'ξ = b + Σ w·y\\n'
    """
    if not isinstance(text, str):
        raise TypeError(f"atomic_write_text expects str, got {type(text).__name__}")
    atomic_write_bytes(path, text.encode(encoding))
