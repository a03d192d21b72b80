"""Random threshold networks, matrices in and out, and ensemble studies on Dask."""

from __future__ import annotations

import sys
from unittest import mock

import numpy as np
import pytest

import netsim as ns
from netsim.analyse.ensemble import attractor_measures, member_seed

# --- from_matrix / weight_matrix -------------------------------------------------------


def test_from_matrix_uses_target_row_source_column():
    w = np.array([[0.0, 2.0, 0.0], [0.0, 0.0, -1.0], [0.5, 0.0, 1.0]])
    net = ns.from_matrix(w, bias=[1, 0, -1], activation="step", ids=["a", "b", "c"],
                         inputs=["a"], outputs=["c"])
    assert net.weight("b", "a") == 2.0  # W[0, 1]: from b (column 1) into a (row 0)
    assert net.weight("c", "b") == -1.0
    assert net.weight("a", "c") == 0.5
    assert net.weight("c", "c") == 1.0  # the diagonal is a self-loop
    assert not net.has_connection("a", "b")  # zero: no connection
    assert net.neuron("a").bias == 1.0 and net.neuron("c").bias == -1.0
    assert net.inputs == ("a",) and net.outputs == ("c",)
    assert np.array_equal(net.weight_matrix(), w)
    assert np.array_equal(net.weight_matrix(sparse=True).toarray(), w)


def test_weight_matrix_is_the_transpose_of_networkx():
    import networkx as nx

    net = ns.random_threshold_network(15, 3, seed=4)
    adjacency = nx.to_numpy_array(net.graph, nodelist=net.neurons, weight="weight")
    assert np.array_equal(net.weight_matrix(), adjacency.T)


def test_from_matrix_round_trip_runs_the_same():
    net = ns.hopfield([[1, -1, 1, -1, 1], [1, 1, -1, -1, 1]])
    again = ns.from_matrix(net.weight_matrix(), ids=net.neurons, inputs=net.inputs,
                           outputs=net.outputs)
    x = np.array([[1, 1, 1, -1, -1], [-1, 1, -1, 1, 1]], dtype=float)
    assert np.array_equal(net.run(x, steps=3).state, again.run(x, steps=3).state)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([[1, 2, 3]],), {}, r"square \(N, N\) matrix, got shape \(1, 3\)"),
        (([[1, np.inf], [0, 0]],), {}, r"W\[0, 1\] is inf"),
        (([["a", "b"], [1, 2]],), {}, "W must be numbers"),
        (([[0, 1], [1, 0]],), {"bias": [1, 2, 3]}, "bias must be a number or 2 numbers"),
        (([[0, 1], [1, 0]],), {"bias": [1, np.nan]}, r"bias\[1\] is nan"),
        (([[0, 1], [1, 0]],), {"ids": ["a"]}, "ids must name 2 neurons"),
        (([[0, 1], [1, 0]],), {"ids": ["a", "a"]}, "'a' appears twice"),
    ],
)
def test_from_matrix_errors(args, kwargs, message):
    with pytest.raises(ns.ParameterError, match=message):
        ns.from_matrix(*args, **kwargs)


def test_read_matrix_csv_and_npy(tmp_path):
    w = np.array([[0.0, 1.5], [-2.0, 0.25]])
    (tmp_path / "w.csv").write_text("0,1.5\n-2,0.25\n")
    np.save(tmp_path / "w.npy", w)
    assert np.array_equal(ns.read_matrix(tmp_path / "w.csv"), w)
    assert np.array_equal(ns.read_matrix(tmp_path / "w.npy"), w)
    (tmp_path / "bad.csv").write_text("0,1\n1,x\n")
    with pytest.raises(ns.DataError, match=r"bad.csv, line 2, column 2: 'x' is not a number"):
        ns.read_matrix(tmp_path / "bad.csv")
    (tmp_path / "col.csv").write_text("1\n2\n")
    with pytest.raises(ns.DataError, match="at least two columns"):
        ns.read_matrix(tmp_path / "col.csv")
    np.save(tmp_path / "obj.npy", np.array(["a", "b"]))
    with pytest.raises(ns.DataError, match="must hold numbers"):
        ns.read_matrix(tmp_path / "obj.npy")


# --- random threshold networks ---------------------------------------------------------


def test_random_threshold_network_fixed_in_degree():
    net = ns.random_threshold_network(50, 3, seed=7)
    w = net.weight_matrix()
    assert ((w != 0).sum(axis=1) == 3).all()  # exactly K sources each
    assert (np.diag(w) == 0).all()  # no self-loops
    assert set(np.unique(w)) == {-1.0, 0.0, 1.0}
    assert net.inputs == () and len(net) == 50
    assert all(net.neuron(j).activation == "sign" for j in net.neurons)
    again = ns.random_threshold_network(50, 3, seed=7)
    assert np.array_equal(again.weight_matrix(), w)  # seeded
    other = ns.random_threshold_network(50, 3, seed=8)
    assert not np.array_equal(other.weight_matrix(), w)


def test_random_threshold_network_memory_follows_its_connections(monkeypatch):
    """The generator never holds an n × n matrix: 20,000 neurons with K = 2 (a dense
    matrix would be 3.2 GB) build within 64 MiB, with the same network as the
    dense construction gives at small n (sources drawn per neuron in order)."""
    monkeypatch.setenv("NETSIM_MEMORY_LIMIT", str(64 * 2**20))
    net = ns.random_threshold_network(20_000, 2, seed=5)
    assert net.n_connections == 40_000 and net.bulk is not None
    small = ns.random_threshold_network(40, 3, weights="gaussian", seed=5)
    rng = np.random.default_rng(5)  # the documented draw: per neuron, sources then weights
    dense = np.zeros((40, 40))
    for j in range(40):
        src = rng.choice(39, size=3, replace=False)
        src = src + (src >= j)
        dense[j, src] = rng.standard_normal(3)
    assert np.array_equal(small.weight_matrix(), dense)


def test_random_threshold_network_of_many_neurons_is_built_sparse():
    # no dense (n, n) matrix: 80 GB at 10^5 neurons; here 4·10^4 neurons (12.8 GB dense)
    net = ns.random_threshold_network(40_000, 2, seed=4)
    w = net.weight_matrix(sparse=True)
    assert w.nnz == 80_000 and (np.diff(w.indptr) == 2).all()
    assert w.diagonal().max() == 0  # no self-loops


def test_random_threshold_network_distributions():
    net = ns.random_threshold_network(2000, 2.5, in_degree="poisson", seed=1)
    degrees = (net.weight_matrix(sparse=True) != 0).sum(axis=1)
    assert abs(degrees.mean() - 2.5) < 0.15  # Poisson(2.5): sd of the mean 0.035
    assert abs(degrees.var() - 2.5) < 0.4
    w = ns.random_threshold_network(2000, 2, p_positive=0.8, seed=2).weight_matrix()
    assert abs((w == 1).sum() / (w != 0).sum() - 0.8) < 0.03
    g = ns.random_threshold_network(300, 4, weights="gaussian", seed=3).weight_matrix()
    assert abs(g[g != 0].std() - 1.0) < 0.1
    step = ns.random_threshold_network(5, 2, activation="step", bias=-0.5, seed=0)
    assert step.neuron("y1").activation == "step" and step.neuron("y1").bias == -0.5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0, "k": 1}, "n must be an integer between 1 and"),
        ({"n": 5, "k": 5}, "whole number <= 4"),
        ({"n": 5, "k": 1.5}, "whole number"),
        ({"n": 5, "k": -1}, "k must be a number >= 0"),
        ({"n": 5, "k": 2, "weights": "normal"}, "weights must be one of"),
        ({"n": 5, "k": 2, "in_degree": "binomial"}, "in_degree must be"),
        ({"n": 5, "k": 2, "p_positive": 2}, "p_positive"),
    ],
)
def test_random_threshold_network_errors(kwargs, message):
    with pytest.raises(ns.ParameterError, match=message):
        ns.random_threshold_network(**kwargs)


# --- ensembles -------------------------------------------------------------------------


def make_net(seed):
    return ns.random_threshold_network(10, 2, seed=seed)


def test_ensemble_synchronous_by_hand():
    study = ns.ensemble_study(make_net, attractor_measures, n=12, seed=3,
                              scheduler="synchronous")
    assert len(study.rows) == 12 * 6
    assert study.measures == ["n_attractors", "n_fixed_points", "mean_period", "max_period",
                              "max_transient", "largest_basin"]
    # member 5 is exactly the network built from its seed
    seed5 = member_seed(3, 5)
    direct = attractor_measures(make_net(seed5))
    rows5 = {r["measure"]: r["value"] for r in study.rows if r["member"] == 5}
    assert rows5 == direct and all(r["seed"] == seed5 for r in study.rows if r["member"] == 5)
    fp = study.values("n_fixed_points")
    s = study.summary()["n_fixed_points"]
    assert s["count"] == 12 and s["mean"] == pytest.approx(fp.mean())
    assert s["max"] == fp.max() and "n_fixed_points" in study.table()


def test_ensemble_is_the_same_on_every_scheduler():
    reference = ns.ensemble_study(make_net, attractor_measures, n=16, scheduler="synchronous")
    threads = ns.ensemble_study(make_net, attractor_measures, n=16, scheduler="threads",
                                chunk=3)
    assert threads.rows == reference.rows


def test_ensemble_on_a_two_worker_local_cluster():
    distributed = pytest.importorskip("distributed")
    reference = ns.ensemble_study(make_net, attractor_measures, n=20, scheduler="synchronous")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        study = ns.ensemble_study(make_net, attractor_measures, n=20, client=client, chunk=3)
    assert study.rows == reference.rows


def test_ensemble_tables(tmp_path):
    study = ns.ensemble_study(make_net, lambda net: len(net.connections), n=4,
                              scheduler="synchronous")
    assert study.measures == ["value"] and study.values("value").tolist() == [20.0] * 4
    study.to_csv(tmp_path / "t.csv")
    lines = (tmp_path / "t.csv").read_text().splitlines()
    assert lines[0] == "member,seed,measure,value" and lines[1].endswith(",value,20")
    pd = pytest.importorskip("pandas")
    frame = study.to_pandas()
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == [
        "member", "seed", "measure", "value"]


def test_ensemble_errors():
    with pytest.raises(ns.ParameterError, match="n must be"):
        ns.ensemble_study(make_net, attractor_measures, n=0)
    with pytest.raises(ns.ParameterError, match="scheduler must be one of"):
        ns.ensemble_study(make_net, attractor_measures, n=2, scheduler="cluster")
    with pytest.raises(ns.ParameterError, match="make_net must return a Network"):
        ns.ensemble_study(lambda s: s, attractor_measures, n=2, scheduler="synchronous")
    with pytest.raises(ns.ParameterError, match="member 0 gave str 'x' for 'value'"):
        ns.ensemble_study(make_net, lambda net: "x", n=2, scheduler="synchronous")
    with pytest.raises(ns.ParameterError, match="no measure 'n'"):
        ns.ensemble_study(make_net, attractor_measures, n=1, scheduler="synchronous").values("n")
    with mock.patch.dict(sys.modules, {"dask": None}), pytest.raises(
        ns.NetsimError, match=r"pip install netsim\[ensemble\]"
    ):
        ns.ensemble_study(make_net, attractor_measures, n=2)
