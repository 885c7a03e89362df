"""A corpus of archived pages: indexing WARCs, searching for a claim's candidates and sources."""
