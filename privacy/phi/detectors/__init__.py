"""Detectors: each turns the scanned text into candidate findings of a few kinds.

:data:`DETECTORS` lists them in the order they run; the modules group them by what
they detect.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final

from privacy.phi.detectors.common import (
    CONF_RANK,
    KIND_RANK,
    Doc,
    Span,
    digit_shape,
    lower_aligned,
    scan_words,
)
from privacy.phi.detectors.contacts import _detect_contacts, _detect_network
from privacy.phi.detectors.dates import (
    _detect_ages,
    _detect_dates,
    _detect_more_ages,
    _detect_more_dates,
    _detect_other_languages,
)
from privacy.phi.detectors.names import (
    _detect_bare_names,
    _detect_model_names,
    _detect_names,
    _names_before_their_real_name,
)
from privacy.phi.detectors.numbers import (
    _detect_biometrics,
    _detect_international,
    _detect_labelled_ids,
    _detect_more_ids,
    _detect_numbers,
    _detect_phones,
)
from privacy.phi.detectors.places import (
    _detect_addresses,
    _detect_model_places,
    _detect_more_places,
    _detect_places,
)
from privacy.phi.detectors.protected import protected_spans
from privacy.phi.detectors.records import _detect_records
from privacy.phi.detectors.unlisted_names import _detect_unlisted_names
from privacy.phi.kinds import Finding

DETECTORS: Final[tuple[Callable[[Doc], Iterator[Finding]], ...]] = (
    _detect_contacts,
    _detect_phones,
    _detect_network,
    _detect_labelled_ids,
    _detect_numbers,
    _detect_dates,
    _detect_ages,
    _detect_addresses,
    _detect_biometrics,
    _detect_names,
    _detect_bare_names,
    _detect_model_names,
    _detect_places,
    _detect_more_ages,
    _detect_international,
    _detect_unlisted_names,
    _detect_more_places,
    _detect_model_places,
    _detect_more_ids,
    _detect_more_dates,
    _detect_other_languages,
    _names_before_their_real_name,
    _detect_records,
)

__all__ = [
    "CONF_RANK",
    "DETECTORS",
    "KIND_RANK",
    "Doc",
    "Span",
    "digit_shape",
    "lower_aligned",
    "protected_spans",
    "scan_words",
]
