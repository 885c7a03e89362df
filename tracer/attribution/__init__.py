"""Who the page says a statement came from: attribution rules, clauses, source names, the cue lexicon."""
