"""Fetching and archiving: HTTP with politeness and SSRF guard, encodings, WARC files, web archives, the crawler."""
