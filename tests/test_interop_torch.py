"""ns.to_torch / ns.from_torch: the same function in torch, and back (float64, 1e-12).

Hand-computed modules first, then random acyclic networks (hypothesis) of every
supported activation and potential against ``net.predict``, round trips, training in
torch, errors, and the ONNX export where the ``onnx`` package is installed.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import netsim as ns

torch = pytest.importorskip("torch")
nn = torch.nn
from netsim.interop.pytorch import NetsimActivation, NetsimModule  # noqa: E402

TOL = 1e-12


def forward(module, X) -> np.ndarray:
    with torch.no_grad():
        return module(torch.as_tensor(np.asarray(X, float))).numpy()


def test_hand_computed_mlp_is_a_sequential_of_linear_layers():
    # h = relu(W0ᵀx + b0), y = W1ᵀh + b1 with W0 = [[1, -1], [2, 0.5]], b0 = [0, 1]
    W = [np.array([[1.0, -1.0], [2.0, 0.5]]), np.array([[1.0], [1.0]])]
    b = [np.array([0.0, 1.0]), np.array([-0.5])]
    net = ns.mlp_from_arrays(W, b, activation="relu", output_activation="identity")
    module = ns.to_torch(net)
    assert [type(m) for m in module] == [nn.Linear, nn.ReLU, nn.Linear]
    assert module[0].weight.dtype == torch.float64
    assert module[0].weight.tolist() == [[1.0, 2.0], [-1.0, 0.5]]  # torch holds (out, in)
    # x = (1, 1): h = (relu(3), relu(0.5)) = (3, 0.5), y = 3.5 − 0.5 = 3
    # x = (−1, 0): h = (relu(−1), relu(1 + 1)) = (0, 2), y = 2 − 0.5 = 1.5
    assert forward(module, [[1, 1], [-1, 0]]).tolist() == [[3.0], [1.5]]


@pytest.mark.parametrize(("activation", "kind"), [
    ("identity", None), ("sigmoid", nn.Sigmoid), ("tanh", nn.Tanh), ("relu", nn.ReLU),
    ("saturated", nn.Hardtanh), ("step", NetsimActivation), ("sign", NetsimActivation),
    ({"name": "sigmoid", "steepness": 2.5}, NetsimActivation),
    ("scaled_tanh", NetsimActivation), ({"name": "gaussian", "width": 0.7}, NetsimActivation),
])
def test_each_activation_of_a_plain_mlp(activation, kind):
    net = ns.mlp("3-4-2", activation=activation, output_activation="softmax", seed=2)
    module = ns.to_torch(net)
    assert isinstance(module, nn.Sequential)
    if kind is None:
        assert [type(m) for m in module] == [nn.Linear, nn.Linear, nn.Softmax]
    else:
        assert isinstance(module[1], kind)
    X = np.random.default_rng(0).normal(size=(20, 3))
    np.testing.assert_allclose(forward(module, X), net.predict(X), rtol=0, atol=TOL)


def test_input_and_output_order_follow_the_roles_not_the_neuron_order():
    net = ns.mlp("2-3-2", activation="tanh", seed=1)
    net.set_inputs(["x2", "x1"])
    net.set_outputs(["y2", "y1"])
    module = ns.to_torch(net)
    assert isinstance(module, nn.Sequential)
    X = np.array([[0.3, -2.0], [1.0, 0.5]])
    np.testing.assert_allclose(forward(module, X), net.predict(X), rtol=0, atol=TOL)


def shortcut_network() -> ns.Network:
    net = ns.Network("mixed")
    net.add_input("a")
    net.add_input("b")
    net.add_neuron("r", potential={"name": "distance", "p": 1.5},
                   activation={"name": "gaussian", "width": 2.0})
    net.add_neuron("h", activation={"name": "sigmoid", "steepness": 3.0}, bias=0.2)
    net.add_neuron("c", initial=0.7)                   # no inputs: keeps its value
    net.add_output("y1", activation="softmax", bias=0.1, group="g")
    net.add_output("y2", activation="softmax", group="g")
    net.add_output("z", activation="scaled_tanh", bias=-0.3)
    net.connect_many([("a", "r", 0.5), ("b", "r", -1.0), ("a", "h", 1.0), ("b", "h", 2.0),
                      ("r", "y1", 1.0), ("h", "y1", -1.0), ("a", "y2", 2.0),
                      ("h", "y2", 0.5), ("c", "z", 1.0), ("a", "z", 0.3)])
    net.set_outputs(["z", "y1", "y2", "h"])
    return net


def test_shortcuts_distance_and_softmax_groups_give_a_general_module():
    net = shortcut_network()
    module = ns.to_torch(net)
    assert isinstance(module, NetsimModule)
    X = np.random.default_rng(1).normal(size=(30, 2))
    np.testing.assert_allclose(forward(module, X), net.predict(X), rtol=0, atol=TOL)
    # a = 0, b = 0: r = (0.5^1.5 + 1)^(1/1.5), h = σ(3·0.2), z = 1.7159·tanh(2/3·(0.7 − 0.3))
    r = (0.5**1.5 + 1.0) ** (1 / 1.5)
    h = 1 / (1 + np.exp(-0.6))
    z = 1.7159 * np.tanh(2 / 3 * 0.4)
    e1, e2 = np.exp(0.1 + np.exp(-((r / 2) ** 2)) - h), np.exp(0.5 * h)
    expected = [z, e1 / (e1 + e2), e2 / (e1 + e2), h]
    np.testing.assert_allclose(forward(module, [[0.0, 0.0]])[0], expected, rtol=0, atol=TOL)


ACTS = ["identity", "sigmoid", "tanh", "relu", "saturated", "gaussian", "scaled_tanh",
        "step", "sign", "softmax"]


@st.composite
def acyclic_networks(draw):
    n_in = draw(st.integers(1, 3))
    n_hidden = draw(st.integers(1, 6))
    n = n_in + n_hidden
    weight = st.floats(-2, 2, allow_nan=False).filter(lambda w: w != 0)
    net = ns.Network("random")
    for i in range(n_in):
        net.add_input(f"x{i}")
    for j in range(n_in, n):
        act = draw(st.sampled_from(ACTS))
        pot = draw(st.sampled_from(["weighted_sum", "weighted_sum", "distance"]))
        params = {}
        if act == "sigmoid":
            params["steepness"] = draw(st.floats(0.5, 3))
        if act == "gaussian":
            params["width"] = draw(st.floats(0.5, 2))
        net.add_neuron(f"n{j}", activation=act, bias=draw(weight),
                       potential={"name": pot, "p": draw(st.sampled_from([1.0, 2.0, 3.0]))}
                       if pot == "distance" else pot,
                       initial=draw(st.floats(-1, 1)), group=f"g{j % 2}", **params)
    ids = net.neurons
    for j in range(n_in, n):  # every edge goes forward in neuron order: acyclic
        sources = draw(st.lists(st.integers(0, j - 1), unique=True, max_size=3))
        net.connect_many((ids[i], ids[j], draw(weight)) for i in sources)
    outs = draw(st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=4))
    net.set_outputs(outs)
    return net


@given(acyclic_networks(), st.integers(0, 2**32 - 1))
def test_any_acyclic_network_computes_the_same_function(net, seed):
    try:
        expected = net.predict(np.random.default_rng(seed).normal(size=(7, len(net.inputs))))
    except ns.NetsimError:
        return  # a network netsim itself refuses (e.g. a softmax group across layers)
    X = np.random.default_rng(seed).normal(size=(7, len(net.inputs)))
    got = forward(ns.to_torch(net), X)
    np.testing.assert_allclose(got, expected, rtol=0, atol=TOL)


def test_round_trip_through_torch_keeps_every_weight():
    net = ns.mlp("4-6-5-3", activation={"name": "sigmoid", "steepness": 2.0},
                 output_activation="softmax", init="glorot", seed=7)
    back = ns.from_torch(ns.to_torch(net))
    assert back.neurons == net.neurons
    assert np.array_equal(back.get_weights(), net.get_weights())
    assert back.neuron("h1_1").activation_params == {"steepness": 2.0}
    X = np.random.default_rng(3).normal(size=(25, 4))
    np.testing.assert_allclose(back.predict(X), net.predict(X), rtol=0, atol=TOL)


def test_round_trip_from_torch_and_back_agrees_in_float64():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Sequential(nn.Linear(7, 4), nn.ReLU()),
                          nn.Linear(4, 3, bias=False), nn.Softmax(dim=-1)).double()
    net = ns.from_torch(model)
    assert [net.neuron(f"y{k}").activation for k in (1, 2, 3)] == ["softmax"] * 3
    assert net.neuron("y1").bias == 0.0
    X = np.random.default_rng(4).normal(size=(40, 5))
    np.testing.assert_allclose(net.predict(X), forward(model, X), rtol=0, atol=TOL)
    np.testing.assert_allclose(forward(ns.to_torch(net), X), forward(model, X), rtol=0, atol=TOL)


TORCH_ACTS = [nn.Identity, nn.Sigmoid, nn.Tanh, nn.ReLU, lambda: nn.Hardtanh(0.0, 1.0), None]


@given(st.lists(st.integers(1, 5), min_size=2, max_size=5),
       st.lists(st.integers(0, len(TORCH_ACTS) - 1), min_size=4, max_size=4),
       st.booleans(), st.integers(0, 2**16))
def test_any_sequential_of_linear_layers_reads_back(sizes, acts, softmax, seed):
    torch.manual_seed(seed)
    layers: list = []
    for k in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[k], sizes[k + 1], bias=bool((seed + k) % 3)))
        make = TORCH_ACTS[acts[k % len(acts)]]
        if make is not None:
            layers.append(make())
    if softmax and not isinstance(layers[-1], nn.Linear):
        layers[-1] = nn.Softmax(dim=-1)
    model = nn.Sequential(*layers).double()
    net = ns.from_torch(model)
    assert [len(layer) for layer in net.layers()] == sizes
    X = np.random.default_rng(seed).normal(size=(6, sizes[0]))
    np.testing.assert_allclose(net.predict(X), forward(model, X), rtol=0, atol=TOL)
    np.testing.assert_allclose(forward(ns.to_torch(net), X), forward(model, X), rtol=0, atol=TOL)


def test_per_neuron_parameters_survive_the_round_trip():
    net = ns.mlp("2-3-1", activation="sigmoid", seed=0)
    net.set_neuron("h1_2", steepness=4.0)
    module = ns.to_torch(net)
    assert module[1].steepness.tolist() == [1.0, 4.0, 1.0]
    back = ns.from_torch(module)
    assert back.neuron("h1_2").activation_params == {"steepness": 4.0}
    assert back.neuron("h1_1").activation_params == {"steepness": 1.0}


def test_float32_on_request():
    net = ns.mlp("3-4-2", activation="tanh", seed=0)
    module = ns.to_torch(net, dtype=torch.float32)
    assert module[0].weight.dtype == torch.float32
    X = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    with torch.no_grad():
        got = module(torch.as_tensor(X)).numpy()
    np.testing.assert_allclose(got, net.predict(X), rtol=0, atol=1e-6)


def test_a_module_trained_in_torch_comes_back_with_its_new_weights():
    net = ns.mlp("2-3-1", activation="tanh", seed=5)
    for module in (ns.to_torch(net), NetsimModule(net)):
        opt = torch.optim.SGD(module.parameters(), lr=0.1)
        X = torch.tensor([[0.0, 1.0], [1.0, 0.0]], dtype=torch.float64)
        loss = ((module(X) - 1.0) ** 2).sum()
        loss.backward()
        opt.step()
        with torch.no_grad():
            assert float(((module(X) - 1.0) ** 2).sum()) < float(loss)
    back = ns.from_torch(ns.to_torch(net))
    assert np.array_equal(back.get_weights(), net.get_weights())  # net itself untouched


def test_a_general_module_trained_in_torch_comes_back_as_its_network():
    net = shortcut_network()
    module = ns.to_torch(net)
    assert np.array_equal(ns.from_torch(module).get_weights(), net.get_weights())
    opt = torch.optim.SGD(module.parameters(), lr=0.5)
    X = torch.as_tensor(np.random.default_rng(5).normal(size=(8, 2)))
    for _ in range(3):
        opt.zero_grad()
        (module(X) ** 2).sum().backward()
        opt.step()
    trained = ns.from_torch(module, name="trained")
    assert trained.name == "trained" and trained.neurons == net.neurons
    assert trained.connections != net.connections          # the values moved
    assert {(u, v) for u, v, _ in trained.connections} == {
        (u, v) for u, v, _ in net.connections}                # the structure did not
    assert trained.neuron("r").potential == "distance"
    np.testing.assert_allclose(trained.predict(X.numpy()), forward(module, X.numpy()),
                               rtol=0, atol=TOL)
    assert net == shortcut_network()                            # the original is untouched


def test_general_module_batch_equals_per_sample():
    net = shortcut_network()
    module = ns.to_torch(net)
    X = np.random.default_rng(2).normal(size=(6, 2))
    batch = forward(module, X)
    for k in range(6):
        np.testing.assert_array_equal(forward(module, X[k:k + 1])[0], batch[k])


def updated_input_network() -> ns.Network:
    # the input b also has an incoming connection: b = 2·a, then y = tanh(0.1 + b + 0.5·a)
    net = ns.Network("t")
    net.add_input("a")
    net.add_input("b")
    net.connect("a", "b", 2.0)
    net.add_output("y", activation="tanh", bias=0.1)
    net.connect("b", "y", 1.0)
    net.connect("a", "y", 0.5)
    return net


def test_an_input_with_incoming_connections_is_updated():
    net = updated_input_network()
    got = forward(ns.to_torch(net), [[1.0, 3.0]])
    assert got[0, 0] == pytest.approx(np.tanh(0.1 + 2.0 + 0.5), abs=TOL)
    for rule in ("parallel", "sequential"):  # the stable state every rule reaches
        np.testing.assert_allclose(got, [net.run([1.0, 3.0], rule=rule).output], atol=TOL)


def test_layered_rule_agrees_on_an_updated_input():
    # layer 1 updates the input b = 2·a = 2; layer 2 must read that, not the input 3
    net = updated_input_network()
    np.testing.assert_allclose(net.predict([1.0, 3.0]), [np.tanh(2.6)], atol=TOL)
    run = net.run([[1.0, 3.0], [0.5, 9.0]], record=True)
    np.testing.assert_allclose(run.trace[:, 0], [[1, 3, 0], [1, 2, 0], [1, 2, np.tanh(2.6)]],
                               atol=TOL)
    np.testing.assert_allclose(run.output[:, 0], np.tanh([2.6, 0.1 + 1.0 + 0.25]), atol=TOL)


def test_errors_are_clear():
    osc = ns.zoo.mutual_inhibition() if hasattr(ns.zoo, "mutual_inhibition") else None
    rec = ns.Network("loop")
    rec.add_input("a")
    rec.add_output("b")
    rec.connect("a", "b", 1.0)
    rec.connect("b", "b", 0.5)
    with pytest.raises(ns.CycleError, match="to_torch needs an acyclic network"):
        ns.to_torch(rec)
    if osc is not None:
        with pytest.raises(ns.CycleError):
            ns.to_torch(osc)
    ns.register_activation("softsign", lambda xi: xi / (1 + np.abs(xi)), replace=True)
    net = ns.mlp("2-2-1", activation="softsign", seed=0)
    with pytest.raises(ns.ParameterError, match="'softsign' has no torch equivalent"):
        ns.to_torch(net)
    spread = ns.Network("spread")          # one implicit softmax group over two layers
    spread.add_input("a")
    spread.add_neuron("h", activation="softmax")
    spread.add_output("y", activation="softmax")
    spread.add_output("z", activation="softmax")
    spread.connect_many([("a", "h", 1.0), ("h", "y", 1.0), ("a", "z", 1.0)])
    with pytest.raises(ns.NetworkError, match="spans layers 1, 2"):
        ns.to_torch(spread)
    with pytest.raises(ns.ParameterError, match="expects a Network"):
        ns.to_torch("xor.json")
    with pytest.raises(ns.ParameterError, match=r"layer 1 is Conv1d"):
        ns.from_torch(nn.Sequential(nn.Linear(2, 2), nn.Conv1d(1, 1, 1)))
    with pytest.raises(ns.ParameterError, match=r"layer 0 must be an nn\.Linear"):
        ns.from_torch(nn.Sequential(nn.ReLU(), nn.Linear(2, 2)))
    with pytest.raises(ns.ParameterError, match="second activation"):
        ns.from_torch(nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Tanh()))
    with pytest.raises(ns.ParameterError, match=r"no nn\.Linear"):
        ns.from_torch(nn.Sequential())
    with pytest.raises(ns.ParameterError, match=r"expects a torch\.nn\.Module"):
        ns.from_torch([[1.0]])


def test_missing_torch_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ns.MissingExtraError, match=r"pip install netsim\[torch\]"):
        ns.to_torch(ns.mlp("2-1"))
    with pytest.raises(ImportError):  # also an ImportError for callers that expect one
        ns.from_torch(None)


@pytest.mark.parametrize("make", [
    lambda: ns.mlp("4-8-3", activation="tanh", output_activation="softmax", seed=0),
    shortcut_network,                      # a general module: distance, shortcuts, groups
], ids=["mlp", "general"])
def test_onnx_export_runs_in_onnxruntime_and_computes_the_same_function(tmp_path, make):
    onnx = pytest.importorskip("onnx")
    pytest.importorskip("onnxscript")      # torch's exporter needs it
    ort = pytest.importorskip("onnxruntime")
    net = make()
    k = len(net.inputs)
    module = ns.to_torch(net)
    path = tmp_path / "net.onnx"
    torch.onnx.export(module, (torch.zeros(1, k, dtype=torch.float64),), str(path),
                      input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    session = ort.InferenceSession(str(path))
    X = np.random.default_rng(0).normal(size=(5, k))
    (got,) = session.run(None, {"x": X})
    assert got.dtype == np.float64 and got.shape == (5, len(net.outputs))
    np.testing.assert_allclose(got, net.predict(X), rtol=0, atol=TOL)
