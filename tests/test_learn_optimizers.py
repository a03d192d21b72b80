"""Every optimizer against a hand-computed step; learning-rate schedules."""

from __future__ import annotations

import numpy as np
import pytest

import netsim as ns
from netsim.learn.optimizers import get_optimizer, schedule

G = np.array([0.5, 0.1])


def two_steps(opt):
    p = np.array([1.0, -2.0])
    opt.step([p], [G])
    first = p.copy()
    opt.step([p], [G])
    return first, p


def test_sgd():
    first, second = two_steps(ns.SGD(lr=0.1))
    np.testing.assert_allclose(first, [0.95, -2.01])
    np.testing.assert_allclose(second, [0.90, -2.02])


def test_momentum():
    # v1 = −0.1 g = (−0.05, −0.01); v2 = 0.9 v1 − 0.1 g = (−0.095, −0.019)
    first, second = two_steps(ns.Momentum(lr=0.1, momentum=0.9))
    np.testing.assert_allclose(first, [0.95, -2.01])
    np.testing.assert_allclose(second, [0.855, -2.029])


def test_adagrad():
    # G1 = g² → step 0.1·sign(g); G2 = 2g² → step 0.1/√2
    first, second = two_steps(ns.AdaGrad(lr=0.1, eps=1e-8))
    np.testing.assert_allclose(first, [0.9, -2.1], rtol=1e-7)
    np.testing.assert_allclose(second, [0.9 - 0.1 / np.sqrt(2), -2.1 - 0.1 / np.sqrt(2)],
                               rtol=1e-7)


def test_rmsprop():
    # s1 = 0.1 g² → step 0.01/√0.1; s2 = 0.19 g² → step 0.01/√0.19
    first, second = two_steps(ns.RMSProp(lr=0.01, rho=0.9, eps=1e-8))
    s1, s2 = 0.01 / np.sqrt(0.1), 0.01 / np.sqrt(0.19)
    np.testing.assert_allclose(first, [1 - s1, -2 - s1], rtol=1e-7)
    np.testing.assert_allclose(second, [1 - s1 - s2, -2 - s1 - s2], rtol=1e-7)


def test_adam():
    # with bias correction m̂ = g and v̂ = g² on every step of a constant gradient
    first, second = two_steps(ns.Adam(lr=0.001))
    np.testing.assert_allclose(first, [0.999, -2.001], rtol=1e-7)
    np.testing.assert_allclose(second, [0.998, -2.002], rtol=1e-7)


def test_optimizers_by_name_and_errors():
    assert isinstance(get_optimizer("adam", lr=0.5), ns.Adam)
    assert get_optimizer("rmsprop", lr=0.5).lr == 0.5
    opt = ns.Momentum()
    assert get_optimizer(opt) is opt
    with pytest.raises(ns.ParameterError, match="did you mean 'adam'"):
        get_optimizer("adma")
    with pytest.raises(ns.ParameterError, match="lr must be"):
        ns.SGD(lr=-1)
    with pytest.raises(ns.ParameterError, match="momentum must be in"):
        ns.Momentum(momentum=1.5)


def test_schedules():
    f = ns.step_decay(0.4, drop=0.5, every=3)
    assert [f(e) for e in range(7)] == [0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.1]
    assert schedule([0.3, 0.2, 0.1], 3)(1) == 0.2
    assert schedule(0.05, 10)(9) == 0.05
    with pytest.raises(ns.ParameterError, match="one value per epoch"):
        schedule([0.1, 0.2], 3)
