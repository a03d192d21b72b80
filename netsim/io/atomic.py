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

The new file gets the permissions of the file it replaces, or the usual ``0o666``
minus the umask for a new file. A destination that is a symbolic link is written
through (the link's target is replaced, the link stays).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from typing import IO, Any

__all__ = ["atomic_open", "atomic_path", "atomic_write_bytes", "atomic_write_text"]

StrPath = str | os.PathLike[str]


def _create_temp(final: str) -> tuple[int, str]:
    """Create and open ``.<name>.<random>.tmp`` beside ``final`` (never an existing file)."""
    directory, name = os.path.split(final)
    for _ in range(100):
        tmp = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            # 0o666 lets the umask decide, as for any new file.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o666)
        except FileExistsError:  # pragma: no cover - 32 random bits collided
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


def _remove(tmp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)


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
    fd, tmp = _create_temp(final)
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as f:  # the tool may not have synced its output
            os.fsync(f.fileno())
        _finish(tmp, final)
    except BaseException:
        _remove(tmp)
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
    fd, tmp = _create_temp(final)
    try:
        if mode == "wb":
            f: IO[Any] = os.fdopen(fd, "wb")
        else:
            f = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        _finish(tmp, final)
    except BaseException:
        _remove(tmp)
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
