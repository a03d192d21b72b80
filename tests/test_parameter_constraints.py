"""Parameter checks declared once: run, train and the diagram options.

Each function's accepted values are one table beside it (``RUN_CONSTRAINTS``,
``TRAIN_CONSTRAINTS``, ``DIAGRAM_CONSTRAINTS``), checked by ``@keywords`` before the
call. Checked here: the defaults meet the declarations, the messages name the
parameter, the allowed values and what was given, the functions that pass options on
check them by the same table, the ``Network`` methods and the ``**options`` types mirror
the functions' signatures exactly, and the command line reads the same table (the same
values refused, in the same words).
"""

from __future__ import annotations

import inspect
import typing

import numpy as np
import pytest
from _cli import run_cli

import netsim as ns
from netsim.checks import (
    BOOLEAN,
    Interval,
    Kind,
    Options,
    check_parameter,
    constraints_of,
    describe_allowed,
    keywords,
)
from netsim.cli._output import choices_of, option_type
from netsim.io import dot as dotmodule
from netsim.io.view import view_page
from netsim.learn.train import TRAIN_CONSTRAINTS
from netsim.simulate.engine import RUN_CONSTRAINTS, RunOptions

DECLARED = [ns.run, ns.train, dotmodule.to_dot, view_page]


@pytest.mark.parametrize("func", DECLARED, ids=lambda f: f.__name__)
def test_defaults_meet_the_declarations(func):
    params = inspect.signature(func).parameters
    table = constraints_of(func)
    assert table
    for name, allowed in table.items():
        if name in params:
            check_parameter(name, params[name].default, allowed)


def test_the_tables_are_the_declarations():
    assert constraints_of(ns.run).keys() == RUN_CONSTRAINTS.keys()
    assert constraints_of(ns.train).keys() == TRAIN_CONSTRAINTS.keys()
    assert constraints_of(dotmodule.to_dot).keys() == dotmodule.DIAGRAM_CONSTRAINTS.keys()
    # a function passing its options on checks them by the callee's table
    assert dotmodule.DIAGRAM_CONSTRAINTS.keys() <= constraints_of(dotmodule.render).keys()
    assert {"interval", "layout"} <= constraints_of(view_page).keys()


def test_a_constraint_for_no_parameter_is_refused_when_declared():
    with pytest.raises(TypeError, match="constraints for no parameter"):
        @keywords(constraints={"stpes": Interval(int, 0, 9)})
        def f(*, steps: int = 0) -> int:
            return steps


@pytest.mark.parametrize(
    ("allowed", "good", "bad"),
    [
        (Interval(int, 0, 10), [0, 10, np.int64(3)], [-1, 11, 2.0, True, "3", None]),
        (Interval(float, 0, None), [0, 0.5, 10**300, np.float32(1)],
         [-1e-300, float("nan"), float("inf"), 10**400, True, "1"]),
        (Interval(float, 0, 1, closed="left"), [0, 0.999], [1, 1.0, -0.1]),
        (Interval(float, 0, 1, closed="neither"), [0.5], [0, 1]),
        (Interval(float, 0, 60, closed="right"), [60, 1e-9], [0]),
        (Options("mean", "sum"), ["mean", "sum"], ["Mean", "avg", 1, None]),
        (Options("LR", "TB", fold_case=True), ["LR", "tb"], ["up", ""]),
        (BOOLEAN, [True, False, np.bool_(True)], [1, 0, "yes", None]),
        (Kind(str, "a string"), ["x"], [b"x", 1]),
        (None, [None], [0, ""]),
    ],
)
def test_constraints_accept_exactly(allowed, good, bad):
    for value in good:
        check_parameter("p", value, allowed)
    for value in bad:
        with pytest.raises(ns.ParameterError, match=r"^p (must be|holds)"):
            check_parameter("p", value, allowed)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda net: net.run([0, 1], tol=-1),
         "tol must be a finite number >= 0, got -1"),
        (lambda net: net.run([0, 1], record="sweeps"),
         "record must be True, False, 'step', 'sweep' or None, got 'sweeps' "
         "(did you mean 'sweep'?)"),
        (lambda net: net.run([0, 1], temperature=float("nan")),
         "temperature must be a finite number >= 0 or None, got nan"),
        (lambda net: net.run([0, 1], clamp=[1]),
         "clamp must be a mapping {neuron: value} or None, got [1]"),
        (lambda net: ns.train(net, [[0, 1]], [[1]], epochs=0),
         "epochs must be an integer between 1 and 1000000, got 0"),
        (lambda net: ns.train(net, [[0, 1]], [[1]], reduction="summ"),
         "reduction must be 'mean' or 'sum', got 'summ' (did you mean 'sum'?)"),
        (lambda net: ns.train(net, [[0, 1]], [[1]], validation_split=1),
         "validation_split must be a number in (0, 1) or None, got 1"),
        (lambda net: ns.train(net, [[0, 1]], [[1]], shuffle="no"),
         "shuffle must be True or False, got 'no'"),
        (lambda net: net.to_dot(direction="up"),
         "direction must be 'LR' or 'TB', got 'up'"),
        (lambda net: net.to_dot(layout="circel"),
         "layout must be one of 'auto', 'layered', 'circle', 'grid', 'spring', got 'circel' "
         "(did you mean 'circle'?)"),
        (lambda net: net.render("x.svg", keep=0),
         "keep must be an integer >= 1, got 0"),
        (lambda net: net.view(net.run([0, 1], record=True), interval=0),
         "interval must be a number in (0, 60], got 0"),
        (lambda net: net.view(net.run([0, 1], record=True), legend=1),
         "legend must be True or False, got 1"),
    ],
)
def test_messages_name_parameter_allowed_values_and_given(call, message, tmp_path,
                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    net = ns.mlp("2-2-1", seed=0)
    with pytest.raises(ns.ParameterError) as info:
        call(net)
    assert str(info.value) == message
    assert not list(tmp_path.iterdir())  # refused before anything is written


def test_unknown_keywords_of_the_methods_have_a_did_you_mean():
    net = ns.zoo.xor()
    with pytest.raises(ns.ParameterError, match=r"has no parameter 'stpes' \(did you mean"):
        net.run([1, 0], stpes=3)
    with pytest.raises(ns.ParameterError, match=r"'directon' \(did you mean 'direction'"):
        net.to_dot(directon="TB")
    with pytest.raises(ns.ParameterError, match=r"'layot' \(did you mean 'layout'"):
        net.render("x.svg", layot="grid")


def _keyword_params(func, skip: int) -> list[tuple[str, object, object, object]]:
    params = list(inspect.signature(inspect.unwrap(func)).parameters.values())[skip:]
    return [(p.name, p.kind, p.default, p.annotation) for p in params]


def test_network_methods_mirror_the_functions_exactly():
    # the methods repeat the signature (for editors and type checkers); nothing else
    assert _keyword_params(ns.Network.run, 1) == _keyword_params(ns.run, 1)
    assert _keyword_params(ns.Network.to_dot, 1) == _keyword_params(dotmodule.to_dot, 1)
    render = _keyword_params(ns.Network.render, 1)
    assert render[:3] == _keyword_params(dotmodule.render, 1)[:3]


@pytest.mark.parametrize(("typed", "func"), [(RunOptions, ns.run),
                                             (dotmodule.DiagramOptions, dotmodule.to_dot)])
def test_options_types_mirror_the_signatures(typed, func):
    params = {p.name: p.annotation for p in inspect.signature(func).parameters.values()
              if p.kind is inspect.Parameter.KEYWORD_ONLY}
    hints = {name: getattr(value, "__forward_arg__", value)
             for name, value in typed.__annotations__.items()}
    assert hints == params
    assert typed.__total__ is False


def test_methods_passing_options_on_are_typed_with_them():
    for method, typed in ((ns.Network.render, "DiagramOptions"),
                          (ns.Network.view, "LayoutOptions")):
        (options,) = [p for p in inspect.signature(method).parameters.values()
                      if p.kind is inspect.Parameter.VAR_KEYWORD]
        assert options.annotation == f"Unpack[{typed}]"
    predict = typing.get_overloads(ns.Network.predict)[0]
    assert inspect.signature(predict).parameters["options"].annotation == "Unpack[RunOptions]"
    assert inspect.signature(ns.Network.run).return_annotation == "Run"
    assert inspect.signature(ns.Network.render).return_annotation == "Path"
    assert inspect.signature(ns.Network.view).return_annotation == "View"


def test_describe_allowed_joins_the_alternatives():
    assert describe_allowed([Interval(int, 1, None), None]) == "an integer >= 1 or None"
    assert describe_allowed(Options("a", "b", "c")) == "one of 'a', 'b', 'c'"
    assert describe_allowed([Options("a", "b", "c"), None]) == "'a', 'b', 'c' or None"


def test_the_command_line_reads_the_same_declarations():
    assert choices_of(ns.train, "reduction") == ("mean", "sum")
    assert choices_of(dotmodule.to_dot, "layout") == ("auto", "layered", "circle", "grid",
                                                      "spring")
    epochs = option_type(ns.train, "epochs")
    assert epochs("7") == 7
    batch = option_type(ns.train, "batch_size", words=("full",))
    assert batch("full") is None and batch("16") == 16
    for text in ("0", "1000001", "2.5", "9" * 5000, "x"):
        with pytest.raises(Exception, match="must be an integer between 1 and 1000000"):
            epochs(text)
    assert option_type(ns.run, "tol")("0.5") == 0.5
    for text in ("-1", "nan", "inf", "1e400"):
        with pytest.raises(Exception, match="must be a finite number >= 0"):
            option_type(ns.run, "tol")(text)


@pytest.mark.parametrize(
    ("argv", "python"),
    [
        (["run", "{net}", "--input", "1", "0", "--tol", "-1"],
         lambda net: net.run([1, 0], tol=-1)),
        (["render", "{net}", "-o", "x.svg", "--min-weight", "-1"],
         lambda net: net.to_dot(min_weight=-1)),
        (["train", "{net}", "{data}", "-o", "t.json", "--epochs", "0"],
         lambda net: ns.train(net, [[0, 1]], [[1]], epochs=0)),
    ],
)
def test_command_line_and_python_refuse_in_the_same_words(argv, python, tmp_path, capsys,
                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    net = ns.mlp("2-2-1", seed=0)
    ns.save(net, tmp_path / "net.json")
    (tmp_path / "d.csv").write_text("0,1,1\n1,0,1\n", encoding="utf-8")
    args = [a.format(net="net.json", data="d.csv") for a in argv]
    status, out, err = run_cli(capsys, *args)
    assert status == 2 and out == "" and err.count("\n") == 1
    with pytest.raises(ns.ParameterError) as info:
        python(net)
    allowed = str(info.value).split(" must be ", 1)[1].split(", got")[0]
    assert f"must be {allowed}, got" in err
