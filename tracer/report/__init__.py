"""Citation reports: the report model and its formats (text, markdown, html, csv, graph, prov, evidence)."""
