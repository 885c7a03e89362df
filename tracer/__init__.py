"""tracer: trace a news claim back through its citations to its origin, hop by hop.

    >>> from tracer import trace
    >>> result = trace(url, "North Korea stole $2 billion", db="tracer.db")
    >>> result.origin

``import tracer`` is light: ``trace`` (and with it requests, lxml, SQLite) is loaded when it is
first used, so the command line's ``tracer --version`` does not pay for the pipeline.
"""

import sys
import types

from tracer.version import __version__

__all__ = ["trace", "claim_scores", "CLAIM_THRESHOLD", "__version__"]


class _Package(types.ModuleType):
    """``tracer.trace`` is the function, loaded on first use. Importing the submodule of the
    same name makes the import system set this attribute to the module: the setter ignores
    that, so ``from tracer import trace`` is the function whatever was imported before."""

    @property
    def trace(self):
        from tracer.trace import trace

        return trace

    @trace.setter
    def trace(self, value):
        pass

    @property
    def claim_scores(self):
        from tracer.claims.match import claim_scores

        return claim_scores

    @property
    def CLAIM_THRESHOLD(self):  # noqa: N802 - the public constant's name
        from tracer.claims.match import CLAIM_THRESHOLD

        return CLAIM_THRESHOLD


sys.modules[__name__].__class__ = _Package
