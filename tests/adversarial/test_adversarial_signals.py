"""A save interrupted by SIGTERM or SIGINT leaves no temporary file and never a torn
destination: the file is the old one, the new one, or absent."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

import pytest
from _harness import child_env

import netsim as ns

SAVER = """
import sys, netsim as ns
net = ns.mlp("20-100-100-10", seed=0)
print("ready", flush=True)
while True:
    ns.save(net, sys.argv[1])
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_signals_during_saves_leave_no_temporary_file(tmp_path):
    rng = random.Random(0)
    trials = [(signal.SIGTERM, k) for k in range(3)] + [(signal.SIGINT, 0)]
    procs = []
    for sig, k in trials:
        folder = tmp_path / f"{sig.name}_{k}"
        folder.mkdir()
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(folder / "net.json")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env())
        procs.append((sig, folder, proc))
    for _sig, _folder, proc in procs:
        assert proc.stdout.readline().strip() == b"ready"
    for sig, _folder, proc in procs:
        time.sleep(rng.uniform(0.0, 0.1))  # somewhere inside a save (each takes ~60 ms)
        proc.send_signal(sig)
    for sig, folder, proc in procs:
        proc.communicate(timeout=60)
        assert proc.returncode != 0
        assert [p.name for p in folder.iterdir()] in ([], ["net.json"]), sig
        if (folder / "net.json").exists():
            assert len(ns.load(folder / "net.json")) == 230
