"""HTML building blocks for notebook displays and the interactive page.

Everything that comes from a user's network or data (ids, labels, names) goes
through :func:`netsim.io.quoting.html_text` before it reaches HTML, and through :func:`script_json`
before it reaches a ``<script>`` element, so a file can never add markup or script.

Tables are truncated: at most ``max_rows`` rows (the first and last halves, with a
"⋯ N more" row between) and ``max_cols`` columns (likewise), so a display stays small
whatever the size of the result.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Sequence
from typing import Any

from .quoting import html_text

__all__ = [
    "STYLE",
    "attribute",
    "fmt",
    "keep_ends",
    "page_section",
    "script_json",
    "table",
]

# One small style block, scoped to the ``netsim`` class so it never touches the page.
STYLE = (
    "<style>.netsim table{border-collapse:collapse;font-size:12px;margin:2px 0}"
    ".netsim th,.netsim td{padding:1px 6px;text-align:right;border-bottom:1px solid #ddd}"
    ".netsim th{background:#f3f3f3}.netsim .more{color:#888;text-align:center}"
    ".netsim .head{font-family:sans-serif;font-size:13px;margin:2px 0}</style>"
)


def attribute(text: str) -> str:
    """A whole document as a double-quoted attribute value (``<iframe srcdoc="...">``):
    ``& < > " '`` as character references, nothing cut, newlines kept (unlike
    :func:`netsim.io.quoting.html_text`, made for the short texts of labels).

    >>> attribute('<p class="x">a & b</p>')
    '&lt;p class=&quot;x&quot;&gt;a &amp; b&lt;/p&gt;'
    """
    return html.escape(text, quote=True)


_SURROGATE = re.compile("[\ud800-\udfff]")


def script_json(value: Any) -> str:
    """JSON text that is safe inside ``<script>``: ``<``, ``>``, ``&`` and the two
    JavaScript line separators are written as ``\\u`` escapes, so no string in it can
    close the element or open a comment.

    Examples
    --------
    >>> script_json({"id": "</script>"})
    '{"id": "\\\\u003c/script\\\\u003e"}'
    >>> script_json(["\\ud800"])
    '["\\\\ud800"]'
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    # a lone surrogate (an id read from "\\ud800" in a file) cannot be written as UTF-8:
    # keep it as a JSON escape, as in the file it came from
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def fmt(value: Any, digits: int = 4) -> str:
    """A number in at most ``digits`` significant digits (integers exactly)."""
    if isinstance(value, bool):
        return str(value)
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isfinite(v) and v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.{digits}g}"


def keep_ends(n: int, limit: int) -> tuple[list[int], int]:
    """Indices to show out of ``n`` (first and last halves of ``limit``) and where
    the "⋯" goes (-1 when nothing is cut).

    >>> keep_ends(10, 4)
    ([0, 1, 8, 9], 2)
    >>> keep_ends(3, 4)
    ([0, 1, 2], -1)
    """
    if n <= limit:
        return list(range(n)), -1
    head = (limit + 1) // 2
    tail = limit - head
    return [*range(head), *range(n - tail, n)], head


def table(
    header: Sequence[object],
    rows: Sequence[Sequence[object]],
    *,
    max_rows: int = 20,
    max_cols: int = 20,
    total_rows: int | None = None,
) -> str:
    """An HTML table of escaped cells, truncated to ``max_rows`` × ``max_cols``.

    ``total_rows`` is the real number of rows when ``rows`` already holds only a
    selection (it then counts for the "⋯ N more" note).
    """
    cols, cut_col = keep_ends(len(header), max_cols)
    shown, cut_row = keep_ends(len(rows), max_rows)

    def cells(values: Sequence[object], tag: str) -> str:
        out = []
        for pos, c in enumerate(cols):
            if pos == cut_col:
                out.append(f'<{tag} class="more">⋯</{tag}>')
            out.append(f"<{tag}>{html_text(values[c])}</{tag}>")
        return "".join(out)

    body = []
    hidden = (total_rows if total_rows is not None else len(rows)) - len(shown)
    for pos, r in enumerate(shown):
        if pos == cut_row:
            span = len(cols) + (cut_col >= 0)
            body.append(f'<tr><td class="more" colspan="{span}">⋯ {hidden} more rows</td></tr>')
        body.append(f"<tr>{cells(rows[r], 'td')}</tr>")
    if cut_row < 0 and hidden > 0:
        span = len(cols) + (cut_col >= 0)
        body.append(f'<tr><td class="more" colspan="{span}">⋯ {hidden} more rows</td></tr>')
    note = ""
    if cut_col >= 0:
        note = f'<div class="more">{len(header) - len(cols)} columns not shown</div>'
    return f"<table><tr>{cells(header, 'th')}</tr>{''.join(body)}</table>{note}"


def page_section(title: str, lines: Sequence[str], *parts: str) -> str:
    """A display block: an escaped bold title, escaped lines, then HTML ``parts``."""
    head = f'<div class="head"><b>{html_text(title)}</b>'
    if lines:
        head += " — " + "; ".join(html_text(line) for line in lines)
    head += "</div>"
    return f'<div class="netsim">{STYLE}{head}{"".join(parts)}</div>'
