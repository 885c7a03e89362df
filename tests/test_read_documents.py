"""PDF documents read into the same Document as pages, a chain traced through one, and
``tracer read`` in every format (files, stdin, a WARC of a fixture web)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from pdf_pages import BOARD_REPORT, make_pdf
from tracer.cli import cli
from tracer.fixtures import load_web
from tracer.read.pdf import pdf_date, read_pdf

REPORT_URL = "https://www.nordhaven-board.example/reports/annual-report-2021.pdf"
SURVEY_URL = "https://www.portsurvey.example/nordhaven/channel-depths"
NEWS_URL = "https://www.harbourtimes.example/news/2021/03/04/northern-channel-dredging"


def run(*args, input=None):
    result = CliRunner().invoke(cli, [str(a) for a in args], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


def test_a_pdf_reads_into_text_paragraphs_links_and_dates():
    doc = read_pdf(make_pdf(**BOARD_REPORT), REPORT_URL)
    paragraphs = [doc.text[s:e] for s, e in doc.paragraphs]
    assert paragraphs[1] == ("The harbour board will spend four million on dredging the northern channel, according "
                             "to the port survey, after ships ran aground there twice last winter.")
    assert paragraphs[-1].startswith("Harbour dues rose by three per cent")
    # the annotation's rectangle finds its words; an address written out is a link too
    assert [(l.text, l.href) for l in doc.links] == [
        ("the port survey", SURVEY_URL),
        ("https://accounts.nordhaven-board.example/2021", "https://accounts.nordhaven-board.example/2021"),
    ]
    for link in doc.links:
        assert doc.text[link.start:link.end] == link.text
    assert doc.title == "Nordhaven Harbour Board: Annual report 2021"
    assert (doc.published, doc.published_source, doc.modified) == \
        ("2021-02-26T09:00:00+01:00", "metadata", "2021-03-01T10:00:00+01:00")
    assert doc.problems == [] and len(doc.sentences) >= 5


def test_running_heads_page_numbers_and_broken_words():
    works = ["northern channel", "southern quay", "ferry ramp", "fish market"]
    pages = [["Nordhaven Harbour Board - Annual report 2021", "", f"Work on the {w} goes on: the dredg-",
              "ing is paid for by harbour dues.", "", f"Page {n}"] for n, w in enumerate(works, 1)]
    doc = read_pdf(make_pdf(pages), "https://board.example/r.pdf")
    assert [doc.text[s:e] for s, e in doc.paragraphs] == [
        f"Work on the {w} goes on: the dredging is paid for by harbour dues." for w in works]


def test_pdf_dates():
    assert pdf_date("D:20210226090000+01'00'") == "2021-02-26T09:00:00+01:00"
    assert pdf_date("D:20210226090000Z") == "2021-02-26T09:00:00+00:00"
    assert pdf_date("D:20210226") == "2021-02-26"
    assert pdf_date("yesterday") is None and pdf_date(None) is None


def test_broken_encrypted_and_oversized_pdfs_are_recorded_outcomes(tmp_path):
    good = make_pdf(**BOARD_REPORT)
    (tmp_path / "broken.pdf").write_bytes(good[: len(good) // 3])  # cut off: no cross-reference table, no trailer
    (tmp_path / "garbage.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    (tmp_path / "locked.pdf").write_bytes(make_pdf(**BOARD_REPORT, password="harbour"))
    with open(tmp_path / "huge.pdf", "wb") as fh:  # 50 MB: a page and a 50 MB stream
        fh.write(good[:-6])
        fh.write(b"\n% padding\n" + b"0" * (50 * 1024 * 1024) + b"\n%%EOF\n")
    names = ["broken.pdf", "garbage.pdf", "locked.pdf", "huge.pdf"]
    result = run("read", *(tmp_path / n for n in names), "--format", "json")
    assert result.exit_code == 0
    docs = json.loads(result.output)
    problems = [d["problems"] for d in docs]
    assert all(d["content_type"] == "application/pdf" and d["text"] in ("", None) or d["problems"] for d in docs)
    assert problems[0] and problems[0][0].startswith(("pdf-broken", "pdf-no-text"))
    assert problems[1] and problems[1][0].startswith(("pdf-broken", "pdf-no-text"))
    assert problems[2][0].startswith("pdf-encrypted")
    assert problems[3][0].startswith("pdf-too-large")
    # said in the text format too
    assert "warning: pdf-encrypted" in run("read", tmp_path / "locked.pdf").output


def test_a_chain_is_traced_through_a_pdf(web_warc, tmp_path):
    web = load_web("pdf-origin")
    result = run("trace", web.start_url, "--claim", web.claim, "--archive", web_warc("pdf-origin"), "--offline",
                 "--format", "json", "--db", tmp_path / "t.db")
    data = json.loads(result.output)
    hops = data["hops"]
    assert [(h["url"], h["cites"] and h["cites"]["link"]) for h in hops] == [
        (NEWS_URL, REPORT_URL), (REPORT_URL, SURVEY_URL), (SURVEY_URL, None)]
    report = hops[1]
    # the claim located in the PDF's text, its date from the PDF's metadata
    assert report["evidence"].startswith("The harbour board will spend four million on dredging the northern channel")
    assert report["published"] == "2021-02-26T09:00:00+01:00"
    assert data["origin"]["url"] == SURVEY_URL and data["origin"]["reason"] == "no-further-attribution"


def test_tracer_read_in_every_format(web_warc, tmp_path):
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><title>Dredging</title><meta property='article:published_time' content='2021-03-04T07:30:00+01:00'>"
        "</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article>"
        "<p>The harbour board will spend four million on dredging, according to "
        "<a href='/reports/2021.pdf'>its annual report</a>.</p>"
        "<p>Fishermen welcomed the decision after two years of argument.</p></article></body></html>", "utf-8")
    base = "https://www.harbourtimes.example/news/dredging"
    # json: an array of documents; offsets index into the text
    [doc] = json.loads(run("read", page, "--base-url", base, "--format", "json").output)
    assert doc["url"] == base and doc["title"] == "Dredging"
    assert (doc["published"], doc["published_source"]) == ("2021-03-04T07:30:00+01:00", "metadata")
    assert [doc["text"][s:e] for s, e in doc["paragraphs"]] == [
        "The harbour board will spend four million on dredging, according to its annual report.",
        "Fishermen welcomed the decision after two years of argument."]
    assert len(doc["sentences"]) == 2
    [link] = doc["links"]
    assert link["href"] == "https://www.harbourtimes.example/reports/2021.pdf"
    assert doc["text"][link["start"]:link["end"]] == link["text"] == "its annual report"
    # jsonl from stdin: one line a document
    lines = run("read", "-", "--base-url", base, "--format", "jsonl", input=page.read_bytes()).output.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["text"] == doc["text"]
    # text: what a person reads
    text = run("read", page, "--base-url", base).output
    assert "published: 2021-03-04T07:30:00+01:00 (from the metadata)" in text
    assert "'its annual report' -> https://www.harbourtimes.example/reports/2021.pdf" in text
    # a WARC: one line per HTML or PDF response record, with the record's URL
    lines = run("read", web_warc("pdf-origin"), "--format", "jsonl").output.splitlines()
    docs = [json.loads(line) for line in lines]
    assert [(d["url"], d["content_type"].split(";")[0], d["status"]) for d in docs] == [
        (NEWS_URL, "text/html", 200), (REPORT_URL, "application/pdf", 200), (SURVEY_URL, "text/html", 200)]
    assert docs[1]["links"][0]["text"] == "the port survey"
    # bad input: one line, no traceback
    missing = run("read", tmp_path / "nowhere.html")
    assert missing.exit_code == 1 and "nowhere.html" in missing.output


def test_tracer_read_fetches_a_url_and_reads_a_pdf_by_its_media_type():
    from servers import page, serve

    pdf = make_pdf(**BOARD_REPORT)
    routes = {"/reports/annual.pdf": page(pdf, content_type="application/pdf"),
              "/robots.txt": page("User-agent: *\nAllow: /\n", content_type="text/plain")}
    with serve(routes) as server:
        url = server.url("/reports/annual.pdf")
        [doc] = json.loads(run("read", url, "--allow-private", "--delay", "0", "--format", "json").output)
        assert doc["url"] == url and doc["content_type"].startswith("application/pdf")
        assert doc["title"] == "Nordhaven Harbour Board: Annual report 2021"
        assert doc["links"][0]["text"] == "the port survey"
        # a page that is not there: one line, exit 1
        gone = run("read", server.url("/nowhere"), "--allow-private", "--delay", "0")
        assert gone.exit_code == 1 and "404" in gone.output
