"""tracer index --engine dask: parsed on a Dask cluster, the same rows as a local run."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

distributed = pytest.importorskip(
    "dask.distributed", reason="dask[distributed] is not installed (pip install 'citation-tracer[dask]')")

from test_corpus import corpus_rows  # noqa: E402

from tracer.cli import cli  # noqa: E402
from tracer.corpus.index import index_warcs  # noqa: E402
from tracer.store import open_db  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c


def test_dask_engine_writes_the_same_rows_as_the_local_engine(web_warc, tmp_path, cluster):
    warcs = [web_warc("wire-copies"), web_warc("seed")]
    local, remote = tmp_path / "local.db", tmp_path / "dask.db"
    expected = index_warcs(open_db(local), warcs, workers=1)
    with distributed.Client(cluster) as client:
        stats = index_warcs(open_db(remote), warcs, engine="dask", client=client, span_bytes=4096)
    assert stats.documents == expected.documents == 18
    assert corpus_rows(local) == corpus_rows(remote)


def test_cli_points_at_a_scheduler(web_warc, tmp_path, cluster):
    db = str(tmp_path / "cli.db")
    result = CliRunner().invoke(cli, ["index", str(web_warc("seed")), "--engine", "dask", "--scheduler",
                                      cluster.scheduler_address, "--db", db], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "2 documents added" in result.stdout
    assert corpus_rows(db) == corpus_rows(_local(web_warc("seed"), tmp_path))


def _local(warc, tmp_path):
    path = tmp_path / "local-seed.db"
    index_warcs(open_db(path), [warc], workers=1)
    return path


def test_unreachable_scheduler_is_a_one_line_error(web_warc, tmp_path):
    result = CliRunner().invoke(cli, ["index", str(web_warc("seed")), "--engine", "dask", "--scheduler",
                                      "tcp://127.0.0.1:9", "--connect-timeout", "1", "--db", str(tmp_path / "x.db")])
    assert result.exit_code != 0 and "Dask scheduler" in result.output and "Traceback" not in result.output
