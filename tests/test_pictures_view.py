"""The interactive page: self-contained, escaped, and working in a real browser.

The browser tests drive Debian's Chromium through Selenium (headless, no network) and
skip with the reason when Chromium, its driver or Selenium is missing.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import netsim as ns
from netsim.io import palette
from netsim.io.view import potentials, view_page

EVIL_SCRIPT = "</script><script>window.pwned=1</script>"
EVIL_IMG = "<img src=x onerror=window.pwned=2>"
CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"


def evil_network(name: str = "<b>net</b><script>window.pwned=3</script>") -> ns.Network:
    net = ns.Network(name=name)
    net.add_input(EVIL_SCRIPT, label="<svg onload=window.pwned=4>")
    net.add_output(EVIL_IMG, activation="step", label="</title><script>window.pwned=5</script>")
    net.connect(EVIL_SCRIPT, EVIL_IMG, 1.0)
    return net


# --- the page as text -------------------------------------------------------------------


def test_page_is_self_contained():
    net = ns.zoo.xor()
    page = view_page(net, net.run([1, 0], record=True))
    assert page.startswith("<!DOCTYPE html>")
    # nothing is loaded from anywhere: no src/href attributes, the CSP forbids it anyway
    assert re.search(r"\s(src|href)=", page) is None
    assert "default-src 'none'" in page and "script-src 'sha256-" in page
    assert page.count("<script") == 2  # the data (JSON, not run) and the page's script


def test_page_escapes_every_id_and_label():
    net = evil_network()
    page = view_page(net, net.run([1], record=True), title="<i>t</i>")
    body = page.split('<script id="netsim-data"')[0]
    for bad in ["<script>window", "<img src", "<svg onload", "<b>net", "<i>t"]:
        assert bad not in body
    data = page.split('<script id="netsim-data" type="application/json">')[1].split(
        "</script>")[0]
    assert "<" not in data and ">" not in data and "&" not in data


def test_potentials_are_those_of_the_previous_state():
    net = ns.zoo.xor()
    run = net.run([1, 1], record=True)
    xi = potentials(net, run.trace)
    assert np.isnan(xi[0]).all()
    assert np.isnan(xi[:, :2]).all()  # inputs have no incoming connections
    # step 1 from state (1, 1, 0, 0, 0): h1 = -1 + 2 + 2, h2 = 3 - 2 - 2, y = -2
    assert xi[1, 2:].tolist() == [3.0, -1.0, -2.0]
    # step 2 from (1, 1, 1, 0, 0): y = -2 + 1 + 0
    assert xi[2, 4] == -1.0


def test_view_errors():
    net = ns.zoo.xor()
    with pytest.raises(ns.ParameterError, match="record=True"):
        net.view(net.run([1, 0]))
    batch = net.run([[0, 0], [1, 1]], record=True)
    with pytest.raises(ns.ParameterError, match="sample"):
        net.view(batch, sample=5)
    with pytest.raises(ns.ParameterError, match="neurons per state"):
        net.view(ns.hopfield([[1, -1, 1]]).run([1, 1, 1], record=True))
    with pytest.raises(ns.ParameterError, match="interval"):
        net.view(net.run([1, 0], record=True), interval=0)


def test_view_object_saves_and_shows_in_a_sandboxed_iframe(tmp_path):
    net = ns.zoo.xor()
    v = net.view(net.run([1, 0], record=True), tmp_path / "run.html")
    assert (tmp_path / "run.html").read_text("utf-8") == v.html
    frame = v._repr_html_()
    assert frame.startswith('<iframe srcdoc="') and 'sandbox="allow-scripts"' in frame
    assert "<script" not in frame  # the page is one escaped attribute value
    import html

    srcdoc = frame.split('srcdoc="', 1)[1].split('" sandbox=', 1)[0]
    assert html.unescape(srcdoc) == v.html  # the whole page, not cut, newlines kept


# --- in a real browser ------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        pytest.skip(f"needs Chromium ({CHROMIUM}) and its driver ({DRIVER}): "
                    "apt-get install chromium chromium-driver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ["--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync"]:
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_window_size(1100, 800)
    yield driver
    driver.quit()


def shown(driver) -> tuple[str, list[str], dict[str, tuple[str, str]]]:
    """The step label, the y column of the table, and each drawn neuron's value/fill."""
    step = driver.find_element("id", "step").text
    ys = [td.text for td in driver.find_elements("css selector", "#states td.y")]
    nodes = driver.execute_script(
        "var out = {}; document.querySelectorAll('#diagram g[data-neuron]').forEach("
        "function (g) { out[g.getAttribute('data-neuron')] = "
        "[g.getAttribute('data-value'), g.getAttribute('data-fill')]; }); return out;")
    return step, ys, {k: tuple(v) for k, v in nodes.items()}


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_stepping_through_xor_in_a_browser(browser, tmp_path):
    net = ns.zoo.xor()
    run = net.run([1, 0], record=True)
    path = net.view(run, tmp_path / "xor.html").save(tmp_path / "xor.html")
    browser.get(path.as_uri())
    scale = palette.choose_scale(run.trace.ravel().tolist())

    def expect(t):
        step, ys, nodes = shown(browser)
        assert step == f"step {t} of 2"
        assert ys == [f"{v:g}" for v in run.trace[t]]
        for k, neuron in enumerate(run.neurons):
            assert nodes[neuron] == (f"{run.trace[t, k]:g}", scale.color(run.trace[t, k]))

    expect(0)
    browser.find_element("id", "next").click()
    expect(1)  # the hidden layer fired: h1 = h2 = 1
    browser.find_element("id", "next").click()
    expect(2)  # y = 1
    browser.find_element("id", "first").click()
    expect(0)
    slider = browser.find_element("id", "slider")
    browser.execute_script("arguments[0].value = 2; arguments[0].dispatchEvent("
                           "new Event('input'));", slider)
    expect(2)
    xi = [td.text for td in browser.find_elements("css selector", "#states td.xi")]
    assert xi == ["—", "—", "1", "1", "0"]  # from the state after step 1
    png = tmp_path / "xor_view.png"
    browser.save_screenshot(str(png))
    check_screenshot(browser, png, {n: scale.color(v) for n, v in zip(run.neurons,
                                                                      run.trace[2],
                                                                      strict=True)})


def check_screenshot(driver, png: Path, fills: dict[str, str]) -> None:
    """Each neuron's node in the screenshot has its expected fill (not pixel-exact: a
    point inside the shape, left of the text, within a small tolerance)."""
    image = pytest.importorskip("PIL.Image").open(png).convert("RGB")
    points = driver.execute_script(
        "var out = {}; document.querySelectorAll('#diagram g[data-neuron]').forEach("
        "function (g) { var s = Array.from(g.querySelectorAll('ellipse,polygon')).filter("
        "function (e) { return e.getAttribute('fill') !== 'none'; }).pop();"
        "var r = s.getBoundingClientRect();"
        "out[g.getAttribute('data-neuron')] = [r.left + r.width * 0.12, r.top + r.height / 2];"
        "}); return [out, window.devicePixelRatio];")
    where, ratio = points
    assert sorted(where) == sorted(fills)
    for neuron, (x, y) in where.items():
        got = image.getpixel((round(x * ratio), round(y * ratio)))
        want = tuple(int(fills[neuron][i:i + 2], 16) for i in (1, 3, 5))
        assert max(abs(a - b) for a, b in zip(got, want, strict=True)) <= 16, (
            neuron, got, fills[neuron])


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_play_runs_to_the_end_and_stops(browser, tmp_path):
    x = np.array([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]])
    net = ns.hopfield(x)
    run = net.run([-1, -1, 1, -1, 1, -1], rule="sequential", record=True)
    path = net.view(run, tmp_path / "h.html", interval=0.05).save(tmp_path / "h.html")
    browser.get(path.as_uri())
    browser.find_element("id", "play").click()
    from selenium.webdriver.support.ui import WebDriverWait

    last = len(run.trace) - 1
    WebDriverWait(browser, 10).until(
        lambda d: d.find_element("id", "step").text == f"step {last} of {last}")
    WebDriverWait(browser, 10).until(lambda d: d.find_element("id", "play").text == "▶ play")
    assert shown(browser)[1] == [f"{v:g}" for v in run.state]


@pytest.mark.parametrize("name", ["<b>net</b><script>window.pwned=3</script>", "plain"])
def test_nothing_from_a_file_runs_in_the_browser(browser, tmp_path, name):
    net = evil_network(name)
    path = tmp_path / "evil.html"
    net.view(net.run([1], record=True), path, title="<img src=x onerror=window.pwned=6>")
    browser.get(path.as_uri())
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.find_elements("css selector", "#states img, #states script, body > img") == []
    ids = [td.text for td in browser.find_elements("css selector", "#states td.id")]
    assert ids == [EVIL_SCRIPT, EVIL_IMG]  # shown as text
    if name == "plain" and shutil.which("dot"):  # the diagram is there, its ids are text
        drawn = browser.execute_script(
            "return Array.from(document.querySelectorAll('#diagram g[data-neuron]'))"
            ".map(function (g) { return g.getAttribute('data-neuron'); });")
        assert sorted(drawn) == sorted([EVIL_SCRIPT, EVIL_IMG])
        assert browser.find_elements("css selector", "#diagram script, #diagram img") == []
    browser.find_element("id", "next").click()
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.find_element("id", "step").text == "step 1 of 1"


def ring_of_five() -> ns.Network:
    net = ns.Network(name="ring of five")
    ids = ["a", "b", "c", "d", "e"]
    for k in ids:
        net.add_neuron(k, activation="sign")
    for k, target in enumerate(ids):
        net.connect(ids[k - 1], target, 1.0)
    net.connect("a", "c", -2.0)
    return net


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_attractor_page_highlights_a_basin(browser, tmp_path):
    net = ring_of_five()
    analysis = ns.attractors(net)
    path = tmp_path / "basins.html"
    net.view(analysis, path)
    browser.get(path.as_uri())
    opacity = ("var out = {}; document.querySelectorAll('#diagram g[data-state]').forEach("
               "function (g) { out[g.getAttribute('data-state')] = g.getAttribute('opacity'); "
               "}); return out;")
    rows = browser.find_elements("css selector", "#basins tr[data-attractor]")
    assert len(rows) == 2
    picked = int(rows[1].get_attribute("data-attractor"))
    rows[1].click()
    shown = browser.execute_script(opacity)
    assert len(shown) == 32
    for code in range(32):
        label = analysis.label(code)
        inside = int(analysis.attractor_of[code]) == picked
        assert shown[label] == ("1" if inside else "0.15"), label
    rows[1].click()  # again: everything shown
    assert set(browser.execute_script(opacity).values()) == {"1"}


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_attractor_page_beyond_64_states_highlights_attractor_nodes(browser, tmp_path):
    rng = np.random.default_rng(1)
    net = ns.Network(name="r")
    for i in range(8):
        net.add_neuron(f"n{i}", activation="sign")
    for i in range(8):
        for j in range(8):
            if i != j and rng.random() < 0.4:
                net.connect(f"n{i}", f"n{j}", float(rng.normal()))
    path = tmp_path / "big.html"
    net.view(ns.attractors(net), path)
    browser.get(path.as_uri())
    row = browser.find_elements("css selector", "#basins tr[data-attractor]")[0]
    row.click()
    shown = browser.execute_script(
        "var out = {}; document.querySelectorAll('#diagram g[data-state]').forEach("
        "function (g) { out[g.getAttribute('data-state')] = g.getAttribute('opacity'); });"
        " return out;")
    picked = row.get_attribute("data-attractor")
    assert shown == {k: ("1" if k == f"attractor {picked}" else "0.15") for k in shown}
    assert len(shown) == 4


def test_page_size_is_bounded():
    import netsim.io.view as view

    net = ns.hopfield([[1, -1] * 50])
    run = net.run(np.ones(100), rule="sequential", record=True)
    assert run.trace.size > 5_000
    old, view.MAX_CELLS = view.MAX_CELLS, 5_000
    try:
        with pytest.raises(ns.SizeLimitError, match="record fewer steps"):
            view_page(net, run)
    finally:
        view.MAX_CELLS = old


def test_potentials_of_distance_neurons_use_the_registry():
    net = ns.Network()
    net.add_input("a")
    net.add_input("b")
    net.add_output("r", potential="distance", activation="identity")
    net.connect("a", "r", 3.0)
    net.connect("b", "r", 4.0)
    xi = potentials(net, [[0.0, 0.0, 0.0], [0.0, 0.0, 5.0]])
    assert xi[1, 2] == pytest.approx(5.0)  # ‖(0, 0) − (3, 4)‖


def test_recall_and_glauber_pages_step_by_sweep():
    x = [[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]]
    net = ns.hopfield(x)
    page = net.view(ns.recall(net, [-1, -1, 1, -1, 1, -1], x)).html
    assert '<span id="step">sweep 0 of 2</span>' in page and "2 sweeps" in page
    page = net.view(ns.recall(net, [-1, -1, 1, -1, 1, -1], x, rule="parallel")).html
    assert '<span id="step">step 0 of' in page
    page = net.view(ns.glauber(net, x[0], temperature=0.5, sweeps=3, seed=0)).html
    assert '<span id="step">sweep 0 of 3</span>' in page
    page = net.view(net.run(x[0], rule="sequential", record=True)).html
    assert '<span id="step">step 0 of' in page


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_the_notebook_frame_works_in_a_browser(browser, tmp_path):
    """What Jupyter shows (the page in an <iframe srcdoc sandbox>) steps like the file."""
    net = ns.zoo.xor()
    run = net.run([1, 0], record=True)
    host = tmp_path / "notebook.html"
    host.write_text("<!DOCTYPE html><html><body>" + net.view(run)._repr_html_()
                    + "</body></html>", encoding="utf-8")
    browser.get(host.as_uri())
    browser.switch_to.frame(browser.find_element("tag name", "iframe"))
    try:
        assert browser.find_element("id", "step").text == "step 0 of 2"
        browser.find_element("id", "next").click()
        browser.find_element("id", "next").click()
        step, ys, _nodes = shown(browser)
        assert step == "step 2 of 2" and ys == [f"{v:g}" for v in run.trace[2]]
    finally:
        browser.switch_to.default_content()


def test_label_column_only_when_a_neuron_has_a_label():
    net = ns.zoo.xor()
    page = net.view(net.run([1, 0], record=True)).html
    assert "<th>label</th>" not in page and "<th>role</th>" in page
    net.set_neuron("y", label="XOR")
    page = net.view(net.run([1, 0], record=True)).html
    assert "<th>label</th>" in page and "<td>XOR</td>" in page
