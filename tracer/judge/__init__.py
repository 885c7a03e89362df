"""Credibility judgements that explain themselves: per hop, per chain and per claim.

tracer does not judge whether a claim is true. It judges the trail behind it: did the
claim reach an origin, is that origin a primary source (an official body, a document)
or an outlet, did each hop say what its source said (numbers, direct quotes), is the
chain dated in order, does it go round in a circle, does it rest on anonymous sources,
and, over many pages (``assess_claim``), how many independent origins stand behind the
repeats. Every judgement is a named signal with a value and a sentence a person can read;
raters' scores (``tracer.ratings``) are shown side by side with their dates and never
merged into one number, and "unrated" stays distinct from "low".

Direction: a chain runs from the page where the claim was read (depth 0) to its origin.
``upstream_hop`` is the hop a page cites: one step closer to the origin. Signals about a
citation (was it linked, does the source carry the claim, did the numbers or quotes
change on the way) belong to the citing hop, the one that may have got it wrong.

The package in reading order: ``kinds`` (what kind of source a hop is, the shared thresholds),
``hop`` (``assess_hop``), ``chain`` (``assess_chain``, ``assess_trace``, ``attach`` used by
``tracer.trace.trace``, ``recheck``), ``claim`` (``assess_claim``, ``sources_from_traces``: per
claim over a corpus or a set of traces) and ``ratings`` (third-party source ratings).
"""
