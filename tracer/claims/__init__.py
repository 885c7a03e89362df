"""Finding a claim on a page and telling how its wording and figures changed."""
