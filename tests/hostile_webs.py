"""Hostile pages for tests (issue 17): fixture webs written at test time, because their point is
bytes a text editor hides (control characters, terminal escapes) or sizes nobody checks in."""

from __future__ import annotations

import json
from pathlib import Path

from tracer.fixtures import build_warc

ESC, BEL = "\x1b", "\x07"
OSC_TITLE = f"{ESC}]0;OWNED{BEL}"  # sets the terminal's window title
CLEAR = f"{ESC}[2J"  # clears the screen


def article(*paragraphs: str, title: str = "A story", head: str = "") -> str:
    body = "".join((p if p.startswith("<") else f"<p>{p}</p>") + "\n" for p in paragraphs)  # markup as given
    return (f"<html><head><title>{title}</title>{head}</head><body><article>\n{body}"
            "<p>The rest of this article talks about the weather in the valley and the state of the roads "
            "after the long winter, for readers who came for that.</p>\n</article></body></html>")


def hostile_warc(folder: Path, name: str, pages: dict[str, str | bytes], *, start_url: str | None = None,
                 claim: str = "the bridge will close for six months") -> Path:
    """A WARC of ``pages`` (URL -> HTML) packed like any fixture web; the first URL starts the trace."""
    web = folder / name
    (web / "pages").mkdir(parents=True, exist_ok=True)
    entries = []
    for i, (url, html) in enumerate(pages.items()):
        data = html if isinstance(html, bytes) else html.encode("utf-8", "surrogatepass")
        (web / "pages" / f"p{i}.html").write_bytes(data)
        entries.append({"url": url, "file": f"pages/p{i}.html"})
    manifest = {"name": name, "captured_at": "2024-03-01T10:00:00Z", "start_url": start_url or next(iter(pages)),
                "claim": claim, "pages": entries}
    (web / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return build_warc(web, folder / f"{name}.warc.gz")
