"""Atomic writes: a failing or interrupted save never damages an existing file."""

from __future__ import annotations

import math
import os
import stat

import pytest

import netsim as ns
from netsim.io import atomic
from netsim.io.atomic import atomic_open, atomic_path, atomic_write_bytes, atomic_write_text
from netsim.zoo import xor


def _listing(directory):
    return sorted(os.listdir(directory))


def test_write_text_creates_and_replaces(tmp_path):
    target = tmp_path / "a.txt"
    atomic_write_text(target, "one\r\nξ\n")
    assert target.read_bytes() == "one\r\nξ\n".encode()  # newlines kept as given
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert _listing(tmp_path) == ["a.txt"]


def test_new_file_mode_follows_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "m.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "m.txt").st_mode) == 0o644


def test_replacing_keeps_the_old_mode(tmp_path):
    target = tmp_path / "p.txt"
    target.write_text("old")
    os.chmod(target, 0o640)
    atomic_write_text(target, "new")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


def test_failing_replace_leaves_the_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "keep.txt"
    target.write_bytes(b"precious")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space"):
        atomic_write_text(target, "new content")
    assert target.read_bytes() == b"precious"
    assert _listing(tmp_path) == ["keep.txt"]


def test_interrupt_during_write_leaves_the_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "keep.txt"
    target.write_bytes(b"precious")

    def interrupted_fsync(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fsync", interrupted_fsync)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"precious"
    assert _listing(tmp_path) == ["keep.txt"]


def test_exception_inside_atomic_open_leaves_the_file(tmp_path):
    target = tmp_path / "data.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_open(target) as f:
        f.write("half a fi")
        raise RuntimeError("producer failed")
    assert target.read_text() == "old"
    assert _listing(tmp_path) == ["data.csv"]


def test_atomic_path_for_tools_that_write_themselves(tmp_path):
    target = tmp_path / "out.svg"
    with atomic_path(target) as tmp:
        assert os.path.dirname(tmp) == str(tmp_path)
        with open(tmp, "w") as f:
            f.write("<svg/>")
    assert target.read_text() == "<svg/>"
    with pytest.raises(ValueError), atomic_path(target) as tmp:
        with open(tmp, "w") as f:
            f.write("broken")
        raise ValueError("tool failed")
    assert target.read_text() == "<svg/>"
    assert _listing(tmp_path) == ["out.svg"]


def test_writes_through_a_symlink(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_unencodable_text_fails_before_touching_anything(tmp_path):
    target = tmp_path / "t.txt"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(target, "\ud800", encoding="utf-8")
    assert target.read_text() == "old" and _listing(tmp_path) == ["t.txt"]


def test_failing_save_keeps_the_existing_network_file(tmp_path, monkeypatch):
    path = tmp_path / "xor.json"
    ns.save(xor(), path)
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(OSError):
        ns.save(ns.mlp("2-2-1", seed=0), path)
    assert path.read_bytes() == before
    assert _listing(tmp_path) == ["xor.json"]


@pytest.mark.parametrize(
    "damage", ["nan_weight", "nan_bias", "unknown_activation", "bad_label", "bad_name"]
)
def test_unserialisable_network_state_keeps_the_existing_file(tmp_path, damage):
    path = tmp_path / "xor.json"
    ns.save(xor(), path)
    before = path.read_bytes()
    net = xor()
    # damage written straight into the live graph, bypassing the checks
    if damage == "nan_weight":
        net.graph["x1"]["h1"]["weight"] = math.nan
    elif damage == "nan_bias":
        net.graph.nodes["h1"]["bias"] = math.inf
    elif damage == "unknown_activation":
        net.graph.nodes["h1"]["activation"] = "no-such-function"
    elif damage == "bad_label":
        net.graph.nodes["h1"]["label"] = object()
    else:
        net._name = 42  # bypasses the validated property
    with pytest.raises(ns.FormatError, match=r"^cannot save: "):
        ns.save(net, path)
    assert path.read_bytes() == before
    assert _listing(tmp_path) == ["xor.json"]


def test_missing_directory_names_the_target_not_the_temporary(tmp_path):
    target = tmp_path / "missing" / "net.json"
    with pytest.raises(FileNotFoundError) as info:
        ns.save(xor(), target)
    assert info.value.filename == str(target)
    assert "does not exist" in str(info.value) and ".tmp" not in str(info.value)
