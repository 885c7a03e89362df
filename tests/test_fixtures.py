"""Fixture webs pack into standard, reproducible WARC files."""

from __future__ import annotations

import gzip
import hashlib
import zlib

from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from tracer.cli import cli
from tracer.fixtures import build_warc, list_webs, load_web


def test_seed_web_packs_reproducibly(tmp_path):
    a = build_warc("seed", tmp_path / "a.warc.gz")
    b = build_warc("seed", tmp_path / "b.warc.gz")
    assert a.read_bytes() == b.read_bytes()


def test_packed_warc_is_iso28500_with_gzip_per_record(tmp_path):
    web = load_web("seed")
    path = build_warc(web, tmp_path / "seed.warc.gz")
    with open(path, "rb") as f:
        records = list(ArchiveIterator(f, check_digests=True))  # raises on a bad digest
    assert [r.rec_type for r in records] == ["response"] * len(web.pages)
    # one gzip member per record: decompressing member by member yields one record each
    data, members = path.read_bytes(), 0
    while data:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        chunk = d.decompress(data)
        assert chunk.startswith(b"WARC/1.1\r\n")
        members += 1
        data = d.unused_data
    assert members == len(web.pages)
    with open(path, "rb") as f:
        for record, page in zip(ArchiveIterator(f), web.pages):
            assert record.rec_headers.get_header("WARC-Target-URI") == page.url
            assert record.rec_headers.get_header("WARC-Date") == web.captured_at
            assert record.http_headers.get_statuscode() == "200"
            assert hashlib.sha256(record.content_stream().read()).digest() == hashlib.sha256(web.body(page)).digest()
    assert gzip.decompress(path.read_bytes()).count(b"WARC/1.1\r\n") == len(web.pages)


def test_fixtures_cli_lists_and_packs(tmp_path):
    listed = CliRunner().invoke(cli, ["fixtures", "list"])
    assert listed.exit_code == 0
    assert "seed\thttps://coinwire.example/" in listed.stdout
    assert set(list_webs()) >= {"seed"}
    out = tmp_path / "seed.warc.gz"
    packed = CliRunner().invoke(cli, ["fixtures", "pack", "seed", "-o", str(out)])
    assert packed.exit_code == 0 and out.read_bytes() == build_warc("seed", tmp_path / "again.warc.gz").read_bytes()
    missing = CliRunner().invoke(cli, ["fixtures", "pack", "no-such-web", "-o", str(out)])
    assert missing.exit_code == 1 and "no fixture web at no-such-web" in missing.stderr
    (tmp_path / "a-file").write_text("")
    unwritable = CliRunner().invoke(cli, ["fixtures", "pack", "seed", "-o", str(tmp_path / "a-file" / "x.warc.gz")])
    assert unwritable.exit_code == 1 and unwritable.stderr.startswith("Error: cannot write ")
    assert unwritable.exception is None or isinstance(unwritable.exception, SystemExit)
