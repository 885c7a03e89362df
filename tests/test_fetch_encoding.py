"""Bytes to text: charset precedence, browser aliases, and the size-capped inflater."""

from __future__ import annotations

import gzip
import zlib

import pytest

from tracer.web.encoding import BadContentEncoding, BodyTooLarge, Inflater, decode_text


def test_bom_beats_http_charset():
    text, codec = decode_text("\ufeffnaïve".encode("utf-8"), "text/html; charset=iso-8859-1")
    assert text == "naïve" and codec == "utf-8"


def test_http_charset_beats_meta():
    body = '<meta charset="utf-8"><p>café</p>'.encode("cp1252")
    assert "café" in decode_text(body, "text/html; charset=windows-1252")[0]


def test_latin1_label_read_as_cp1252_like_browsers():
    text, codec = decode_text(b"<p>\x93quoted\x94</p>", "text/html; charset=ISO-8859-1")
    assert text == "<p>“quoted”</p>" and codec == "cp1252"


def test_undefined_cp1252_bytes_become_c1_controls():
    text, _ = decode_text(b"caf\xe9 \x81", "text/html; charset=windows-1252")
    assert text == "café \x81"


def test_xml_declaration():
    body = '<?xml version="1.0" encoding="windows-1251"?><rss>Новости</rss>'.encode("cp1251")
    assert "Новости" in decode_text(body, "application/rss+xml")[0]


def test_undeclared_shift_jis_is_detected():
    body = ("<html><body><p>" + "北朝鮮のハッカーが暗号資産取引所から資金を盗んだと国連の報告書が指摘した。" * 5
            + "</p></body></html>").encode("shift_jis")
    text, codec = decode_text(body, "text/html")
    assert "国連の報告書" in text


def test_binary_types_have_no_text():
    assert decode_text(b"%PDF-1.7 ...", "application/pdf") == (None, None)
    assert decode_text(b"\x89PNG\r\n\x1a\n\x00\x00", None) == (None, None)


def test_inflater_stops_at_cap_without_inflating_everything():
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    inflater = Inflater("gzip", limit=1024 * 1024)
    with pytest.raises(BodyTooLarge):
        inflater.feed(bomb)
    assert inflater.total <= 1024 * 1024 + 1


def test_inflater_multi_member_gzip_and_raw_deflate():
    assert Inflater("gzip", 100).feed(gzip.compress(b"ab") + gzip.compress(b"cd")) == b"abcd"
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    assert Inflater("deflate", 100).feed(raw.compress(b"hello") + raw.flush()) == b"hello"
    with pytest.raises(BadContentEncoding):
        Inflater("gzip", 100).feed(b"not gzip at all")


def test_pdf_served_as_html_is_binary():
    assert decode_text(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary", "text/html; charset=utf-8") == (None, None)
