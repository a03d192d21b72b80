"""Plots (matplotlib, Agg backend): each returns its Axes/Figure with the right content."""

from __future__ import annotations

import contextlib
import sys

import numpy as np
import pytest

import netsim as ns

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_missing_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ns.MissingExtraError, match=r"pip install netsim\[plot\]"):
        ns.zoo.xor().run([1, 0], record=True).plot()
    with pytest.raises(ImportError):  # catchable as the built-in too
        ns.plot_patterns([1, -1, 1, -1])


def test_history_plot_curves_are_the_history():
    net = ns.mlp([2, 2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    D = [[0], [1], [1], [0]]
    h = ns.train(net, X, D, loss="binary_cross_entropy", epochs=20, validation=(X, D),
                 progress=False, seed=0)
    ax = h.plot()
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert np.allclose(lines["loss"].get_ydata(), h.loss)
    assert np.allclose(lines["validation loss"].get_ydata(), h.val_loss)
    assert list(lines["loss"].get_xdata()) == list(range(1, 21))
    right = {line.get_label(): line for line in ax.right_ax.get_lines()}
    assert np.allclose(right["accuracy"].get_ydata(), h.metrics["accuracy"])
    assert ax.get_xlabel() == "epoch"



def test_history_legend_covers_no_line_and_best_epoch_only_when_it_tells():
    """The XOR history of docs/img/history.png: the accuracy reaches 1.0 at the top
    right, where matplotlib's loc="best" (blind to the twin axes) put the legend."""
    net = ns.mlp([2, 4, 1], activation="sigmoid", output_activation="sigmoid", seed=1)
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    h = ns.train(net, X, [[0], [1], [1], [0]], loss="binary_cross_entropy", lr=0.5,
                 epochs=800, seed=0, progress=False)
    ax = h.plot()
    ax.figure.canvas.draw()
    box = ax.get_legend().get_window_extent()
    for axes in (ax, ax.right_ax):
        for line in axes.get_lines():
            xy = axes.transData.transform(np.column_stack(line.get_data()))
            inside = ((xy[:, 0] > box.x0) & (xy[:, 0] < box.x1)
                      & (xy[:, 1] > box.y0) & (xy[:, 1] < box.y1))
            assert not inside.any(), line.get_label()
    # the loss falls to the last epoch and there is no validation: no "best epoch" line
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["loss", "accuracy"]

def test_run_plot_heatmap_and_raster():
    net = ns.zoo.xor()
    run = net.run([1, 0], record=True)
    ax = run.plot()
    image = ax.get_images()[0].get_array()
    assert np.array_equal(image, run.trace.T)  # neurons × steps
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x1", "x2", "h1", "h2", "y"]
    ax = run.plot(kind="raster")
    offsets = ax.collections[0].get_offsets()
    # (step, neuron) of every 1 in the trace
    expected = sorted((int(t), int(k)) for k, t in zip(*np.nonzero(run.trace.T > 0.5),
                                                        strict=True))
    assert sorted(map(tuple, np.asarray(offsets).astype(int).tolist())) == expected
    batch = net.run([[0, 0], [1, 1]], record=True)
    assert np.array_equal(batch.plot(sample=1).get_images()[0].get_array(),
                          batch.trace[:, 1].T)
    sub = run.plot(neurons=["y", "x1"])
    assert [t.get_text() for t in sub.get_yticklabels()] == ["y", "x1"]
    with pytest.raises(ns.ParameterError, match="record=True"):
        net.run([1, 0]).plot()
    with pytest.raises(ns.ParameterError, match="kind"):
        run.plot(kind="bars")
    with pytest.raises(ns.NeuronNotFoundError):
        run.plot(neurons=["nope"])


def test_decision_regions_of_xor():
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    ax = ns.plot_decision_regions(ns.zoo.xor(), X, [0, 1, 1, 0], resolution=101)
    z = ax.get_images()[0].get_array()
    # grid from -0.25 to 1.25: the sample points sit at 1/6 and 5/6 of the range
    assert z[16, 16] == 0 and z[84, 84] == 0 and z[16, 84] == 1 and z[84, 16] == 1
    labels = sorted(t.get_text() for t in ax.texts)
    assert labels == ["h1", "h2"]
    # h1: -1 + 2x1 + 2x2 = 0 -> the line x2 = 0.5 - x1
    (line_h1,) = [ln for ln in ax.get_lines() if np.allclose(
        ln.get_ydata(), 0.5 - np.asarray(ln.get_xdata()))]
    assert line_h1.get_linestyle() == "--"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["region: < 0.5", "region: ≥ 0.5", "target < 0.5", "target ≥ 0.5"]
    with pytest.raises(ns.ParameterError, match="2 inputs"):
        ns.plot_decision_regions(ns.mlp([3, 1], seed=0), [[0, 0, 0]])
    with pytest.raises(ns.ParameterError, match="one target per sample"):
        ns.plot_decision_regions(ns.zoo.xor(), X, [0, 1])


def test_decision_regions_several_outputs_is_argmax():
    net = ns.Network()
    net.add_input("x1")
    net.add_input("x2")
    net.add_output("a")
    net.add_output("b")
    net.connect("x1", "a", 1.0)
    net.connect("x2", "b", 1.0)
    ax = ns.plot_decision_regions(net, [[0, 0], [1, 1]], [[1, 0], [0, 1]], resolution=11)
    z = ax.get_images()[0].get_array()
    # a wins below the diagonal x1 > x2 (row = x2, column = x1)
    assert z[0, 10] == 0 and z[10, 0] == 1
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["region: a largest", "region: b largest", "class 0 (a)", "class 1 (b)"]


def test_decision_regions_sign_targets_take_the_output_colours():
    """±1 targets of a sign output are coloured by the side of the level they are on,
    the colours of the regions (not −1 off the palette)."""
    net = ns.Network()
    net.add_input("x1")
    net.add_input("x2")
    net.add_output("y", activation="sign")
    net.connect("x1", "y", 1.0)
    net.connect("x2", "y", -1.0)
    ax = ns.plot_decision_regions(net, [[1, 0], [0, 1]], [1, -1], resolution=11)
    scatter = ax.collections[-1]
    assert scatter.get_array().tolist() == [1.0, 0.0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["region: < 0", "region: ≥ 0", "target < 0", "target ≥ 0"]


def test_patterns_as_images():
    letters = np.array([[1, -1, -1, 1], [-1, 1, 1, -1], [1, 1, 1, 1]])
    fig = ns.plot_patterns(letters, shape=(2, 2), titles=["a", "b", "c"], columns=2)
    assert len(fig.axes) == 3
    assert np.array_equal(fig.axes[1].get_images()[0].get_array(), [[-1, 1], [1, -1]])
    assert fig.axes[2].get_title() == "c"
    with pytest.raises(ns.ParameterError, match="holds 4 values"):
        ns.plot_patterns(np.ones(49), shape=(2, 2))
    fig = ns.plot_patterns(np.ones(49))  # default: the nearest square, 7 x 7
    assert fig.axes[0].get_images()[0].get_array().shape == (7, 7)


def test_recall_plot_overlaps_and_energy():
    x = np.array([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]])
    net = ns.hopfield(x)
    r = ns.recall(net, [-1, -1, 1, -1, 1, -1], x)
    ax = r.plot(net)
    m0 = ax.get_lines()[0].get_ydata()
    assert np.allclose(m0, r.overlaps[:, 0]) and m0[-1] == 1.0
    energy = ax.right_ax.get_lines()[0].get_ydata()
    assert np.allclose(energy, ns.energy(net, r.trace))
    assert energy[-1] <= energy[0]  # the energy never rises under the sequential rule
    with pytest.raises(ns.ParameterError, match="patterns"):
        ns.recall(net, x[0]).plot()


def test_capacity_plot():
    result = ns.capacity_experiment(n=30, loads=(0.05, 0.1, 0.2), trials=1, seed=0)
    ax = result.plot()
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert np.allclose(lines["bit error rate"].get_ydata(), result.error_rate)
    assert np.allclose(lines["patterns recalled"].get_xdata(), result.loads)
    assert list(lines["α_c ≈ 0.138"].get_xdata()) == [0.138, 0.138]


@pytest.mark.parametrize("bad", [None, "xor.json", 3, 10**400, [[1, 2], [3]], {"a": 1},
                                 float("nan"), b"\xff", object()])
def test_hostile_arguments_are_netsim_errors(bad):
    X = [[0.0, 0.0], [1.0, 1.0]]
    calls = [lambda: ns.plot_decision_regions(bad, X), lambda: ns.plot_decision_regions(
        ns.zoo.xor(), bad), lambda: ns.plot_decision_regions(ns.zoo.xor(), X, bad),
        lambda: ns.plot_patterns(bad), lambda: ns.plot_recall(bad)]
    for call in calls:  # only NetsimError (a clear message) may come out; most do raise
        with contextlib.suppress(ns.NetsimError):
            call()
