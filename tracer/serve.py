"""Browse the audit database in Datasette, with table descriptions and canned audit queries.

Datasette is an optional extra (``pip install "citation-tracer[datasette]"``).
The metadata (descriptions of every table and column, and the canned queries:
chains by claim, hops of a trace with evidence, fetches by host and status,
documents citing a source) ships as ``tracer/data/datasette-metadata.json``.
"""

from __future__ import annotations

import copy
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

METADATA_PATH = Path(__file__).resolve().parent / "data" / "datasette-metadata.json"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class ServeError(Exception):
    """The database cannot be served (missing, not a tracer database, Datasette absent)."""


def database_name(db_path: str | Path) -> str:
    """The name Datasette gives a database file: its stem."""
    return Path(db_path).stem


def metadata_for(db_path: str | Path) -> dict[str, Any]:
    """The shipped metadata, keyed by the name Datasette will give this database."""
    data = json.loads(METADATA_PATH.read_text("utf-8"))
    template = data["databases"].pop("tracer")
    data["databases"][database_name(db_path)] = copy.deepcopy(template)
    return data


def check_database(db_path: str | Path) -> Path:
    """The database exists and is a tracer database (migrations applied); else ServeError."""
    from tracer.store import StoreError, open_db

    path = Path(db_path)
    if not path.is_file():
        raise ServeError(f"no database at {path}: run `tracer trace` (or pass --db) first")
    try:
        db = open_db(path)
    except StoreError as exc:
        raise ServeError(str(exc)) from None
    missing = {"traces", "hops", "fetches"} - set(db.table_names())
    db.close()
    if missing:
        raise ServeError(f"{path} is not a tracer database (no {', '.join(sorted(missing))} table)")
    return path


def datasette_args(db_path: str | Path, metadata_file: str | Path, *, host: str, port: int) -> list[str]:
    return ["serve", str(db_path), "--metadata", str(metadata_file), "--host", host, "--port", str(port),
            "--setting", "sql_time_limit_ms", "5000"]


def serve(db_path: str | Path, *, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Run Datasette on the audit database until interrupted."""
    path = check_database(db_path)
    try:
        from datasette.cli import cli as datasette_cli
    except ImportError:
        raise ServeError('Datasette is not installed: pip install "citation-tracer[datasette]"') from None
    if host not in LOOPBACK:
        print(f"warning: serving the audit database (page texts included) on {host}, not only this machine",
              file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="tracer-serve-") as tmp:
        metadata_file = Path(tmp) / "metadata.json"
        metadata_file.write_text(json.dumps(metadata_for(path), ensure_ascii=False), "utf-8")
        print(f"tracer serve: http://{host}:{port}/{database_name(path)} (Ctrl-C to stop)", file=sys.stderr)
        try:
            datasette_cli.main(args=datasette_args(path, metadata_file, host=host, port=port),
                               prog_name="datasette", standalone_mode=False)
        except KeyboardInterrupt:
            pass
