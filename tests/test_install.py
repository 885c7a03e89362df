"""A user's install: the wheel built from this tree, installed into a fresh virtual environment,
run from an empty folder (no checkout in sight). Slow: it builds a wheel.

The venv gets no dependencies of its own: a .pth line lets it see this test environment's
site-packages (after its own, so the wheel's tracer wins over any tracer installed here), and
the wheel is installed with --no-deps. pip is asked only for the build backend (setuptools).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tracer.fixtures import list_webs

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the venv's bin folder, an empty working folder)."""
    root = tmp_path_factory.mktemp("install")
    # built from a clean copy of the tree: a build/ folder left in the checkout by an earlier
    # build would otherwise leak its files into this wheel
    source = root / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", "*.db"))
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(root / "dist"), str(source)])
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((root / "dist").glob("citation_tracer-*.whl"))
    venv = root / "venv"
    made = run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    # this environment's packages, after the venv's own (a path line: its .pth files are not run,
    # so an editable install of this tree does not leak in)
    Path(site, "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # --ignore-installed: where this environment has tracer installed (not editable, as in CI),
    # pip would see it through the path line and call the wheel "already satisfied"
    done = run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--ignore-installed",
                "--quiet", str(wheel)])
    assert done.returncode == 0, done.stderr[-2000:]
    empty = root / "empty"
    empty.mkdir()
    return venv / "bin", empty


def user_env(tmp):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TRACER_DB")}
    env["TRACER_DB"] = str(tmp / "tracer.db")
    return env


def test_the_installed_package_is_the_wheel_not_this_tree(installed):
    bin_dir, empty = installed
    where = run([str(bin_dir / "python"), "-c", "import tracer; print(tracer.__file__)"], cwd=empty)
    assert where.returncode == 0, where.stderr
    assert str(REPO) not in where.stdout and "site-packages" in where.stdout


def test_demo_from_an_empty_folder(installed):
    bin_dir, empty = installed
    done = run([str(bin_dir / "tracer"), "demo"], cwd=empty, env=user_env(empty.parent))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "[0] CoinWire (200) https://coinwire.example/" in out
    assert "[1] Reuters (200) https://www.reuters.com/" in out
    assert "Origin: a UN confidential report (document, not online)" in out
    assert list(empty.iterdir()) == []  # the demo leaves nothing behind in the user's folder


def test_fixtures_list_from_an_empty_folder(installed):
    bin_dir, empty = installed
    done = run([str(bin_dir / "tracer"), "fixtures", "list"], cwd=empty, env=user_env(empty.parent))
    assert done.returncode == 0, done.stderr
    listed = [line.split("\t")[0] for line in done.stdout.splitlines()]
    assert listed == list_webs() and "seed" in listed  # every web of the checkout, none missing


def test_a_web_that_borrows_pages_from_another_web_runs_installed(installed):
    # five-hop-chain reads four of its pages from ../wire-chain/: the installed copy keeps that layout
    bin_dir, empty = installed
    done = run([str(bin_dir / "tracer"), "demo", "--web", "five-hop-chain", "--format", "json"], cwd=empty,
               env=user_env(empty.parent))
    assert done.returncode == 0, done.stderr
    assert '"status": 200' in done.stdout
