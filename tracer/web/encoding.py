"""Bytes to text: Content-Encoding (gzip/deflate, under a size cap) and character encodings.

Charset order follows the HTML standard: byte-order mark, HTTP charset, ``<meta>`` charset;
then UTF-8 when it decodes (or nearly: a few stray bytes), a multi-byte guess when the
detector is sure, else cp1252, the WHATWG default for Western pages. So an undeclared
cp1252 or latin-1 page never comes out as mojibake.
"""

from __future__ import annotations

import codecs
import re
import zlib

TEXT_TYPES = ("text/", "html", "xml", "json", "javascript", "ecmascript")
# What browsers do with these labels (WHATWG Encoding): latin-1 and ASCII are read as cp1252.
ENCODING_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "l1": "cp1252",
                    "iso8859-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}
MULTIBYTE_CODECS = ("shift_jis", "euc_jp", "gb18030", "gbk", "gb2312", "big5", "euc_kr", "cp949",
                    "iso2022_jp", "utf_16", "cp932", "big5hkscs")
BINARY_MAGIC = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"PK\x03\x04",
                b"\x1f\x8b", b"RIFF", b"\x00\x00\x00\x18ftyp", b"\x00\x00\x00\x20ftyp", b"OggS", b"ID3")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


class BodyTooLarge(Exception):
    """The decompressed body passed the size cap."""


class BadContentEncoding(Exception):
    """The body is not the compressed stream its Content-Encoding says."""


class Inflater:
    """Decompresses gzip/deflate while counting, so a gzip bomb stops at the cap.

    zlib is asked for at most (room left + 1) bytes at a time; the rest of the input waits in
    ``unconsumed_tail``, so memory never holds more than the cap.
    """

    def __init__(self, encoding: str, limit: int):
        self.encoding = encoding
        self.limit = limit
        self.total = 0
        self._obj = self._new()

    def _new(self):
        if self.encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(zlib.MAX_WBITS)  # deflate: zlib-wrapped; raw handled in feed

    def feed(self, data: bytes) -> bytes:
        pieces = []
        while data:
            piece = self._decompress(data, self.limit - self.total + 1, first=not pieces)
            self.total += len(piece)
            if self.total > self.limit:
                raise BodyTooLarge()
            pieces.append(piece)
            data = self._obj.unconsumed_tail
            if not data and self._obj.eof and self._obj.unused_data:
                data = self._obj.unused_data  # a second gzip member follows
                self._obj = self._new()
        return b"".join(pieces)

    def _decompress(self, data: bytes, max_length: int, first: bool) -> bytes:
        try:
            return self._obj.decompress(data, max_length)
        except zlib.error:
            if self.encoding == "deflate" and self.total == 0 and first:
                # Some servers send raw deflate without the zlib wrapper.
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                try:
                    return self._obj.decompress(data, max_length)
                except zlib.error:
                    pass
            raise BadContentEncoding() from None


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def declared_charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def codec_for(label: str | None) -> str | None:
    """A Python codec name for a charset label, browser aliases applied; None if unknown."""
    if not label:
        return None
    label = label.strip().lower()
    label = ENCODING_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def is_text_body(content_type: str | None, body: bytes) -> bool:
    # A PDF or image served as text/html happens; its magic bytes outrank the label.
    if body.startswith(BINARY_MAGIC):
        return False
    media = media_type(content_type)
    if media:
        return any(t in media for t in TEXT_TYPES)
    # No Content-Type: sniff like a browser would, text unless it has NUL bytes.
    return b"\x00" not in body[:2048]


def decode_text(body: bytes, content_type: str | None) -> tuple[str | None, str | None]:
    """(text, codec name) for a text body; (None, None) for a binary one."""
    if not is_text_body(content_type, body):
        return None, None
    for label in _declared_labels(body, content_type):
        codec = codec_for(label)
        text = None if codec is None else _try_decode(body, codec)
        if text is not None:
            return text, codec
    guessed = _guess_multibyte(body)
    if guessed:
        return body.decode(guessed, errors="replace"), guessed
    return decode_cp1252(body), "cp1252"


def _declared_labels(body: bytes, content_type: str | None) -> list[str | None]:
    from bs4.dammit import EncodingDetector  # bs4 is slow to import; only pay for it with text

    _, bom_encoding = EncodingDetector.strip_byte_order_mark(body)
    labels = [bom_encoding, declared_charset(content_type)]
    media = media_type(content_type)
    if "html" in media or not media:
        labels.append(EncodingDetector.find_declared_encoding(body, is_html=True))
    elif "xml" in media:
        labels.append(EncodingDetector.find_declared_encoding(body, is_html=False))
    labels.append("utf-8")
    return labels


def _try_decode(body: bytes, codec: str) -> str | None:
    if codec == "cp1252":
        return decode_cp1252(body)
    try:
        text = body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        text = _mostly_utf8(body) if codec == "utf-8" else None
    return None if text is None else text.lstrip("\ufeff")


def _mostly_utf8(body: bytes) -> str | None:
    """A UTF-8 page with a few stray bytes (a pasted cp1252 quote) stays UTF-8.

    Falling back to cp1252 for the whole page would garble every correct character to
    save a handful; so when valid multi-byte characters outnumber the invalid bytes ten to
    one, decode as UTF-8 and let the strays become U+FFFD.
    """
    text = body.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    valid_multibyte = len(_NON_ASCII.findall(text)) - invalid
    return text if valid_multibyte >= 10 * invalid else None


def _c1_for_undefined(error: UnicodeDecodeError):
    # Five cp1252 bytes are undefined; browsers map them to the C1 controls, as latin-1 does.
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("tracer-cp1252-c1", _c1_for_undefined)


def decode_cp1252(body: bytes) -> str:
    return body.decode("cp1252", errors="tracer-cp1252-c1")


def _guess_multibyte(body: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return None
    best = from_bytes(body[:65536]).best()
    if best is None or best.chaos > 0.1:
        return None
    codec = codec_for(best.encoding)
    return codec if codec in MULTIBYTE_CODECS else None
