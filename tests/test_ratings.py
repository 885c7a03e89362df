"""Raters' lists: import any rater's CSV, list them, look a URL up the way the rater's list reads.

The real list used here is Lin, Lasser, Lewandowsky, Cole, Gully, Rand & Pennycook (2023),
"High level of correspondence across different news domain quality rating sets", PNAS Nexus
2(9) pgad286, https://doi.org/10.1093/pnasnexus/pgad286 (data: hauselin/domain-quality-ratings).
It is read from ../shared at test time and never copied into this repository.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tracer import store
from tracer.cli import cli
from tracer.judge.ratings import RatingsError, Scale, domain_key, import_csv, list_raters, lookup, lookup_keys

LIN = "Lin et al. 2023"


def invoke(*args):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result


@pytest.fixture
def lin_csv(shared_dir):
    path = shared_dir / "data" / "ratings" / "lin2023_domain_pc1.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path


def write_csv(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_lin2023_through_the_cli_and_list_it(lin_csv, tmp_path):
    db_path = str(tmp_path / "r.db")
    result = invoke("ratings", "import", str(lin_csv), "--rater", LIN, "--as-of", "2023-08-25", "--db", db_path)
    assert result.exit_code == 0, result.output
    assert "Lin et al. 2023 (2023-08-25): 115" in result.stdout and "scale 0:1" in result.stdout
    assert "'pc1'" in result.stdout  # the score column was found by name
    # the four entries with an en dash in the host are not domains: skipped, each said why
    assert result.stderr.count("is not a domain") == 4
    listed = json.loads(invoke("ratings", "list", "--format", "json", "--db", db_path).stdout)
    assert len(listed) == 1
    assert listed[0]["rater"] == LIN and listed[0]["as_of"] == "2023-08-25" and listed[0]["scale"] == "0:1"
    assert listed[0]["domains"] > 11_500 and listed[0]["source_file"].endswith("lin2023_domain_pc1.csv")
    assert len(listed[0]["sha256"]) == 64
    text = invoke("ratings", "list", "--db", db_path).stdout
    assert text.startswith("Lin et al. 2023\t2023-08-25\tscale 0:1")


@pytest.mark.parametrize(
    "url, entry",
    [
        # a path entry covers that section only, the rest of the site has the domain's score
        ("https://www.theguardian.com/observer/2019/aug/04/story", "theguardian.com/observer"),
        ("https://www.theguardian.com/world/2019/aug/04/story", "theguardian.com"),
        ("https://www.newyorker.com/humor/borowitz-report/trump-x", "newyorker.com/humor/borowitz-report"),
        ("https://www.newyorker.com/humor/daily-shouts/x", "newyorker.com/humor"),
        ("https://www.newyorker.com/magazine/2019/x", "newyorker.com"),
        # a path segment must match whole: /observers is not /observer
        ("https://www.theguardian.com/observers/x", "theguardian.com"),
        # the rater rates www.xinhuanet.com and xinhuanet.com differently: the exact host wins
        ("http://www.xinhuanet.com/english/x.htm", "www.xinhuanet.com"),
        ("http://english.xinhuanet.com/x.htm", "xinhuanet.com"),
        # a subdomain the rater lists on its own, and one it does not
        ("https://www.ncdc.noaa.gov/cag/", "ncdc.noaa.gov"),
        ("https://www.climate.noaa.gov/x", "noaa.gov"),
        ("https://www.reuters.com/article/us-northkorea-cyber-un/x", "reuters.com"),
        ("reuters.com", "reuters.com"),
    ],
)
def test_lookup_reads_the_list_as_the_rater_wrote_it(lin_csv, tmp_path, url, entry):
    db = store.open_db(tmp_path / "r.db")
    import_csv(db, lin_csv, rater=LIN, as_of="2023-08-25")
    [rating] = lookup(db, url)
    assert rating["status"] == "rated" and rating["domain"] == entry
    assert rating["rater"] == LIN and rating["as_of"] == "2023-08-25" and rating["scale"] == "0:1"
    assert 0 <= rating["score"] <= 1 and rating["normalised"] == pytest.approx(rating["score"], abs=1e-6)


def test_unlisted_domain_is_unrated_not_low(lin_csv, tmp_path):
    db = store.open_db(tmp_path / "r.db")
    import_csv(db, lin_csv, rater=LIN, as_of="2023-08-25")
    # facebook.com/news is rated, a page elsewhere on facebook.com falls back to facebook.com
    assert lookup(db, "https://facebook.com/news/x")[0]["domain"] == "facebook.com/news"
    assert lookup(db, "https://coinwire.example/news/x") == [
        {"rater": LIN, "as_of": "2023-08-25", "score": None, "status": "unrated"}
    ]
    out = invoke("ratings", "lookup", "https://coinwire.example/x", "--db", str(tmp_path / "r.db")).stdout
    assert out.strip() == "Lin et al. 2023 (2023-08-25): unrated"


def test_two_raters_side_by_side_one_rates_the_other_does_not(tmp_path):
    db_path = str(tmp_path / "r.db")
    a = write_csv(tmp_path, "a.csv", "site,rating\nharbourtimes.example,82\nwww.lowtide.example,12\n")
    b = write_csv(tmp_path, "b.csv", "Domain;Trust\nlowtide.example;0.9\n")
    assert invoke("ratings", "import", str(a), "--rater", "Rater A", "--as-of", "2024-01-31",
                  "--db", db_path).exit_code == 0
    r = invoke("ratings", "import", str(b), "--rater", "Rater B", "--as-of", "2024-03-01", "--score-column", "trust",
               "--db", db_path)
    assert r.exit_code == 0, r.output
    found = json.loads(invoke("ratings", "lookup", "https://harbourtimes.example/2024/story", "--format", "json",
                              "--db", db_path).stdout)
    assert found == [
        {"rater": "Rater A", "as_of": "2024-01-31", "score": 82.0, "scale": "0:100", "normalised": 0.82,
         "domain": "harbourtimes.example", "status": "rated"},
        {"rater": "Rater B", "as_of": "2024-03-01", "score": None, "status": "unrated"},
    ]
    # www.lowtide.example: Rater A lists the www host, Rater B the domain; each is shown as it is
    db = store.open_db(db_path)
    a_row, b_row = lookup(db, "https://www.lowtide.example/p")
    assert (a_row["domain"], a_row["score"], b_row["domain"], b_row["score"]) == \
        ("www.lowtide.example", 12.0, "lowtide.example", 0.9)
    assert [r["rater"] for r in list_raters(db)] == ["Rater A", "Rater B"]


def test_reversed_scale_and_reimport_replaces(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    path = write_csv(tmp_path, "grades.csv", "url,grade\nhttps://www.one.example/,1\ntwo.example,5\nthree.example,9\n")
    result = import_csv(db, path, rater="Grades", as_of="2022-05-01", score_column="grade", scale="5:1")
    # 1 is the best grade on a 5:1 scale; 9 is outside the scale and skipped with a reason
    assert result.imported == 2 and any("outside the scale 5:1" in s for s in result.skipped)
    assert lookup(db, "https://www.one.example/a")[0]["normalised"] == 1.0
    assert lookup(db, "two.example")[0]["normalised"] == 0.0
    again = import_csv(db, path, rater="Grades", as_of="2022-05-01", score_column="grade", scale="5:1")
    assert again.replaced == 2 and db["ratings"].count == 2
    # a newer list of the same rater is the one shown; the older one stays in the store
    newer = write_csv(tmp_path, "newer.csv", "url,grade\ntwo.example,2\n")
    import_csv(db, newer, rater="Grades", as_of="2023-05-01", score_column="grade", scale="5:1")
    assert lookup(db, "two.example")[0]["as_of"] == "2023-05-01"
    assert lookup(db, "https://www.one.example/")[0] == {"rater": "Grades", "as_of": "2023-05-01", "score": None,
                                                          "status": "unrated"}
    assert db["ratings"].count == 3


@pytest.mark.parametrize(
    "csv_text, args, message",
    [
        ("domain,score\na.example,150\n", [], "give the rater's scale with --scale"),
        ("domain,score\na.example,1\n", ["--scale", "ten"], "is not MIN:MAX"),
        ("domain,score\na.example,1\n", ["--domain-column", "host"], "no column 'host'"),
        ("name,notes\nA,x\n", [], "cannot tell which column holds the domain"),
        ("domain,score\nnot a domain,1\n", [], "no rows with a domain and a numeric score"),
        ("", [], "empty or has no header"),
    ],
)
def test_bad_rater_files_are_one_line_errors(tmp_path, csv_text, args, message):
    path = write_csv(tmp_path, "bad.csv", csv_text)
    result = invoke("ratings", "import", str(path), "--rater", "R", "--as-of", "2024-01-01", *args,
                    "--db", str(tmp_path / "r.db"))
    assert result.exit_code == 1 and message in result.stderr


def test_binary_file_is_a_one_line_error_and_cr_line_ends_read(tmp_path):
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"domain,score\n" + bytes(range(256)) * 8)
    result = invoke("ratings", "import", str(binary), "--rater", "R", "--as-of", "2024-01-01",
                    "--db", str(tmp_path / "r.db"))
    assert result.exit_code == 1 and "is not a CSV file (binary data)" in result.stderr
    unbalanced = write_csv(tmp_path, "quote.csv", 'domain,score\n"' + "x" * 200_000 + "\n")
    result = invoke("ratings", "import", str(unbalanced), "--rater", "R", "--as-of", "2024-01-01",
                    "--db", str(tmp_path / "r.db"))
    assert result.exit_code == 1 and "is not a readable CSV file" in result.stderr
    mac = write_csv(tmp_path, "mac.csv", "domain,score\ra.example,1\rb.example,0.5\r")
    imported = import_csv(store.open_db(tmp_path / "m.db"), mac, rater="R", as_of="2024-01-01")
    assert imported.imported == 2


def test_bad_date_and_missing_file(tmp_path):
    path = write_csv(tmp_path, "ok.csv", "domain,score\na.example,1\n")
    bad_date = invoke("ratings", "import", str(path), "--rater", "R", "--as-of", "last year", "--db",
                      str(tmp_path / "r.db"))
    assert bad_date.exit_code == 1 and "is not a date" in bad_date.stderr
    missing = invoke("ratings", "import", str(tmp_path / "nope.csv"), "--rater", "R", "--as-of", "2024-01-01")
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_empty_store_lists_nothing(tmp_path):
    store.open_db(tmp_path / "r.db").close()
    result = invoke("ratings", "list", "--db", str(tmp_path / "r.db"))
    assert result.exit_code == 0 and result.stdout == "" and "no ratings imported" in result.stderr
    assert lookup(store.open_db(tmp_path / "r.db"), "https://a.example/") == []


def test_entry_and_key_normalisation():
    assert domain_key("https://www.TheGuardian.com/observer/") == "www.theguardian.com/observer"
    assert domain_key("bücher.example") == "xn--bcher-kva.example"
    assert domain_key("localhost") is None and domain_key("") is None
    assert lookup_keys("https://a.b.example.co.uk/x/y") == [
        "a.b.example.co.uk/x/y", "a.b.example.co.uk/x", "a.b.example.co.uk", "b.example.co.uk", "example.co.uk"
    ]
    assert Scale.parse("0:100").normalise(25) == 0.25
    with pytest.raises(RatingsError):
        Scale.parse("3:3")


def test_lin2023_scores_on_the_seed_chain(lin_csv, seed_warc, tmp_path):
    from tracer import trace
    from tracer.fixtures import load_web

    db = store.open_db(tmp_path / "seed.db")
    import_csv(db, lin_csv, rater=LIN, as_of="2023-08-25")
    web = load_web("seed")
    result = trace(web.start_url, web.claim, db=db, archives=[seed_warc], offline=True)
    coinwire, reuters, un_report = (h.extra["credibility"] for h in result.hops)
    assert coinwire["ratings"] == [{"rater": LIN, "as_of": "2023-08-25", "score": None, "status": "unrated"}]
    assert reuters["ratings"][0]["domain"] == "reuters.com" and reuters["ratings"][0]["score"] == 1.0
    assert un_report["ratings"] == []  # not online: no domain to rate
    # the origin is a primary document: it is not scored as an outlet
    assert "origin_rating" not in result.extra["credibility"]["score"]["parts"]
