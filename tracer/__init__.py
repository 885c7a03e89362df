"""tracer: trace a news claim back through its citations to its origin, hop by hop.

    >>> from tracer import trace
    >>> result = trace(url, "North Korea stole $2 billion", db="tracer.db")
    >>> result.origin
"""

__version__ = "0.1.0"

from .trace import trace  # noqa: E402  (after __version__: fetch.py reads it for the User-Agent)

__all__ = ["trace", "__version__"]
