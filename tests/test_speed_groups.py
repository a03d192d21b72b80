"""Softmax groups evaluated together (one call per size of group): the same values as
one group at a time (issue 15)."""

from __future__ import annotations

import numpy as np
import pytest

import netsim as ns
from netsim.core.kernels import group_buckets, group_forward_into


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _grouped(sizes: list[int], seed: int = 0):
    rng = np.random.default_rng(seed)
    net = ns.Network()
    for k in range(3):
        net.add_input(f"x{k}")
    outs, groups = [], []
    for g, size in enumerate(sizes):
        members = []
        for m in range(size):
            name = f"g{g}_{m}"
            net.add_output(name, activation="softmax", group=f"g{g}",
                           bias=float(rng.normal()))
            for k in range(3):
                net.connect(f"x{k}", name, float(rng.normal()))
            members.append(len(outs))
            outs.append(name)
        groups.append(members)
    return net, groups


@pytest.mark.parametrize("sizes", [[3, 3, 3], [2, 3, 3, 2, 4], [1, 5], [10] * 7])
@pytest.mark.parametrize("rule", ["layered", "parallel"])
def test_groups_match_one_at_a_time(sizes, rule):
    net, groups = _grouped(sizes)
    prog = net.compile()
    x = np.random.default_rng(1).normal(size=(6, 3))
    xi = x @ np.stack([prog.weights[prog.indptr[j]:prog.indptr[j + 1]]
                       for j in prog.outputs]).T + prog.bias[prog.outputs]
    want = np.empty_like(xi)
    for members in groups:
        want[:, members] = _softmax(xi[:, members])
    steps = None if rule == "layered" else 1
    got = net.run(x, rule=rule, steps=steps).output
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)
    for members in groups:
        np.testing.assert_allclose(got[:, members].sum(axis=1), 1.0, rtol=1e-13)
    single = np.stack([net.run(row, rule=rule, steps=steps).output for row in x])
    np.testing.assert_allclose(single, got, rtol=1e-13, atol=1e-16)  # (B = 1: gemv)


def test_buckets_cover_split_groups():
    xi = np.random.default_rng(2).normal(size=(4, 9))
    groups = [slice(0, 3), np.array([3, 5, 7]), np.array([4, 6]), slice(8, 9)]
    buckets = group_buckets(groups, [{}] * 4)
    assert sorted(b.positions.shape for b in buckets) == [(1, 1), (1, 2), (2, 3)]
    out = np.empty_like(xi)
    group_forward_into(_softmax, xi, out, buckets)
    out_t = np.empty_like(xi.T)
    group_forward_into(_softmax, np.ascontiguousarray(xi.T), out_t, buckets, rows_last=False)
    for g in groups:
        np.testing.assert_allclose(out[:, g], _softmax(xi[:, g]), rtol=1e-14)
        np.testing.assert_allclose(out_t[g].T, _softmax(xi[:, g]), rtol=1e-14)
