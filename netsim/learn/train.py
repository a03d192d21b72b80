"""The training loop: shuffled minibatches, epochs, validation, early stopping.

Training works on a copy of the compiled program's parameter arrays (weights in CSR
order and biases); the network's definition is touched once, at the end, when the
trained configuration is written back (:func:`write_back`, a bulk equivalent of
:meth:`Network.set_weights`).

One *epoch* visits every training sample once, in a fresh seeded permutation
(``shuffle=True``) split into minibatches of ``batch_size`` (1 = online learning,
``None`` = the full batch). Each minibatch makes one optimizer step on the mean
gradient of the batch (``reduction="mean"``) or, as the course writes it, on the sum
``Σ_{k∈T} ∇E_k`` (``reduction="sum"``).

Regularisation, on the connection weights only unless ``decay_biases=True``:

- ``weight_decay=λ``: the L2 penalty ``½λ‖w‖²`` (adds ``λ w`` to the gradient);
- ``l1=λ₁``: the L1 penalty ``λ₁‖w‖₁`` (adds ``λ₁ sign(w)``);
- ``multiplicative_decay=ζ``: the course's weight decay ``w ← (1 − ζ)(w + Δw)``
  applied after every optimizer step. For plain SGD it is exactly an L2 step:
  ``(1 − ζ)(w − εg) = w − ε'(g + λw)`` with ``ε' = ε(1 − ζ)`` and
  ``λ = ζ / (ε(1 − ζ))`` (≈ ``ζ/ε`` for small ζ).

The epoch's training ``loss`` is the mean of the minibatch losses, each measured
before its own update (weighted by batch size); ``val_loss`` is measured on the whole
validation set after the epoch. Early stopping watches ``val_loss`` when there is a
validation set, else ``loss``, and restores the weights of the best epoch.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..checks import (
    BOOLEAN,
    Constraints,
    Interval,
    Kind,
    Options,
    check_dtype,
    check_network,
    keywords,
)
from ..errors import ParameterError
from ..limits import MAX_EPOCHS, describe
from .backprop import check_data, training_plan
from .bptt import (
    check_sequences,
    check_window,
    is_sequence,
    scored,
    sequence_loss,
    sequence_plan,
)
from .dropout import Dropout, check_keep
from .losses import apply_reduction, get_loss, prepared
from .optimizers import SGD, get_optimizer, schedule

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["History", "train"]

Array = np.ndarray


@dataclass
class History:
    """What happened during :func:`train`, one entry per epoch.

    Attributes
    ----------
    loss, val_loss : list of float
        Training and validation loss per epoch (``val_loss`` empty without validation).
    metrics, val_metrics : dict of str to list of float
        E.g. ``{"accuracy": [...]}``.
    lr : list of float
        The learning rate used in each epoch.
    epochs : int
        Epochs run.
    best_epoch : int
        Index (from 0) of the epoch with the lowest monitored loss.
    stopped_early : bool
        True when early stopping or a callback ended training before ``epochs``.
    restored_best : bool
        True when the weights of ``best_epoch`` were restored.
    samples_per_second : float
        Training throughput (forward + backward + update).
    """

    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    val_metrics: dict[str, list[float]] = field(default_factory=dict)
    lr: list[float] = field(default_factory=list)
    epochs: int = 0
    best_epoch: int = -1
    stopped_early: bool = False
    restored_best: bool = False
    samples_per_second: float = 0.0

    @property
    def best_loss(self) -> float:
        """The monitored loss at ``best_epoch``."""
        monitored = self.val_loss or self.loss
        return monitored[self.best_epoch] if monitored else math.nan

    def as_dict(self) -> dict[str, Any]:
        """Every per-epoch series by name (``loss``, ``val_loss``, ``accuracy``, ...)."""
        out: dict[str, Any] = {"loss": self.loss, "lr": self.lr}
        if self.val_loss:
            out["val_loss"] = self.val_loss
        out.update(self.metrics)
        out.update({f"val_{k}": v for k, v in self.val_metrics.items()})
        return out

    def plot(self, ax: Any = None, **options: Any) -> Axes:
        """Loss and metrics per epoch (see :func:`netsim.plot.plot_history`)."""
        from ..plot import plot_history

        return plot_history(self, ax, **options)

    def _repr_html_(self) -> str:
        from ..io.display import history_html

        return history_html(self)

    def __repr__(self) -> str:
        last = f", loss {self.loss[-1]:.6g}" if self.loss else ""
        return f"<History: {self.epochs} epochs{last}, best epoch {self.best_epoch}>"


def _accuracy(y: Array, d: Array) -> Array:
    """Per-sample correctness: argmax for several outputs, threshold 0.5 for one."""
    if y.shape[1] > 1:
        return np.argmax(y, axis=1) == np.argmax(d, axis=1)
    return (y[:, 0] >= 0.5) == (d[:, 0] >= 0.5)


METRICS: dict[str, Callable[[Array, Array], Array]] = {"accuracy": _accuracy}


def _metric_names(metrics: Any, loss_name: str) -> list[str]:
    if metrics is None:
        return ["accuracy"] if loss_name in ("cross_entropy", "binary_cross_entropy") else []
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    for m in names:
        if m not in METRICS:
            known = ", ".join(map(repr, METRICS))
            raise ParameterError(f"metric must be one of {known}, got {m!r}")
    return names


def _callbacks(callbacks: Any) -> list[Callable[[int, dict[str, Any]], Any]]:
    """The callbacks as a list of callables, or a clear error."""
    if callable(callbacks):
        raise ParameterError("callbacks must be a list of functions; put the one function "
                             "in a list: callbacks=[f]")
    try:
        cbs = list(callbacks)
    except TypeError:
        raise ParameterError(
            f"callbacks must be a list of functions f(epoch, logs), got {describe(callbacks)}"
        ) from None
    for cb in cbs:
        if not callable(cb):
            raise ParameterError(f"callbacks must be functions f(epoch, logs), got "
                                 f"{describe(cb)} in the list")
    return cbs


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where tqdm.auto draws a notebook widget)."""
    shell = sys.modules.get("IPython")
    get = getattr(shell, "get_ipython", None)
    ip = get() if callable(get) else None
    return ip is not None and hasattr(ip, "kernel")


def progress_bar_class() -> Any:
    """``tqdm.auto.tqdm`` (a widget in a notebook) when ipywidgets is installed, else the
    text bar, which a notebook shows too (tqdm.auto would fail there without it)."""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        from tqdm import tqdm
    else:
        from tqdm.auto import tqdm
    return tqdm


def _progress_enabled(progress: bool | None) -> bool:
    """``None``: on in a notebook or when stderr is a terminal, off otherwise."""
    if progress is None:
        return in_notebook() or bool(getattr(sys.stderr, "isatty", lambda: False)())
    return bool(progress)


# The values each parameter of train() accepts: declared here once, checked by @keywords
# before the call, read by the command line for its options (netsim.checks). The loss,
# optimizer, learning rate, metrics and callbacks are checked by their own registries.
TRAIN_CONSTRAINTS: Constraints = {
    "epochs": Interval(int, 1, MAX_EPOCHS),
    "batch_size": [Interval(int, 1, None), None],
    "validation_split": [Interval(float, 0, 1, closed="neither"), None],
    "early_stopping": [Interval(int, 1, None), None],
    "shuffle": BOOLEAN,
    "seed": [Interval(int, 0, None), None,
             Kind(np.random.Generator | np.random.SeedSequence | np.random.BitGenerator,
                  "a numpy Generator")],
    "progress": [BOOLEAN, None],
    "weight_decay": Interval(float, 0, None),
    "l1": Interval(float, 0, None),
    "multiplicative_decay": Interval(float, 0, 1, closed="left"),
    "decay_biases": BOOLEAN,
    "reduction": Options("mean", "sum"),
}


@keywords(constraints=TRAIN_CONSTRAINTS)
@np.errstate(all="ignore")  # the loss and the weights are checked for divergence
def train(
    net: Any,
    X: Any,
    D: Any,
    *,
    loss: Any = "mse",
    optimizer: Any = "sgd",
    lr: Any = None,
    epochs: int = 100,
    batch_size: int | None = 32,
    validation: tuple[Any, Any] | None = None,
    validation_split: float | None = None,
    early_stopping: int | None = None,
    shuffle: bool = True,
    seed: int | None = 0,
    progress: bool | None = None,
    callbacks: Iterable[Callable[[int, dict[str, Any]], Any]] = (),
    metrics: str | Sequence[str] | None = None,
    weight_decay: float = 0.0,
    l1: float = 0.0,
    multiplicative_decay: float = 0.0,
    decay_biases: bool = False,
    reduction: str = "mean",
    dropout: float | None = None,
    dropout_neurons: Iterable[Any] | None = None,
    bptt_window: int | None = None,
    clip: float | None = None,
    dtype: Any = "float64",
) -> History:
    """Train a network by backpropagation (through time) and write the weights back.

    Parameters
    ----------
    net : Network
        An acyclic network with differentiable neurons on the paths to its outputs;
        any network (recurrent too) for sequence data.
    X, D : array_like, shapes (B, k_in) and (B, k_out)
        Training inputs and desired outputs. **Sequences**: ``X`` of shape
        ``(B, T, k_in)`` and ``D`` of shape ``(B, T, k_out)`` (a target per step) or
        ``(B, k_out)`` (at the last step): backpropagation through time over the
        parallel rule unrolled for ``T`` steps (see :mod:`netsim.learn.bptt`); a
        sequence's error is the sum over its steps.
    loss : {"mse", "binary_cross_entropy", "cross_entropy"} or Loss
    optimizer : {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"} or Optimizer
        A name uses ``lr``; an optimizer object keeps its own settings, but a
        schedule given as ``lr`` still sets its rate each epoch.
    lr : float, sequence, callable or AdaptiveLR, optional
        The learning rate: a number, one value per epoch, ``epoch -> lr`` (e.g.
        :func:`netsim.step_decay`) or the course's adaptive rule
        (:class:`netsim.AdaptiveLR`, told each epoch's loss). Default: the
        optimizer's own rate (sgd, momentum, nesterov 0.1; adagrad 0.01; rmsprop and
        adam 0.001; an optimizer object keeps its rate).
    epochs : int
    batch_size : int or None
        1 = online, ``None`` = full batch.
    validation : (Xv, Dv), optional
        A validation set.
    validation_split : float, optional
        Instead: hold out this fraction of the samples (seeded random choice).
    early_stopping : int, optional
        Stop after this many epochs without improvement of the monitored loss and
        restore the weights of the best epoch.
    shuffle : bool
        A fresh permutation of the training samples every epoch.
    seed : int or None
        Seeds the shuffling and the validation split: the same seed gives the same
        history and weights.
    progress : bool or None
        A tqdm progress bar (loss, speed); ``None``: on in a Jupyter notebook (a
        widget, through ``tqdm.auto``) or when stderr is a terminal, off otherwise.
    callbacks : iterable of callables
        Each called as ``cb(epoch, logs)`` after every epoch (``logs`` holds the
        epoch's loss, val_loss, metrics and lr); returning ``True`` stops training.
    metrics : str or list of str, optional
        ``"accuracy"``; default: accuracy for the cross-entropy losses.
    weight_decay : float
        L2 weight decay λ: adds ``λ w`` to the gradient (penalty ``½λ‖w‖²``).
    l1 : float
        L1 penalty λ₁: adds ``λ₁ sign(w)`` to the gradient (penalty ``λ₁‖w‖₁``).
    multiplicative_decay : float
        The course's weight decay ζ in [0, 1): ``w ← (1 − ζ)(w + Δw)`` after each step.
    decay_biases : bool
        Apply the three penalties to the biases too (default: weights only).
    reduction : {"mean", "sum"}
        ``"mean"`` (default): each step uses the batch mean gradient and the losses
        in the history are means per sample; ``"sum"``: the course's
        ``Δw = −ε Σ_{k∈T} ∇E_k``, and ``loss`` / ``val_loss`` are the sums
        ``E = Σ_k E_k`` over the epoch's training samples / the validation set.
    dropout : float, optional
        The course's dropout with **keep** probability ``p`` in (0, 1] (``0.5``: each
        neuron kept with probability ½; note that torch's ``nn.Dropout(p)`` takes the
        *drop* probability instead). In every step each droppable neuron is kept
        with probability ``p``, independently (one mask per step, seeded by
        ``seed``); only the kept neurons' weights and biases change in that step.
        Inverted dropout: a kept neuron's output is divided by ``p`` during
        training, so the trained network predicts as it is (see
        :mod:`netsim.learn.dropout`). ``None`` or 1: no dropout.
    dropout_neurons : list of neuron ids, optional
        The droppable neurons; default every hidden neuron with incoming connections.
        With sequences one mask holds for every step of the step's sequences.
    bptt_window : int, optional
        Sequences only: truncated backpropagation through time, the gradient kept
        inside windows of this many steps (aligned with the end of the sequences);
        ``None``: through every step.
    clip : float, optional
        Gradient clipping by global norm: when ‖g‖₂ over every weight and bias
        exceeds ``clip``, the step uses ``g · clip/‖g‖₂`` (before the penalties).
    dtype : {"float64", "float32"} or numpy dtype
        The precision of training: data, weights, states, gradients and optimizer
        state all in this type (``"float32"``: about twice as fast on large layers,
        ~7 significant digits). The trained float32 weights are written back as the
        float64 values of those float32 numbers (see docs/learning.md, "Precision").

    Returns
    -------
    History

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.mlp("2-2-1", seed=3)
    >>> X = [[0, 0], [0, 1], [1, 0], [1, 1]]; D = [[0], [1], [1], [0]]
    >>> h = ns.train(net, X, D, lr=2.0, epochs=2000, batch_size=None, progress=False)
    >>> bool(h.loss[-1] < h.loss[0])
    True
    """
    check_network(net, "train")
    epochs = int(epochs)
    cbs = _callbacks(callbacks)
    seq = is_sequence(X)
    window = check_window(bptt_window)
    if window is not None and not seq:
        raise ParameterError("bptt_window is for sequence data: inputs of shape (B, T, k)")
    clip = _check_clip(clip)
    dt = check_dtype(dtype)
    if seq:
        prog = net.compile(dt)
        tplan: Any = sequence_plan(net, dt)
        x, d = check_sequences(prog, X, D)
    else:
        tplan = training_plan(net, "training", dt)
        prog = net.compile(dt)
        x, d = check_data(prog, X, D, dtype=dt)  # once per call, straight in dt
    x, d = x.astype(dt, copy=False), d.astype(dt, copy=False)
    loss_fn = get_loss(loss)
    ctx = prepared(net, loss_fn, prog)
    batch_size = None if batch_size is None else int(batch_size)
    drop = None
    if dropout is not None:
        stages = [tplan.step] if seq else tplan.stages
        drop = Dropout(prog, [st.targets for st in stages], check_keep(dropout),
                       dropout_neurons, seed)
        if not drop.active:
            drop = None
    elif dropout_neurons is not None:
        raise ParameterError("dropout_neurons needs dropout=p (the keep probability)")
    metric_names = _metric_names(metrics, loss_fn.name)
    rng = np.random.default_rng(seed)

    # Validation data.
    xv = dv = None
    if validation is not None and validation_split is not None:
        raise ParameterError("give either validation or validation_split, not both")
    if validation is not None:
        try:
            xv_raw, dv_raw = validation
        except (TypeError, ValueError):
            raise ParameterError("validation must be a pair (Xv, Dv)") from None
        if is_sequence(xv_raw) != seq:
            raise ParameterError("validation inputs must be sequences (B, T, k) exactly "
                                 "when the training inputs are")
        xv, dv = (check_sequences(prog, xv_raw, dv_raw, "validation ") if seq
                  else check_data(prog, xv_raw, dv_raw, "validation ", dt))
        xv, dv = xv.astype(dt, copy=False), dv.astype(dt, copy=False)
    elif validation_split is not None:
        n_val = round(len(x) * validation_split)
        if n_val < 1 or n_val >= len(x):
            raise ParameterError(
                f"validation_split {validation_split} of {len(x)} samples leaves no "
                "validation or no training samples"
            )
        perm = rng.permutation(len(x))
        xv, dv = x[perm[:n_val]], d[perm[:n_val]]
        x, d = x[perm[n_val:]], d[perm[n_val:]]

    # Working copies of the parameters, one vector (the weights, then the biases):
    # the optimizer updates it in place, in one call per step.
    n_conn = len(prog.weights)
    params = np.empty(n_conn + len(prog.bias), dtype=dt)
    weights, bias = params[:n_conn], params[n_conn:]
    weights[...] = prog.weights
    bias[...] = prog.bias
    opt = get_optimizer(optimizer)
    # plain SGD (not a subclass, which may redefine its step) steps on work arrays
    sgd = opt if isinstance(opt, SGD) and type(opt) is SGD else None
    # plain SGD without clipping or penalties (which need ∇E itself): the learning
    # rate multiplies the loss gradient (a few values) instead of every ∂E/∂w
    fold = sgd is not None and not seq and clip is None and not weight_decay and not l1
    if lr is None:
        lr = opt.lr  # a name gets the optimizer's own default rate
    lr_of = schedule(lr, epochs)
    if hasattr(lr_of, "reset"):
        lr_of.reset()  # an adaptive rule starts afresh in every run
    observe = getattr(lr_of, "observe", None)
    n = len(x)
    size = n if batch_size is None else min(batch_size, n)

    history = History(metrics={m: [] for m in metric_names})
    if xv is not None:
        history.val_metrics = {m: [] for m in metric_names}
    best = math.inf
    best_params: tuple[Array, Array] | None = None
    wait = 0
    bar = None
    if _progress_enabled(progress):
        tqdm = progress_bar_class()
        bar = tqdm(total=epochs, unit="epoch", file=sys.stderr, leave=True, dynamic_ncols=True)
    busy = 0.0
    seen = 0
    # minibatches gathered into the same two arrays every step (no allocation)
    xbuf = np.empty((size, *x.shape[1:]), dtype=x.dtype)
    dbuf = np.empty((size, *d.shape[1:]), dtype=d.dtype)
    evaluate, backward = _passes(tplan, seq, loss_fn, ctx, reduction, weights, bias, window,
                                 xbuf)
    try:
        for epoch in range(epochs):
            opt.lr = float(lr_of(epoch))
            order = rng.permutation(n) if shuffle else None
            total = 0.0
            correct = {m: 0.0 for m in metric_names}
            start = time.perf_counter()
            for lo in range(0, n, size):
                hi = min(lo + size, n)
                if order is None:  # in order: the minibatch is a view
                    xb, db = x[lo:hi], d[lo:hi]
                elif hi - lo == size:
                    idx = order[lo:hi]  # a permutation: every index is in range
                    xb = np.take(x, idx, axis=0, out=xbuf, mode="clip")
                    db = np.take(d, idx, axis=0, out=dbuf, mode="clip")
                else:
                    idx = order[lo:hi]
                    xb, db = x[idx], d[idx]
                m_b = hi - lo
                masks = kept = None
                if drop is not None:
                    kept = drop.draw()
                    masks = drop.masks(kept, dt)
                value, y, ys_d, tape = evaluate(xb, db, True, masks)
                if not math.isfinite(value):
                    raise ParameterError(
                        f"training diverged in epoch {epoch + 1}: the loss became {value}; "
                        f"lower the learning rate (lr={opt.lr:g})"
                    )
                if fold:  # backprop is linear: ε ∂E/∂(outputs) gives ε ∇E
                    tape = _scaled(tape, opt.lr)
                gw, gb = backward(tape, masks)
                if clip is not None:
                    _clip(gw, gb, clip)
                _penalise(gw, weights, weight_decay, l1)
                if decay_biases:
                    _penalise(gb, bias, weight_decay, l1)
                if drop is not None and kept is not None:  # dropped: parameters stay
                    fw, fb = drop.frozen(kept)
                    saved = weights[fw], bias[fb]
                grad = gw.base  # the plan's one work vector (∂E/∂w, ∂E/∂b) when it is one
                if grad is None or grad is not gb.base or grad.size != params.size:
                    grad = np.concatenate([gw, gb])
                if sgd is not None:  # no temporary: the gradient is a work array
                    sgd.descend(params, grad, scaled=fold)
                else:
                    opt.step([params], [grad])
                if multiplicative_decay:
                    weights *= 1.0 - multiplicative_decay
                    if decay_biases:
                        bias *= 1.0 - multiplicative_decay
                if drop is not None and kept is not None:
                    weights[fw], bias[fb] = saved
                total += value if reduction == "sum" else value * m_b
                for m in metric_names:
                    hits = METRICS[m](y, ys_d)  # one row per scored step of a sequence
                    correct[m] += float(np.sum(hits)) * m_b / len(hits)
            busy += time.perf_counter() - start
            seen += n
            if not (np.all(np.isfinite(weights)) and np.all(np.isfinite(bias))):
                raise ParameterError(
                    f"training diverged in epoch {epoch + 1}: the weights became non-finite; "
                    f"lower the learning rate (lr={opt.lr:g})"
                )
            epoch_loss = total if reduction == "sum" else total / n
            logs: dict[str, Any] = {"epoch": epoch, "loss": epoch_loss, "lr": opt.lr}
            history.loss.append(epoch_loss)
            history.lr.append(opt.lr)
            for m in metric_names:
                history.metrics[m].append(correct[m] / n)
                logs[m] = correct[m] / n
            monitored = epoch_loss
            if observe is not None:
                observe(epoch_loss)
            if xv is not None:
                v_value, v_y, v_d, _ = evaluate(xv, dv, False, None)
                history.val_loss.append(v_value)
                logs["val_loss"] = v_value
                monitored = v_value
                for m in metric_names:
                    score = float(np.mean(METRICS[m](v_y, v_d)))
                    history.val_metrics[m].append(score)
                    logs[f"val_{m}"] = score
            history.epochs = epoch + 1
            if monitored < best:
                best, wait = monitored, 0
                history.best_epoch = epoch
                if early_stopping is not None:
                    best_params = (weights.copy(), bias.copy())
            else:
                wait += 1
            if bar is not None:
                post = {"loss": f"{logs['loss']:.4g}"}
                if "val_loss" in logs:
                    post["val_loss"] = f"{logs['val_loss']:.4g}"
                post["samples/s"] = f"{seen / busy:.3g}" if busy > 0 else "-"
                bar.set_postfix(post, refresh=False)
                bar.update(1)
            stop = any(bool(cb(epoch, dict(logs))) for cb in cbs) if cbs else False
            if early_stopping is not None and wait >= early_stopping:
                stop = True
            if stop and epoch + 1 < epochs:
                history.stopped_early = True
                break
    finally:
        if bar is not None:
            bar.close()
    if early_stopping is not None and best_params is not None:
        weights, bias = best_params
        history.restored_best = True
    history.samples_per_second = seen / busy if busy > 0 else math.inf
    write_back(net, prog, weights, bias)
    return history


def _passes(plan: Any, seq: bool, loss_fn: Any, ctx: Any, reduction: str, weights: Array,
            bias: Array, window: int | None, batch_buffer: Array | None = None
            ) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """``evaluate(xs, ds, reuse, masks) -> (loss, y, d, tape)`` and
    ``backward(tape, masks) -> (gw, gb)`` for samples or sequences; ``y`` and ``d`` are
    the rows the metrics score. Minibatches gathered into ``batch_buffer`` run on
    the plan's bound passes (:meth:`netsim.learn.backprop.Plan.bind`) when it has them."""
    if seq:
        def evaluate_seq(xs: Array, ds: Array, reuse: bool, masks: Any) -> Any:
            mask = None if masks is None else masks[0]
            tape = plan.forward(xs, weights, bias, mask=mask)
            value, grads = sequence_loss(loss_fn, ctx, tape, ds, reduction)
            y, d = scored(tape, ds)
            return value, y, d, (tape, grads)

        def backward_seq(tape: Any, masks: Any) -> tuple[Array, Array]:
            mask = None if masks is None else masks[0]
            return plan.backward(tape[0], tape[1], weights, window, mask)

        return evaluate_seq, backward_seq
    from_xi = loss_fn.outputs_from_potentials  # the loss computes the outputs: once
    # the passes bound to the minibatch buffer, made at the first full minibatch
    # (when the loss has said whether it gives ∂E/∂y): a few numpy calls per stage
    bound: dict[str, Any] = {"passes": None, "tried": False}

    def evaluate(xs: Array, ds: Array, reuse: bool, masks: Any) -> Any:
        final = masks is not None or not from_xi  # dropout may scale the outputs
        b = bound["passes"]
        if b is not None and xs is b.x and masks is None:
            state, xis = b.forward()
        else:
            b = None
            state, xis = plan.forward(xs, weights, bias, reuse=reuse, masks=masks,
                                      final=final)
        value, gy, gxi, y = plan.loss(loss_fn, ctx, state, xis, ds, final=final)
        value, gy, gxi = apply_reduction(reduction, len(xs), value, gy, gxi)
        return value, y, ds, (state, xis, gy, gxi, (xs, b, final))

    def backward(tape: Any, masks: Any) -> tuple[Array, Array]:
        state, xis, gy, gxi, (xs, b, final) = tape
        if b is not None and b.skip_unfed == (gy is None):
            return b.backward(gy, gxi)
        if not bound["tried"] and masks is None and xs is batch_buffer:
            bound["tried"] = True
            bound["passes"] = plan.bind(xs, weights, bias, final=final,
                                        skip_unfed=gy is None)
        return plan.backward(state, xis, gy, gxi, weights, reuse=True, masks=masks)

    return evaluate, backward


def _scaled(tape: Any, factor: float) -> Any:
    """A sample minibatch's tape with its loss gradients (the outputs' ∂E/∂y and
    ∂E/∂ξ, a few values) multiplied by ``factor`` (new arrays: a user's loss may
    keep the ones it returned)."""
    state, xis, gy, gxi, rest = tape
    return (state, xis, None if gy is None else gy * factor,
            None if gxi is None else gxi * factor, rest)


def _check_clip(clip: Any) -> float | None:
    if clip is None:
        return None
    if (isinstance(clip, bool) or not isinstance(clip, int | float) or not math.isfinite(clip)
            or clip <= 0):
        raise ParameterError(f"clip must be a number > 0 (the largest gradient norm) or None, "
                             f"got {describe(clip)}")
    return float(clip)


def _clip(gw: Array, gb: Array, limit: float) -> None:
    """Scale ``(gw, gb)`` in place to global L2 norm ``limit`` when it is larger."""
    norm = math.sqrt(float(gw @ gw) + float(gb @ gb))
    if norm > limit:
        gw *= limit / norm
        gb *= limit / norm


def _penalise(grad: Array, params: Array, l2: float, l1: float) -> None:
    """Add the L2 (``l2 · w``) and L1 (``l1 · sign(w)``) penalty gradients in place."""
    if l2:
        grad += l2 * params
    if l1:
        grad += l1 * np.sign(params)


def write_back(net: Any, prog: Any, weights: Array, bias: Array) -> None:
    """Write trained weights and biases into ``net`` (compiled as ``prog``).

    ``net.set_weights(prog.configuration_vector(weights, bias))`` (float32 values
    become the float64 numbers equal to them): a change of values only, so the
    compiled programs and the backprop plan are patched in place (nothing compiles
    again) and the weights reach the graph's edge dicts lazily, when the graph
    is next read.
    """
    if net.compile(prog.dtype) is not prog:
        raise ParameterError("the network was changed during training; weights not written")
    if not (np.all(np.isfinite(weights)) and np.all(np.isfinite(bias))):
        raise ParameterError("trained weights are not finite; nothing was written")
    net.set_weights(prog.configuration_vector(weights, bias))
