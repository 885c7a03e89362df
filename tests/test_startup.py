"""Start-up stays light: the command line and ``import tracer`` load no part of the pipeline
until a command (or ``trace``) needs it. Times are measured by bench/bench_startup.py; these
tests check the cause, which modules are loaded, so they hold on a busy machine too."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("requests", "urllib3", "lxml", "bs4", "sqlite_utils", "sqlite3", "warcio", "publicsuffixlist",
         "protego", "tracer.trace", "tracer.store", "tracer.web.fetch", "tracer.report.model")


def loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nimport json; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize("code", [
    "import tracer",
    "import tracer.cli",
    # what `tracer --version` and `tracer --help` run
    "from tracer.cli import cli\ntry:\n    cli(['--version'])\nexcept SystemExit:\n    pass",
    "from tracer.cli import cli\ntry:\n    cli(['--help'])\nexcept SystemExit:\n    pass",
    "from tracer.cli import cli\ntry:\n    cli(['trace', '--help'])\nexcept SystemExit:\n    pass",
])
def test_start_up_loads_no_pipeline(code):
    heavy = sorted(m for m in loaded_after(code) if m in HEAVY)
    assert heavy == [], f"{code!r} loads {heavy}"


def test_trace_is_the_function_whatever_was_imported_first():
    code = ("import tracer.trace\nfrom tracer import trace\nimport tracer\n"
            "assert callable(trace) and trace is tracer.trace and trace.__name__ == 'trace', trace\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_cli_default_hop_limit_is_the_trace_default():
    from tracer import cli, trace

    assert cli.DEFAULT_MAX_HOPS == sys.modules["tracer.trace"].DEFAULT_MAX_HOPS
    assert callable(trace)
