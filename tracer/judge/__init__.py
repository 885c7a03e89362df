"""Credibility judgements on hops and chains, and third-party source ratings."""
