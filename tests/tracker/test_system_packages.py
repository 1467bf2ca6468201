"""`make test` on a fresh machine: the system packages its tests need are checked first (one
list, `.ci/system-packages`, which `.ci/run` uses too), installed when root, and otherwise the
run stops at once with the command to type, never with failing tests minutes later.

A missing package is a copy of dpkg's database without it (dpkg-query honours DPKG_ADMINDIR);
"not root" is the user nobody (setpriv)."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.processes import ROOT

SCRIPT = ROOT / ".ci" / "system-packages"
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def _packages() -> list[str]:
    return subprocess.run([str(SCRIPT), "--list"], capture_output=True, text=True, check=True).stdout.split()


@pytest.fixture
def dpkg_without():
    """A copy of dpkg's database with the named packages left out, readable by nobody too
    (pytest's own temporary folders are root's only)."""
    folders: list[str] = []

    def make(*names: str) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="dpkg-"))
        folders.append(str(folder))
        folder.chmod(0o755)
        stanzas = Path("/var/lib/dpkg/status").read_text().split("\n\n")
        kept = [s for s in stanzas if not any(s.startswith(f"Package: {name}\n") for name in names)]
        assert len(stanzas) - len(kept) == len(names)  # each was installed here
        (folder / "status").write_text("\n\n".join(kept))
        (folder / "status").chmod(0o644)
        return folder

    yield make
    for folder in folders:
        shutil.rmtree(folder)


def _env(**overrides: str) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "HOME": "/nonexistent", "LANG": "C.UTF-8", **overrides}


def test_the_list_holds_what_the_suite_needs():
    packages = _packages()
    # caddy and systemd for tests/deploy, Chromium for the browser tests and fonts for its pages, msgfmt
    for needed in ("caddy", "systemd", "chromium", "fonts-dejavu-core", "gettext", "postgresql-client"):
        assert needed in packages
    # and .ci/run installs from this list, not a copy of it
    run = (ROOT / ".ci" / "run").read_text()
    assert ".ci/system-packages --install" in run and "caddy" not in run


def test_nothing_missing_is_a_silent_success():
    check = subprocess.run([str(SCRIPT), "--check"], capture_output=True, text=True, env=_env(), timeout=60)
    assert (check.returncode, check.stderr) == (0, "")


def test_not_root_with_a_package_missing_stops_at_once_with_the_command(dpkg_without):
    admindir = dpkg_without("caddy", "fonts-dejavu-core")
    started = time.monotonic()
    run = subprocess.run(
        [*AS_NOBODY, str(SCRIPT), "--install"],
        capture_output=True,
        text=True,
        env=_env(DPKG_ADMINDIR=str(admindir)),
        timeout=60,
    )
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        "The tests need system packages that are not installed: fonts-dejavu-core caddy.",
        "Run this once (as root), then run make test again:",
        "  sudo apt-get update && sudo apt-get install -y --no-install-recommends fonts-dejavu-core caddy",
    ]
    assert time.monotonic() - started < 10


def test_make_test_stops_before_anything_slow_when_not_root(dpkg_without):
    # given a machine without caddy, and a user who is not root
    admindir = dpkg_without("caddy")
    # when they run the README's test command
    started = time.monotonic()
    run = subprocess.run(
        [*AS_NOBODY, "make", "--no-print-directory", "test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_env(DPKG_ADMINDIR=str(admindir)),
        timeout=120,
    )
    # then make stops in seconds at the first step, with the command, before lint or any test
    assert run.returncode != 0
    assert "sudo apt-get update && sudo apt-get install -y --no-install-recommends caddy" in run.stderr
    assert "ruff" not in run.stdout + run.stderr and "pytest" not in run.stdout + run.stderr
    assert time.monotonic() - started < 30


def test_root_installs_what_is_missing_with_one_update(dpkg_without, tmp_path):
    # given root on a machine without caddy, and apt-get recording what it is asked (a stand-in:
    # the real one would change this machine)
    admindir = dpkg_without("caddy")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "apt-get.calls"
    fake = bin_dir / "apt-get"
    fake.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n')
    fake.chmod(0o755)
    # when the packages are installed
    run = subprocess.run(
        [str(SCRIPT), "--install"],
        capture_output=True,
        text=True,
        env=_env(DPKG_ADMINDIR=str(admindir), PATH=f"{bin_dir}:{os.environ['PATH']}"),
        timeout=60,
    )
    # then apt-get updated once and installed exactly the missing one
    assert run.returncode == 0, run.stderr
    assert calls.read_text().splitlines() == ["update -qq", "install -y -qq --no-install-recommends caddy"]
    assert run.stdout == "Installing system packages: caddy\n"
