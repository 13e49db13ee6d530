"""The parts of Rounds that lean on Django's undocumented internals for speed, in one place.

Each module here replaces something the plain ORM or template engine already does, because
BENCHMARKS.md measured the plain way as a large share of a hot page's time. Each says, in
its own docstring, what it replaces, which internal it relies on, what it gains (with the
BENCHMARKS.md step) and which tests hold it to that. Every piece has two kinds of test in
`tests/perf/`:

- an equivalence test: the same rows, values or HTML as the plain ORM or template path it
  replaces, on realistic data with the edge cases (nothing at all, deleted, blocked,
  private);
- an internals test (`tests/perf/test_django_internals.py`): the exact shape of the
  private API it uses (signature, attributes, rendered markup), failing with a message that
  names the piece, so a Django upgrade that changes one is caught before it ships.

The pieces:

- `row_sql.OuterRowSQL`: conditions and values about the outer query's row written out in
  SQL instead of `Exists`/`Subquery`/`Q` (BENCHMARKS.md steps 18 and 25: about half of
  building and compiling a post list's query).
- `prefetch.PrefetchOnlyCounted`: `prefetch_related` that skips rows whose stored count
  says there is nothing to fetch (step 19: one query fewer on every list of posts).
- `fragments.render_cached`: whole cards kept rendered per process, with each reader's
  CSRF token and each response's CSP nonce put in on the way out (step 7: most of the
  rendering time of long pages).
- `compiled.CompiledQueries`: a query of a known shape built and compiled to SQL once per
  process, each call running that SQL with its own values ("The post page's query compiled
  once": its one post cost 1.7 ms of building and compiling for 0.15 ms of SQL).

Removed because their measured gain was under 5% of their page's time (see BENCHMARKS.md,
"The fenced pieces, measured again"): a Redis cache client kept between calls (the old
`community.cache.ReusedClients`), and an `identity` for the written-out expressions built
from Django's `_constructor_args`.
"""
