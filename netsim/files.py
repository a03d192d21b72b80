"""Reading a file a user hands us: regular files only, a size limit, a known encoding.

Every loader (network JSON, CSV of inputs or samples) reads through :func:`read_text`,
so they all refuse the same things with the same one-line error naming the file:

- anything that is not a regular file: a directory, a FIFO (which would block for
  ever), a device such as ``/dev/zero`` (which never ends). The file is opened with
  ``O_NONBLOCK`` so that even opening a FIFO cannot hang;
- a file larger than the loader's limit (see :mod:`netsim.limits`), checked before
  reading, and again while reading (a file that grows is cut at the limit);
- text that is not UTF-8. A UTF-8 byte-order mark is accepted and dropped; a UTF-16 or
  UTF-32 byte-order mark is named as such; any other invalid byte is named by its
  offset.

A missing or unreadable file stays an ``OSError`` (``FileNotFoundError``, ...), which
the command line prints as ``FILE: No such file or directory``.
"""

from __future__ import annotations

import codecs
import os
import stat

from .errors import NetsimError

__all__ = ["decode_text", "read_bytes", "read_text"]

_KIND = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def read_bytes(
    path: str | os.PathLike[str], *, limit: int, error: type[NetsimError], what: str = "file"
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises ``error`` (a :class:`NetsimError` subclass) naming the file for anything
    that is not a regular file or is too large; ``OSError`` when it cannot be opened.

    Examples
    --------
    >>> import os, tempfile
    >>> from netsim.errors import DataError
    >>> from netsim.files import read_bytes
    >>> read_bytes(tempfile.mkdtemp(), limit=100, error=DataError)
    Traceback (most recent call last):
    ...
    netsim.errors.DataError: /...: not a regular file but a directory; give a file on disk
    """
    source = os.fspath(path)
    if not isinstance(source, str):
        source = os.fsdecode(source)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(source, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = next((word for test, word in _KIND if test(st.st_mode)), "not a file")
            raise error(f"{source}: not a regular file but {kind}; give a {what} on disk")
        if st.st_size > limit:
            raise error(
                f"{source}: the {what} is {st.st_size:,} bytes; the limit is {limit:,} bytes")
        # one read of the announced size (the usual case), then until the end, in
        # case the file grew; never more than the limit
        chunks = [os.read(fd, st.st_size + 1)]
        total = len(chunks[0])
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise error(f"{source}: the {what} is larger than the limit of {limit:,} bytes")
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


def decode_text(raw: bytes, source: str, error: type[NetsimError]) -> str:
    """UTF-8 text (a leading byte-order mark dropped), or ``error`` naming the byte offset.

    Examples
    --------
    >>> from netsim.errors import DataError
    >>> from netsim.files import decode_text
    >>> decode_text(b"\\xef\\xbb\\xbfx,y\\n", "a.csv", DataError)
    'x,y\\n'
    >>> decode_text(b"x,\\xff\\n", "a.csv", DataError)
    Traceback (most recent call last):
    ...
    netsim.errors.DataError: a.csv: not UTF-8 text (invalid byte 0xff at offset 2)
    """
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raise error(f"{source}: {name} text (byte-order mark at offset 0); "
                        "save it as UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = raw[exc.start]
        raise error(
            f"{source}: not UTF-8 text (invalid byte 0x{byte:02x} at offset {exc.start})"
        ) from None


def read_text(
    path: str | os.PathLike[str], *, limit: int, error: type[NetsimError], what: str = "file"
) -> str:
    """:func:`read_bytes` then :func:`decode_text`: the UTF-8 text of a regular file."""
    raw = read_bytes(path, limit=limit, error=error, what=what)
    return decode_text(raw, os.fspath(path) if not isinstance(path, bytes) else
                       os.fsdecode(path), error)
