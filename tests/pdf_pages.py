"""Small PDF documents for the tests, written with pypdf: lines of Helvetica text, link
annotations over chosen words (their rectangles from the font's widths), metadata, and
optionally a password. ``python tests/pdf_pages.py`` rewrites the PDF of the pdf-origin
fixture web."""

from __future__ import annotations

import io
from pathlib import Path

from pdfminer.fontmetrics import FONT_METRICS
from pypdf import PdfWriter
from pypdf.annotations import Link
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

SIZE, LEADING, LEFT, TOP = 11, 14, 72, 720
_WIDTHS = FONT_METRICS["Helvetica"][1]


def _width(text: str) -> float:
    return sum(_WIDTHS.get(ch, 556) for ch in text) * SIZE / 1000


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], links: list[tuple[int, str, str]] = (), *, title: str | None = None,
             author: str | None = None, created: str | None = None, modified: str | None = None,
             password: str | None = None) -> bytes:
    """pages: each a list of lines ("" between paragraphs); links: (page, phrase, url), the
    annotation drawn over the first line of that page holding the phrase."""
    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}))
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        ops = [f"BT /F1 {SIZE} Tf {LEADING} TL {LEFT} {TOP} Td"] + [f"({_escape(line)}) Tj T*" for line in lines] + ["ET"]
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    for number, phrase, url in links:
        for index, line in enumerate(pages[number]):
            at = line.find(phrase)
            if at >= 0:
                x0 = LEFT + _width(line[:at])
                y = TOP - LEADING * index
                writer.add_annotation(number, Link(rect=(x0, y - 2, x0 + _width(phrase), y + SIZE - 1), url=url))
                break
    info = {key: value for key, value in (("/Title", title), ("/Author", author), ("/CreationDate", created),
                                          ("/ModDate", modified)) if value}
    if info:
        writer.add_metadata(info)
    if password:
        writer.encrypt(user_password=password, owner_password=password + "-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BOARD_REPORT = dict(
    pages=[[
        "Nordhaven Harbour Board",
        "Annual report 2021",
        "",
        "The harbour board will spend four million on dredging the northern channel,",
        "according to the port survey, after ships ran aground there twice last winter.",
        "",
        "Work begins in the spring and is due to end before the autumn storms.",
    ], [
        "Finances",
        "",
        "Harbour dues rose by three per cent; the full accounts are published at",
        "https://accounts.nordhaven-board.example/2021 with the auditors' letter.",
    ]],
    links=[(0, "the port survey", "https://www.portsurvey.example/nordhaven/channel-depths")],
    title="Nordhaven Harbour Board: Annual report 2021",
    author="Nordhaven Harbour Board",
    created="D:20210226090000+01'00'",
    modified="D:20210301100000+01'00'",
)


if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "fixtures/web/pdf-origin/pages/annual-report-2021.pdf"
    target.write_bytes(make_pdf(**BOARD_REPORT))
    print(target)
