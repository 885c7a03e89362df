"""tracer: trace a news claim back through its citations to its origin, hop by hop."""

__version__ = "0.1.0"
