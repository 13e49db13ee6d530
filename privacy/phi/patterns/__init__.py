"""Regular expressions and trigger words, compiled once at import.

The patterns are grouped in the order the scanner was built up: shared building
blocks, context windows, keyword rules, shape rules, formats from outside the
US, and words seen with no list entry. The later modules add their trigger
words to :data:`keywords.TRIGGERS`, so they are imported here in that order.
"""

# isort: off
from privacy.phi.patterns import common, context, keywords, shapes  # noqa: F401
from privacy.phi.patterns import international, unlisted  # noqa: F401

# isort: on
