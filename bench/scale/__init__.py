"""A national-size data set for PostgreSQL, streamed in with COPY: `python -m bench.scale`.

- `vocabulary`: the names, places, clinical words and sentence templates of the rows.
- `pgcopy`: COPY in text format, its field formats, progress, index and sequence handling.
- `sizes`: the sizes, the bench member and the other fixed points (no Django).
- `generator`: the seeded rows of every table; `mentorships`: those of the mentoring ones.
- `load`: the order of the load and the SQL around it (`load_scale`).
- `hot_pages`: the pages the benchmarks and `tests/test_scale.py` read on the data set.
- `__main__`: the command line.

This file imports nothing: `python -m bench.scale` runs it before Django is set up, and the
modules above import models.
"""
