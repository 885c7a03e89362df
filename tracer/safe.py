"""Text from pages made safe for where it goes: a terminal, an XML document, a CSV cell.

Pages are hostile input: their text, titles, source names and URLs may carry terminal escape
sequences (an OSC sequence sets the window title, others move the cursor or rewrite the
screen), C0/C1 control characters that XML refuses, or cells a spreadsheet would run as a
formula. Everything tracer writes for people goes through one of these functions:

- ``clean_text``: drops escape sequences whole (CSI, OSC, DCS/SOS/PM/APC strings, two-byte
  escapes, their 8-bit C1 forms), then every control character but tab, newline and carriage
  return, the non-characters U+FFFE/U+FFFF and lone surrogates. What is left is valid in XML
  1.0 and inert in a terminal but for line breaks.
- ``for_terminal``: ``clean_text`` without carriage returns either (one could hide the start of
  a line), nor bidirectional overrides and isolates (they reorder what is shown). The CLI writes all its output, messages and progress lines through
  ``TerminalSafeStream``, which applies it.
- ``for_xml``: ``clean_text`` (PROV, GEXF, HTML).
- ``json_text``: JSON with DEL, C1 controls and lone surrogates escaped too (lossless).
- ``csv_cell`` / ``csv_text``: the one CSV writer: cells cleaned, and text a spreadsheet
  would read as a formula (= + - @ tab CR, and their full-width forms) quoted with a leading
  apostrophe (OWASP, CSV injection).
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Iterable, Sequence

# An escape sequence, whole: CSI (ESC [, parameters, intermediates, final byte); a string
# command (OSC ESC ], DCS ESC P, SOS ESC X, PM ESC ^, APC ESC _) up to its terminator (BEL or
# ST = ESC \\) or the end of the line; an nF escape (ESC, intermediates, final); any other
# two-character escape. The 8-bit C1 forms are removed one character at a time with the other
# controls: removing less than the whole sequence leaves only printable text, and JSON (where
# they may stand raw inside strings) keeps its syntax.
_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b\n]*(?:\x07|\x1b\\)?"
    r"|\x1b[ -/]+[0-~]?"
    r"|\x1b[0-~]?"
)
# What remains that a terminal or an XML parser must not see.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# ... and a carriage return, unless it ends a line (CR LF: the CSV line end, harmless), and the
# bidirectional embeddings, overrides and isolates, which make a terminal show text in another
# order than it is stored ("Trojan Source", CVE-2021-42574)
_CONTROL_AND_CR = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff\u202a-\u202e\u2066-\u2069]|\r(?!\n)")
_NEEDS_WORK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_NEEDS_WORK_ON_TERMINAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff\u202a-\u202e\u2066-\u2069]")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def clean_text(text: str) -> str:
    """``text`` without escape sequences, control characters (but tab, newline, CR),
    non-characters U+FFFE/U+FFFF or lone surrogates."""
    if not _NEEDS_WORK.search(text):
        return text
    return _CONTROL.sub("", _ESCAPE.sub("", text))


def for_terminal(text: str) -> str:
    """``text`` as it may be shown on a terminal: ``clean_text`` without carriage returns (but
    CR LF line ends), which could hide the start of a line, nor bidirectional overrides."""
    if not _NEEDS_WORK_ON_TERMINAL.search(text):
        return text
    return _CONTROL_AND_CR.sub("", _ESCAPE.sub("", text))


def for_xml(text: str) -> str:
    """``text`` with only characters XML 1.0 allows (and no escape sequences)."""
    return clean_text(text)


# What json.dumps(ensure_ascii=False) leaves raw inside strings that a terminal or an encoder
# would trip on: DEL, the C1 controls (0x9B is an 8-bit CSI) and lone surrogates.
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in (*range(0x7F, 0xA0), *range(0xD800, 0xE000))}


def json_text(value: Any, *, indent: int | None = None) -> str:
    """JSON with non-ASCII text kept readable but every control character escaped (json.dumps
    escapes C0 only): lossless, and inert on a terminal."""
    return json.dumps(value, ensure_ascii=False, indent=indent).translate(_JSON_ESCAPES)


def csv_cell(value: Any) -> str:
    """One CSV cell: empty for None; numbers as written; text cleaned, and quoted as text
    (a leading apostrophe) when a spreadsheet would run it as a formula."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return str(value)
    text = clean_text(str(value))
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A whole CSV document (RFC 4180 quoting, CRLF line ends), every cell through ``csv_cell``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


class TerminalSafeStream:
    """A text stream that passes everything written through ``for_terminal``.

    Wraps sys.stdout / sys.stderr while a CLI command runs. A write that starts with a
    carriage return keeps it: that is how a progress line redraws itself. Other attributes
    are the wrapped stream's, except ``buffer``, so that nothing (click included) writes
    around the filter in bytes.
    """

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # as a text stream does (click probes streams with b"")
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text.startswith("\r"):
            self._stream.write("\r" + for_terminal(text[1:]))
        else:
            self._stream.write(for_terminal(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    @property
    def wrapped(self):
        return self._stream

    def __getattr__(self, name: str):
        if name == "buffer":
            raise AttributeError(name)
        return getattr(self._stream, name)
