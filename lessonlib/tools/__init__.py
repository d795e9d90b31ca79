"""Command-line tools: student editions, notebook refresh, Voilà apps, grading (not lesson code)."""
