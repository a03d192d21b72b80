"""An animated GIF of a run: one file for slides instead of one picture per step.

:func:`render_gif` draws the diagram of every recorded step (the state overlay of
:mod:`netsim.io.dot`, one colour scale for the whole run, "step t of T" in the legend),
lays each out with Graphviz as PNG and joins the frames into one looping GIF with
Pillow (installed with matplotlib: ``pip install netsim[plot]``). Frames whose sizes
differ (a value label "= −1" is wider than "= 1") are centred on a white canvas of the
largest size, so the picture never jumps in size.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MissingExtraError, ParameterError
from . import palette
from ._state import trace_frames
from .atomic import atomic_write_bytes

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

    from ..network import Network

__all__ = ["MAX_GIF_FRAMES", "render_gif"]

MAX_GIF_FRAMES = 500


def _pillow() -> Any:
    try:
        from PIL import Image
    except ImportError:
        raise MissingExtraError(
            "an animated GIF needs Pillow: pip install netsim[plot] (or pip install pillow)"
        ) from None
    return Image


def render_gif(
    net: Network,
    trace: Any,
    path: str | os.PathLike[str],
    *,
    sample: int | None = None,
    state_range: Sequence[float] | None = None,
    seconds: float = 1.0,
    timeout: float = 60.0,
    **options: Any,
) -> Path:
    """Write one looping GIF with a frame per recorded step.

    Parameters
    ----------
    net : Network
    trace : array-like or run
        ``(T+1, N)`` states, or a run recorded with ``record=True``.
    path : str or path-like
        The GIF to write (atomically).
    sample : int, optional
        The sample of a batch trace.
    state_range : (low, high), optional
        Fix the colour scale (default: chosen from the whole trace).
    seconds : float
        How long each step is shown (the last one twice as long).
    timeout : float
        Seconds Graphviz may take per frame.
    **options
        As for :func:`netsim.io.dot.to_dot`.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    MissingExtraError
        Without Pillow.
    RenderError
        Without Graphviz's ``dot``.

    Examples
    --------
    >>> import tempfile, pathlib, netsim as ns
    >>> net = ns.zoo.xor()
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "xor.gif"
    >>> ns.render_trace(net, net.run([1, 0], record=True), out, format="gif")[0].name
    'xor.gif'
    """
    from .dot import run_dot, to_dot

    image_module = _pillow()
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not (
            0.02 <= seconds <= 60):
        raise ParameterError(f"seconds must be a number in [0.02, 60], got {seconds!r}")
    frames = trace_frames(net, trace, sample)
    if len(frames) > MAX_GIF_FRAMES:
        raise ParameterError(f"a GIF of {len(frames)} frames is too long (at most "
                             f"{MAX_GIF_FRAMES}): record fewer steps")
    scale = palette.choose_scale(frames.ravel().tolist(), state_range)
    fixed = (scale.low, scale.high)
    last = len(frames) - 1
    images = []
    for t, state in enumerate(frames):
        source = to_dot(net, state=state, state_range=fixed, title=f"step {t} of {last}",
                        **options).source
        png = run_dot(source, "png", timeout)
        images.append(image_module.open(io.BytesIO(png)).convert("RGB"))
    width = max(im.width for im in images)
    height = max(im.height for im in images)
    canvas = []
    for im in images:
        frame = image_module.new("RGB", (width, height), "white")
        frame.paste(im, ((width - im.width) // 2, (height - im.height) // 2))
        canvas.append(frame.convert("P", palette=image_module.Palette.ADAPTIVE))
    durations = [round(seconds * 1000)] * len(canvas)
    durations[-1] *= 2
    buf = io.BytesIO()
    canvas[0].save(buf, format="GIF", save_all=True, append_images=canvas[1:], loop=0,
                   duration=durations, disposal=1)
    target = Path(path)
    atomic_write_bytes(target, buf.getvalue())
    return target
