"""The read-only JSON API (/api/): the published records, filtered by the pages' own filter sets, as strictly as the
pages (an unknown parameter or a bad value is a 400 naming it), paged by cursor, open to any origin."""
