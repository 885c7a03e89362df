"""tracer: trace a news claim back through its citations to its origin, hop by hop.

    >>> from tracer import trace
    >>> result = trace(url, "North Korea stole $2 billion", db="tracer.db")
    >>> result.origin
"""

from tracer.trace import trace
from tracer.version import __version__

__all__ = ["trace", "__version__"]
