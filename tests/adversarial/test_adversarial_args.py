"""Absurd arguments, on the command line and to the Python API, in a 1 GB process.

Command line: exit status 2 and one line (or, for a request that is merely large but
cheap, a quick success). Python: one ``NetsimError`` naming what was given — never a
``TypeError``/``OverflowError``/``MemoryError``, never minutes of work.
"""

from __future__ import annotations

import errno
import io

import numpy as np
import pytest
from _harness import assert_ok, assert_refused, run_cases

import netsim as ns

BIG = "1" + "0" * 30

# (argv, expected piece of the message, or None for "succeeds quickly")
CLI = [
    (["new", "mlp", "2-99999999999999999999", "-o", "a.json"], "above the limit"),
    (["new", "mlp", "2-1000000-1000000", "-o", "a.json"], "connections"),
    (["new", "mlp", "2-2", "--activation", "sigmoid:", "-o", "a.json"], "no parameters"),
    (["new", "mlp", "2-2", "--seed", "-1", "-o", "a.json"], "seed"),
    (["new", "zoo", "xor", "-o", "adir.json"], "is a directory"),
    (["train", "mlp.json", "data.csv", "-o", "t.json", "--seed", "-1"], "seed"),
    (["train", "mlp.json", "data.csv", "-o", "t.json", "--epochs", BIG], "epochs"),
    (["train", "mlp.json", "data.csv", "-o", "adir.json", "--epochs", "900000"],
     "is a directory"),
    (["train", "mlp.json", "data.csv", "-o", "missing/t.json"], "does not exist"),
    (["run", "xor.json", "--input", "1", "0", "--steps", "1000000000"], "steps"),
    (["run", "xor.json", "--input", "1", "0", "--max-steps", str(2**63)],
     "--max-steps: must be an integer between 0 and"),
    (["run", "xor.json", "--input", "1", "0", "--steps", "30000000", "--trace"], "memory"),
    (["run", "xor.json", "--input", "1", "0", "--seed", "-1"], "seed"),
    (["run", "xor.json", "--inputs", "x.csv", "--trace", "--sample", BIG], "--sample"),
    (["render", "xor.json", "--input", "1", "0", "--trace", "--steps", "5000", "-o", "fr/"],
     "frames"),
    (["render", "xor.json", "-o", "adir"], "is a directory"),
    (["render", "xor.json", "-o", "x.svg", "--max-layer-width", BIG], None),
    (["attractors", "hop40.json"], "free neurons"),
    (["attractors", "osc.json", "--clamp", "9" * 5000 + "=1"], "has no neuron"),
    (["attractors", "osc.json", "--clamp", "\u00b2=1"], "has no neuron"),
    (["train", "mlp.json", "data.csv", "-o", "t.json", "--targets", "9" * 5000], "digit"),
    (["evaluate", "mlp.json", "data.csv", "--targets", "9" * 5000], "digit"),
    (["new", "boolean", "data.csv", "-o", "b.json", "--outputs", "9" * 5000], "digit"),
    (["attractors", "osc.json", "--solver", "--max-period", "1001"], "max_period"),
    (["attractors", "osc.json", "--sample", BIG], "memory"),
    (["new", "matrix", "lying.npy", "-o", "m.json"], "announces shape"),
    # large but cheap: the state can no longer change, so the steps are not walked
    (["run", "xor.json", "--input", "1", "0", "--steps", "100000000"], None),
    (["run", "osc.json", "--rule", "parallel", "--steps", "100000000"], None),
    (["run", "osc.json", "--rule", "sequential", "--steps", "99999999"], None),
    # numpy's overflow warnings never reach stderr
    (["run", "xor.json", "--input", "1e308", "1e308"], None),
    (["run", "lin.json", "--input", "1e308"], None),
]

PYTHON = [
    ("ns.run(None, [1, 0])", "got None"),
    ("ns.run('xor.json', [1, 0])", "ns.load"),
    ("ns.train(None, [[0, 0]], [[0]])", "train expects a Network"),
    ("ns.gradient(None, [[0, 0]], [[0]])", "gradient expects a Network"),
    ("ns.attractors(None)", "attractors expects a Network"),
    ("ns.fixed_points('x')", "fixed_points expects a Network"),
    ("ns.load(None)", "load expects a file path"),
    ("ns.io.loads(3)", "loads expects str or bytes"),
    ("n = ns.zoo.xor(); n.connect('x1', 'y', 10**400)", "401-digit"),
    ("n = ns.Network(); n.add_neuron('a', layer=10**20)", "layer"),
    ("ns.hopfield([[1, -1], [1]])", "same length"),
    ("ns.hopfield(np.ones((1, 5000)))", "connections"),
    ("ns.train(ns.mlp('2-1'), [[0, 0]], [[0]], callbacks=5)", "callbacks"),
    ("ns.train(ns.mlp('2-1'), [[0, 0]], [[0]], epochs=10**30)", "epochs"),
    ("ns.train(ns.mlp('2-1'), [[0, 0]], [[0]], epoks=3)", "did you mean 'epochs'"),
    ("ns.zoo.xor().run([1, 0], stpes=3)", "did you mean 'steps'"),
    ("ns.zoo.xor().run([1, 0], max_steps=2**63)", "max_steps"),
    ("ns.zoo.xor().run([1, 0], steps=10**8, record=True)", "memory"),
    ("ns.zoo.xor().to_dot(directon='TB')", "did you mean 'direction'"),
    ("ns.Network().add_neuron('a', activaton='tanh')", "did you mean 'activation'"),
    ("ns.register_activation('x', None)", "forward must be a function"),
    ("ns.capacity_experiment(n=10**6)", "memory"),
    ("ns.capacity_experiment(n=100, loads=[1e300])", "loads"),
    ("ns.glauber(ns.hopfield([[1, -1, 1]]), [1, 1, 1], 0.5, sweeps=10**9)", "sweeps"),
    ("ns.mlp('2-99999999999999999999')", "above the limit"),
    ("ns.mlp([2, 10**6, 10**6])", "connections"),
    ("ns.read_samples('data.csv', targets=[])", "empty list"),
    ("ns.read_samples('data.csv', targets=True)", "got True"),
    ("ns.read_samples(None)", "file path"),
    ("ns.render_trace(ns.zoo.xor(), np.zeros((5000, 5)), 'fr2/')", "frames"),
    ("ns.evaluate('xor.json', [[0, 0]], [[0]])", "ns.load"),
    ("ns.confusion_matrix([0, 10**9], [0, 1])", "memory"),
    ("ns.confusion_matrix([0, 1e300], [0, 1])", "2**31"),
    ("ns.bagging(ns.mlp('1-1'), [[0], [1]], [[0], [1]], k=10**9)", "k must be"),
    ("ns.kfold(ns.mlp('1-1'), [[0], [1]], [[0], [1]], k=2, epoks=3)", "did you mean"),
    ("ns.split([[0], [1]], [[0], [1]], seed=-1)", "seed"),
    ("ns.from_matrix(np.ones((4000, 4000)))", "connections"),
    ("ns.from_matrix([[0, 1], [1, 0]], ids='ab')", "sequence of neuron ids"),
    ("ns.boolean_network([[0, 1], [1, 0]], inputs=5)", "sequence of neuron ids"),
    ("ns.derrida(ns.from_matrix([[0, 1], [1, 0]]), pairs=10**12)", "memory"),
    ("ns.derrida(5)", "derrida expects a Network"),
    ("ns.attractors(ns.zoo.build('mutual-inhibition'), method='sample', samples=10**12)",
     "memory"),
    ("ns.attractors(ns.zoo.build('mutual-inhibition'), method='sample', seed=-1)", "seed"),
    ("ns.attractors(ns.zoo.build('mutual-inhibition'), method='solver', max_period=10**9)",
     "max_period"),
    ("ns.plot_patterns([[1, -1]], shape=(10**6, 10**6))", "memory"),
    ("ns.plot_recall(None)", "Recall"),
    ("ns.read_matrix('lying.npy')", "announces shape"),
    ("ns.zoo.xor().view(None)", "record=True"),
    # keyword arguments of the second wave's functions
    ("ns.attractors(ns.zoo.build('mutual-inhibition'), method='solver', clamp=5)",
     "clamp must be a mapping"),
    ("ns.attractors(ns.zoo.build('mutual-inhibition'), method='sample', clamp='x')",
     "clamp must be a mapping"),
    ("ns.derrida(ns.random_threshold_network(8, 2, seed=0), seed=object())", "seed"),
    ("ns.bagging(ns.mlp('1-1'), [[0], [1]], [[0], [1]], seed=[1, 2])", "seed"),
    ("ns.evaluate(ns.zoo.xor(), [[0, 0]], [[0]], loss=['mse'])", "loss must be one of"),
    ("ns.from_matrix([[0, 1], [1, 0]], bias=[1, [2]])", "bias must be"),
    ("ns.random_threshold_network(10**6, 2)", "memory"),
    ("ns.random_threshold_network(8, 10**400)", "too large"),
    ("ns.random_threshold_network(8, 2, seed=-1)", "seed"),
    ("ns.ensemble_study(len, len, n=10**9)", "n must be"),
    ("import matplotlib; matplotlib.use('Agg')\n"
     "ns.plot_decision_regions(ns.zoo.xor(), [[0, 0]], ax=5)", "matplotlib Axes"),
    ("import matplotlib; matplotlib.use('Agg')\n"
     "ns.zoo.xor().run([1, 0], record=True).plot(cmap='viridi')", "did you mean"),
    ("import matplotlib; matplotlib.use('Agg')\n"
     "ns.plot_patterns([[1, -1]], titles=5)", "titles must be"),
    ("ns.zoo.xor().view(ns.zoo.xor().run([1, 0], record=True), path=5)", "file name"),
    # every partial assignment stays feasible: the frontier doubles until memory is short
    ("n = ns.Network()\n"
     "for k in range(40): n.add_neuron(k, activation='sign')\n"
     "n.connect_many((a, b, 0.0) for a in range(40) for b in range(40) if a != b)\n"
     "ns.fixed_points(n, method='search', max_frontier=10**9)", "memory"),
]
ENV = {"ns.fixed_points": {"NETSIM_MEMORY_LIMIT": str(40 * 2**20)}}


def _setup(tmp):
    (tmp / "adir").mkdir()
    (tmp / "adir.json").mkdir()
    ns.save(ns.zoo.xor(), tmp / "xor.json")
    ns.save(ns.mlp("2-2-1", seed=0), tmp / "mlp.json")
    ns.save(ns.zoo.build("mutual-inhibition"), tmp / "osc.json")
    _hop40(tmp)
    lin = ns.Network()
    lin.add_input("x")
    lin.add_output("y", activation="identity")
    lin.connect("x", "y", 1e308)
    ns.save(lin, tmp / "lin.json")
    (tmp / "data.csv").write_text("x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n", encoding="utf-8")
    (tmp / "x.csv").write_text("x1,x2\n0,0\n1,1\n", encoding="utf-8")
    # a 152-byte .npy whose header announces 10**13 values (numpy would allocate 73 TiB)
    raw = io.BytesIO()
    np.save(raw, np.zeros(3))
    head = raw.getvalue()[:128].decode("latin-1").replace("(3,)", "(10000000000000,)")
    head = head.rstrip("\n").rstrip(" ")
    (tmp / "lying.npy").write_bytes((head + " " * (127 - len(head)) + "\n").encode("latin-1")
                                    + raw.getvalue()[128:])


def _hop40(tmp):
    patterns = np.where(np.arange(80).reshape(2, 40) % 3 == 0, 1.0, -1.0)
    ns.save(ns.hopfield(patterns), tmp / "hop40.json")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile_args")
    _setup(tmp)
    cases = [{"argv": argv} for argv, _ in CLI] + [
        {"python": code, "env": next((e for k, e in ENV.items() if k in code), {})}
        for code, _ in PYTHON]
    return tmp, run_cases(cases, cwd=tmp)


@pytest.mark.parametrize("k", range(len(CLI)), ids=[" ".join(a)[:60] for a, _ in CLI])
def test_cli_argument(results, k):
    tmp, out = results
    argv, message = CLI[k]
    case, result = {"argv": argv}, out[k]
    if message is None:
        assert_ok(case, result)
        assert result["seconds"] < 10, result
    else:
        assert_refused(case, result, message=message)
        assert result["seconds"] < 10, result
    assert not [p for p in tmp.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.parametrize("k", range(len(PYTHON)), ids=[c[:60] for c, _ in PYTHON])
def test_python_argument(results, k):
    _tmp, out = results
    code, message = PYTHON[k]
    result = out[len(CLI) + k]
    assert result.get("netsim_error") is True, (code, result)
    assert message in result["message"], (code, result)
    assert result["seconds"] < 10, result


def test_training_with_an_existing_directory_fails_before_training(results):
    _tmp, out = results
    k = next(i for i, (a, _) in enumerate(CLI) if "adir.json" in a and "train" in a)
    assert out[k]["seconds"] < 5  # 900,000 epochs were not run first


def test_full_disk_names_the_file(tmp_path, monkeypatch):
    import netsim.io.atomic as atomic

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    target = tmp_path / "net.json"
    with pytest.raises(OSError) as info:
        ns.save(ns.zoo.xor(), target)
    assert info.value.filename == str(target) and info.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []
