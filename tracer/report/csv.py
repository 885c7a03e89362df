"""The CSV citation report: one row per hop, the citing page and the page it cites side by side."""

from __future__ import annotations

from tracer.report.model import Report, credibility_verdict, hop_credibility
from tracer.safe import csv_cell, csv_text  # the one CSV writer: formulas quoted, controls dropped

CSV_COLUMNS = (
    "trace_id", "branch", "depth", "claim",
    "citing_source", "citing_kind", "citing_url", "citing_status", "citing_published", "citing_fetched_at",
    "citing_sha256", "evidence", "cue", "citing_sentence", "resolved_by",
    "cited_source", "cited_kind", "cited_link", "cited_url", "cited_status", "cited_published", "cited_sha256",
    "cited_depth", "stop_reason", "flags",
    "credibility", "chain_verdict",  # issue 8: the hop's judgement in one line, the chain's verdict
)


def csv_rows(report: Report) -> list[dict[str, str]]:
    rows = []
    chain_verdict = credibility_verdict(report.trace)
    for r in report.records:
        hop, c, cited = r.hop, r.hop.cites, r.cited
        row = {
            "trace_id": report.trace.id, "branch": r.branch, "depth": hop.depth, "claim": report.trace.claim,
            "citing_source": hop.source, "citing_kind": hop.kind, "citing_url": hop.url or hop.requested_url,
            "citing_status": hop.status, "citing_published": hop.published, "citing_fetched_at": hop.fetched_at,
            "citing_sha256": hop.sha256, "evidence": hop.evidence,
            "cue": c.cue if c else None, "citing_sentence": c.sentence if c else None,
            "resolved_by": c.resolved_by if c else None,
            "cited_source": c.source if c else None, "cited_kind": c.kind if c else None,
            "cited_link": c.link if c else None,
            "cited_url": (cited.hop.url or cited.hop.requested_url) if cited else None,
            "cited_status": cited.hop.status if cited else None,
            "cited_published": cited.hop.published if cited else None,
            "cited_sha256": cited.hop.sha256 if cited else None,
            "cited_depth": cited.hop.depth if cited else None,
            "stop_reason": r.stop_reason, "flags": " ".join(hop.flags),
            "credibility": hop_credibility(hop)[0], "chain_verdict": chain_verdict,
        }
        rows.append({k: csv_cell(row[k]) for k in CSV_COLUMNS})
    return rows


def format_csv(report: Report) -> str:
    return csv_text(CSV_COLUMNS, ([row[k] for k in CSV_COLUMNS] for row in csv_rows(report)))
