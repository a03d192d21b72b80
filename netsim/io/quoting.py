"""Quoting for DOT and HTML: the one place user text enters a diagram or a page.

Every identifier a file or a caller can choose — network names, neuron ids, labels,
function names, titles — reaches DOT (``to_dot``, ``write_dot``, ``render``,
``render_trace``, state graphs) or HTML only through these functions, so it can
never add a statement, an attribute (``image=``, ``shapefile=``), a script or a
second graph, and never breaks the syntax:

- :func:`dot_name` — the *text* of a DOT name: backslashes and non-printable
  characters (control characters, lone surrogates) become ``_`` and the text is cut
  to :data:`MAX_TEXT` characters. Two ids may share a cleaned name; callers that
  need distinct names add a suffix (see ``netsim.io._plan``).
- :func:`dot_id` — a cleaned name as a double-quoted DOT ID (``"..."``, quotes
  escaped). Always quoted: a DOT keyword or a ``<...>`` never changes meaning.
- :func:`dot_string` — an attribute value (escString), quoted: backslashes and
  quotes escaped, newlines as ``\\n``, non-printables as spaces, and cut so the
  token stays under Graphviz's 16,384-byte limit.
- :func:`html_text` — text inside an HTML-like label or an HTML page: ``& < > " '``
  as entities, non-printables as spaces, cut to :data:`MAX_TEXT` characters (so a
  label made of a few pieces stays under the same limit).
- :func:`graphviz_name` — a cleaned name for the ``graphviz`` package's own quoting
  (``graphviz.Digraph(name=...)``, ``dot.node(...)``): marked as *not* HTML, since the
  package writes any ``<...>`` string unquoted, as an HTML-like label.

This module imports nothing from netsim, so any layer may use it.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "MAX_TEXT",
    "MAX_TOKEN_BYTES",
    "dot_id",
    "dot_name",
    "dot_string",
    "graphviz_name",
    "html_text",
]

#: Characters of one user text (a name, id or label) kept in a diagram.
MAX_TEXT = 500
#: Bytes of one quoted DOT token; Graphviz's scanner refuses more than 16,384.
MAX_TOKEN_BYTES = 16_000

_ELLIPSIS = "…"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + _ELLIPSIS


def dot_name(text: object, limit: int = MAX_TEXT) -> str:
    """The text of a DOT name: no backslash, nothing unprintable, at most ``limit`` chars.

    >>> dot_name('a\\\\b\\n"c"')
    'a_b_"c"'
    >>> dot_name("\\ud800x")
    '_x'
    """
    text = str(text)
    if "\\" in text or not text.isprintable():  # else nothing to replace (the usual case)
        text = "".join("_" if ch == "\\" or not ch.isprintable() else ch for ch in text)
    return _cut(text, limit)


def dot_id(text: object) -> str:
    """A double-quoted DOT ID for any text (cleaned as :func:`dot_name` without cutting).

    >>> print(dot_id('<x> { INJECTED -> PWNED } digraph <y>'))
    "<x> { INJECTED -> PWNED } digraph <y>"
    >>> print(dot_id('say "hi"'))
    "say \\"hi\\""
    """
    name = dot_name(text, limit=MAX_TOKEN_BYTES // 4)
    return '"' + name.replace('"', '\\"') + '"'


def dot_string(text: object, limit: int = MAX_TOKEN_BYTES) -> str:
    """A quoted DOT attribute value (escString) of at most ``limit`` UTF-8 bytes.

    >>> print(dot_string('line 1\\nline "2" \\\\N'))
    "line 1\\nline \\"2\\" \\\\N"
    """
    raw = str(text)
    while True:
        body = raw.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        if not body.isprintable():
            body = "".join(ch if ch.isprintable() else " " for ch in body)
        quoted = '"' + body + '"'
        size = len(quoted.encode("utf-8"))
        if size <= limit:
            return quoted
        # cut the raw text in proportion, then check again (escapes change the size)
        raw = raw[: max(0, int(len(raw) * limit / size) - 8)] + _ELLIPSIS


def html_text(text: object, limit: int = MAX_TEXT) -> str:
    """Text for an HTML-like DOT label or an HTML page: entities, printable, cut.

    >>> html_text('<html>&amp;<b>x</b>')
    '&lt;html&gt;&amp;amp;&lt;b&gt;x&lt;/b&gt;'
    """
    text = _cut(str(text), limit)
    text = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;"))
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else " " for ch in text)


def graphviz_name(text: object) -> Any:
    """A cleaned name the ``graphviz`` package will quote as a plain string, never HTML.

    >>> import graphviz
    >>> graphviz.Digraph(name=graphviz_name("<x> { a -> b }")).source.splitlines()[0]
    'digraph "<x> { a -> b }" {'
    """
    import graphviz  # the caller is building a graphviz object already

    return graphviz.nohtml(dot_name(text))
