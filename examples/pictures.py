"""Make the pictures of docs/pictures.md: a training history, decision regions, a
Hopfield recall (letters and overlap/energy curves) and the interactive page.

Run from the repository root::

    python examples/pictures.py            # writes docs/img/*.png and docs/img/xor_view.html
    python examples/pictures.py OUTDIR     # somewhere else

Needs matplotlib (``pip install netsim[plot]``); the screenshot of the page also needs
Selenium with Chromium and its driver (skipped with a note when missing).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import matplotlib

matplotlib.use("Agg")

import netsim as ns

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "docs" / "img"
DPI = 96  # sharp enough to project

LETTERS = {  # 5 × 5
    "T": "#####..#....#....#....#..",
    "L": "#....#....#....#....#####",
    "X": "#...#.#.#...#...#.#.#...#",
}


def history(out: Path) -> Path:
    """Train a 2-4-1 sigmoid network on XOR and plot its History."""
    net = ns.mlp([2, 4, 1], activation="sigmoid", output_activation="sigmoid", seed=1)
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    D = [[0], [1], [1], [0]]
    h = ns.train(net, X, D, loss="binary_cross_entropy", lr=0.5, epochs=800, seed=0,
                 progress=False)
    path = out / "history.png"
    h.plot().figure.savefig(path, dpi=DPI)
    regions = out / "decision_regions.png"
    ax = ns.plot_decision_regions(ns.zoo.xor(), X, [0, 1, 1, 0])
    ax.figure.savefig(regions, dpi=DPI)
    return path


def recall(out: Path) -> Path:
    """Recall a letter from a noisy probe: the letters, probe and result; the curves."""
    patterns = np.array([[1 if c == "#" else -1 for c in b] for b in LETTERS.values()])
    net = ns.hopfield(patterns)
    probe = patterns[0].copy()
    probe[[2, 7, 11, 19, 23]] *= -1  # five wrong pixels
    r = ns.recall(net, probe, patterns)
    fig = ns.plot_patterns(np.vstack([patterns, probe, r.state]), shape=(5, 5),
                           titles=[*LETTERS, "probe", "recalled"])
    fig.savefig(out / "letters.png", dpi=DPI)
    path = out / "recall.png"
    r.plot(net, labels=list(LETTERS)).figure.savefig(path, dpi=DPI)
    return path


def page(out: Path) -> Path:
    """The interactive page of XOR on (1, 0), and a screenshot of it at step 1."""
    net = ns.zoo.xor()
    html = out / "xor_view.html"
    net.view(net.run([1, 0], record=True), html)
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        print("no selenium: no screenshot of the page")
        return html
    if not (Path("/usr/bin/chromium").exists() and Path("/usr/bin/chromedriver").exists()):
        print("no chromium or chromedriver: no screenshot of the page")
        return html
    options = webdriver.ChromeOptions()
    for arg in ["--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--no-first-run", "--disable-sync"]:
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.set_window_size(900, 520)
        driver.get(html.resolve().as_uri())
        driver.find_element("id", "next").click()
        driver.save_screenshot(str(out / "view.png"))
    finally:
        driver.quit()
    return html


def main(out: Path = DEFAULT_OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    return [history(out), recall(out), page(out)]


if __name__ == "__main__":
    written = main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
    print("wrote " + ", ".join(p.name for p in written) + f" in {written[0].parent}")
