"""Units behind the hostile-input guarantees: limits, argument checks, file reading,
the CSV reader, quoting, the scaled p-norm and fixed-steps runs that skip dead work.

The adversarial suite (tests/adversarial/) runs the same guarantees end to end; these
are the hand-computed and property cases of each piece.
"""

from __future__ import annotations

import errno
import os
import signal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_audit_reference import Ref, build, check, inputs_for, networks, ref_runs

import netsim as ns
from netsim import limits
from netsim.checks import check_network, check_seed, keywords
from netsim.csvfile import read_csv
from netsim.files import decode_text, read_bytes

# --- limits -------------------------------------------------------------------------------


def test_check_count_bounds_and_types():
    assert limits.check_count(0, "steps", 0, 10) == 0
    assert limits.check_count(np.int64(7), "steps", 0, 10) == 7
    for bad in (-1, 11, 2.0, True, "3", None, 10**400):
        with pytest.raises(ns.ParameterError, match="steps must be an integer between 0 and 10"):
            limits.check_count(bad, "steps", 0, 10)


def test_describe_keeps_messages_short():
    assert limits.describe(10**400) == "a 401-digit integer"
    assert len(limits.describe("x" * 10_000)) == 80


def test_memory_limit_from_the_environment(monkeypatch):
    monkeypatch.setenv("NETSIM_MEMORY_LIMIT", str(2**20))
    assert limits.available_memory() <= 2**20
    with pytest.raises(ns.SizeLimitError, match=r"the trace needs 2\.0 MiB of memory, but only"):
        limits.check_memory(2 * 2**20, "the trace")
    limits.check_memory(2**19, "the trace")


def test_record_memory_is_estimated_before_running(monkeypatch):
    monkeypatch.setenv("NETSIM_MEMORY_LIMIT", str(10 * 2**20))
    net = ns.zoo.xor()  # 5 neurons: 80 bytes per recorded step (with the assembly copy)
    with pytest.raises(ns.SizeLimitError, match=r"run\(record='step'\) with steps=1000000"):
        net.run([1, 0], steps=1_000_000, record=True)
    assert net.run([1, 0], steps=1000, record=True).trace.shape == (1001, 5)


def test_dense_matrices_are_refused_before_they_are_allocated(monkeypatch):
    """A network of many neurons but few connections: the dense n × n matrices (the
    user's weight_matrix(), the one behind energy and fixed points) are refused with
    a SizeLimitError, and the sparse matrix still works."""
    net = ns.Network.from_arrays([0, 1], [1, 2], [1.0, -1.0], neurons=1000,
                                 activation="sign")  # 8 MB dense
    monkeypatch.setenv("NETSIM_MEMORY_LIMIT", str(4 * 2**20))
    with pytest.raises(ns.SizeLimitError, match=r"weight_matrix\(\) of 1,000 neurons "
                       r"\(sparse=True gives its 2 connections.*needs 7\.6 MiB"):
        net.weight_matrix()
    assert net.weight_matrix(sparse=True).nnz == 2
    with pytest.raises(ns.SizeLimitError, match="the dense weight matrix of 1,000 neurons"):
        ns.energy(net, np.ones(1000))


def test_network_size_estimate():
    with pytest.raises(ns.SizeLimitError, match="24,995,000 connections"):
        ns.hopfield(np.ones((1, 5000)))
    with pytest.raises(ns.SizeLimitError, match="above the limit"):
        ns.mlp("2-99999999999999999999")


def test_layer_bound_is_the_schemas():
    schema = ns.io.json_format.schema()
    assert schema["$defs"]["neuron"]["properties"]["layer"]["maximum"] == limits.MAX_LAYER
    net = ns.Network()
    net.add_neuron("a", layer=limits.MAX_LAYER)
    with pytest.raises(ns.ParameterError, match="layer must be an integer between 0 and"):
        net.add_neuron("b", layer=limits.MAX_LAYER + 1)


# --- argument checks ----------------------------------------------------------------------


def test_keywords_did_you_mean_and_overflow():
    @keywords
    def f(net, *, steps=None, tol=0.0):
        return np.asarray(net, dtype=float), float(tol)

    with pytest.raises(ns.ParameterError, match=r"f\(\) has no parameter 'stesp' \(did you "
                                                r"mean 'steps'\?\); its parameters: net, steps"):
        f([], stesp=1)
    with pytest.raises(ns.ParameterError, match="tol holds a number too large"):
        f([], tol=10**400)
    with pytest.raises(ns.ParameterError, match="net holds a number too large"):
        f([[1, 2], [3, 10**400]])

    @keywords
    def g(**options):
        raise OverflowError("not from an argument")

    with pytest.raises(OverflowError):  # only an argument's overflow is the user's
        g(a=1)


def test_check_network_names_what_it_got():
    with pytest.raises(ns.ParameterError, match="got None"):
        check_network(None, "run")
    with pytest.raises(ns.ParameterError, match=r"got str 'x\.json' \(load a file"):
        check_network("x.json", "run")
    check_network(ns.zoo.xor(), "run")
    check_network(ns.zoo.xor().compile(), "run", program=True)


def test_check_seed():
    assert check_seed(None) is None and check_seed(3) == 3
    generator = np.random.default_rng(0)
    assert check_seed(generator) is generator
    for bad in (-1, 1.5, True, "0"):
        with pytest.raises(ns.ParameterError, match="seed must be None or an integer >= 0"):
            check_seed(bad)


# --- reading files ------------------------------------------------------------------------


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ns.DataError, match="not a regular file but a named pipe"):
        read_bytes(fifo, limit=100, error=ns.DataError)
    with pytest.raises(ns.FormatError, match="named pipe"):
        ns.load(fifo)


def test_size_limit_is_checked_before_reading(tmp_path):
    path = tmp_path / "big"
    path.write_bytes(b"x" * 101)
    with pytest.raises(ns.DataError, match="the file is 101 bytes; the limit is 100 bytes"):
        read_bytes(path, limit=100, error=ns.DataError)
    assert read_bytes(path, limit=101, error=ns.DataError) == b"x" * 101


@pytest.mark.parametrize(
    ("raw", "message"),
    [("x".encode("utf-16"), "UTF-16 text"), ("x".encode("utf-32"), "UTF-32 text"),
     (b"ab\xc3(", r"invalid byte 0xc3 at offset 2"), (b"\xff", "invalid byte 0xff at offset 0")],
)
def test_encodings_are_named_with_the_offset(raw, message):
    with pytest.raises(ns.DataError, match=message):
        decode_text(raw, "f.csv", ns.DataError)


def test_missing_file_stays_an_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        ns.load(tmp_path / "none.json")


# --- the CSV reader -----------------------------------------------------------------------


def test_one_header_rule(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("x1,2\n0,1\n", encoding="utf-8")  # any non-number makes a header
    assert read_csv(p).header == ["x1", "2"]
    p.write_text("1,2\n0,1\n", encoding="utf-8")
    assert read_csv(p).header is None and read_csv(p).lines == [1, 2]
    p.write_text("\ufeff# c\r\n\r\nb , a\r\n1,2\r\n", encoding="utf-8")
    table = read_csv(p, columns=["a", "b"])
    assert table.header == ["a", "b"] and table.values.tolist() == [[2.0, 1.0]]
    assert table.lines == [4]


def test_columns_by_name_are_checked(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("x1,x22\n0,1\n", encoding="utf-8")
    with pytest.raises(ns.DataError, match=r"line 1: unknown column 'x22' \(did you mean 'x2'"):
        read_csv(p, columns=["x1", "x2"])
    p.write_text("0,1,2\n", encoding="utf-8")
    with pytest.raises(ns.DataError, match="expected 2 values"):
        read_csv(p, columns=["x1", "x2"])


def test_train_and_run_read_the_same_file(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("\ufeff# xor\nx1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n", encoding="utf-8")
    s = ns.read_samples(p)
    assert s.input_names == ["x1", "x2"] and s.targets.ravel().tolist() == [0, 1, 1, 0]
    from netsim.cli.run import read_inputs

    x = read_inputs(p, ["x1", "x2", "y"])
    assert x.tolist() == [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]]


# --- the scaled p-norm --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "far", "near"),
    # ‖(0,0) − (2,1)‖_p and ‖(0,0) − (0.5,−0.25)‖_p by hand: p=1: 3, 0.75; p=2: √5, √5/4;
    # p=3: (8+1)^(1/3), (0.125+0.015625)^(1/3); huge p: the max-norm, 2 and 0.5.
    [(1, 3.0, 0.75), (2, 5**0.5, 5**0.5 / 4), (3, 9 ** (1 / 3), 0.140625 ** (1 / 3)),
     (1100, 2.0, 0.5), (2000, 2.0, 0.5), (1e300, 2.0, 0.5)],
)
def test_distance_p_norm_by_hand(p, far, near):
    d = ns.get_potential("distance")
    assert float(d([0.0, 0.0], [2.0, 1.0], p=p)) == pytest.approx(far, rel=1e-12)
    assert float(d([0.0, 0.0], [0.5, -0.25], p=p)) == pytest.approx(near, rel=1e-12)
    assert float(d([1.0, 1.0], [1.0, 1.0], p=p)) == 0.0


@pytest.mark.parametrize("p", [1.5, 3.0, 40.0, 2000.0])
def test_distance_gradient_matches_finite_differences(p):
    d = ns.get_potential("distance")
    v = np.array([[0.3, 0.1, 0.9, -0.4, 0.2]])
    w = np.array([0.5, -0.2, 0.2, 0.1, 0.25])  # no zero difference: |d|^p has a kink
    ip = np.array([0, 2, 2, 5])  # an empty middle segment
    xi = d.forward(v, w, ip, np.zeros(3), p=p)
    grad, grad_w = d.gradient(v, w, ip, xi, p=p)
    eps = 1e-7
    for i in range(5):
        v2 = v.copy()
        v2[0, i] += eps
        numeric = (d.forward(v2, w, ip, np.zeros(3), p=p) - xi).sum() / eps
        assert grad[0, i] == pytest.approx(numeric, abs=1e-5)
    np.testing.assert_array_equal(grad_w, -grad)


# --- fixed-steps runs that skip dead work -------------------------------------------------


def _oscillator(n: int = 3) -> ns.Network:
    net = ns.Network()
    for k in range(n):
        net.add_neuron(k, activation="sign", initial=1.0 if k == 0 else -1.0)
    for k in range(n):
        net.connect(k, (k + 1) % n, 1.0)
    return net


def test_layered_stops_after_its_last_layer():
    net = ns.zoo.xor()
    short, long = net.run([1, 0], steps=2), net.run([1, 0], steps=100_000_000)
    assert long.steps == 100_000_000 and long.converged
    np.testing.assert_array_equal(long.state, short.state)
    trace = net.run([1, 0], steps=6, record=True).trace
    np.testing.assert_array_equal(trace[2:], np.broadcast_to(short.state, (5, 5)))


@pytest.mark.parametrize("rule", ["parallel", "sequential"])
def test_whole_cycles_are_skipped(rule):
    net = _oscillator()  # a ring of 3 copying sign neurons: period 3 steps (parallel)
    for k in (0, 1, 2, 3, 10, 11, 12, 13):
        slow = net.run([], rule=rule, steps=k, record=True)  # records every step
        fast = net.run([], rule=rule, steps=k)
        np.testing.assert_array_equal(fast.state, slow.state)
        assert (fast.steps, fast.period) == (slow.steps, slow.period)
    big = net.run([], rule=rule, steps=99_999_999)
    period = big.period
    same = net.run([], rule=rule, steps=99_999_999 % period + period)
    np.testing.assert_array_equal(big.state, same.state)


@settings(max_examples=40)
@given(st.data())
def test_fixed_steps_agree_with_the_reference(data):
    """Long fixed-step runs of discrete networks (skipping whole cycles) against the
    naive reference that steps through every one."""
    desc = data.draw(networks(acyclic=False, discrete=True, max_n=5))
    ref = Ref(desc)
    batch = data.draw(st.sampled_from([0, 3]))
    x = inputs_for(data.draw, desc, batch)
    rule = data.draw(st.sampled_from(["parallel", "sequential"]))
    steps = data.draw(st.integers(20, 150))
    run = build(desc).run(x, rule=rule, steps=steps)
    check(run, ref_runs(ref, x, rule=rule, order="cyclic", steps=steps), batch == 0)


# --- saving -------------------------------------------------------------------------------


def test_save_into_a_directory_names_it(tmp_path):
    with pytest.raises(IsADirectoryError) as info:
        ns.save(ns.zoo.xor(), tmp_path)
    assert info.value.filename == str(tmp_path) and "is a directory" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_sigterm_handler_is_only_held_while_writing(tmp_path):
    seen = []
    import netsim.io.atomic as atomic

    with atomic.atomic_open(tmp_path / "a.txt") as f:
        seen.append(signal.getsignal(signal.SIGTERM))
        f.write("x")
    assert seen[0] is not signal.SIG_DFL
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    with pytest.raises(SystemExit), atomic.atomic_open(tmp_path / "b.txt") as f:
        f.write("x")
        os.kill(os.getpid(), signal.SIGTERM)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_full_disk_during_a_write_names_the_file(tmp_path, monkeypatch):
    import netsim.io.atomic as atomic

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(OSError, match="No space left") as info:
        atomic.atomic_write_text(tmp_path / "t.txt", "x")
    assert info.value.filename == str(tmp_path / "t.txt")
    assert list(tmp_path.iterdir()) == []


# --- ids that are not text ---------------------------------------------------------------


def test_lone_surrogate_id_round_trips_and_prints(capsys, tmp_path):
    net = ns.Network()
    net.add_input("\ud800")
    net.add_output("y", activation="step")
    net.connect("\ud800", "y", 1.0)
    path = tmp_path / "s.json"
    ns.save(net, path)
    assert b"\\ud800" in path.read_bytes()
    assert ns.io.dumps(ns.load(path)) == path.read_text(encoding="utf-8")
    assert "_" in net.to_dot().source.split("\n", 3)[2] or "\ud800" not in net.to_dot().source
