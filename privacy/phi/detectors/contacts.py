"""Contact details and network identifiers: emails, URLs, domains and IP addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator

from privacy.phi.detectors.common import Doc, _finding, _strip_trailing_punct
from privacy.phi.kinds import HIGH, LOW, Finding
from privacy.phi.patterns.context import VERSION_BEFORE_RE
from privacy.phi.patterns.shapes import (
    BARE_DOMAIN_RE,
    DOMAIN_CHARS,
    EMAIL_DOMAIN_RE,
    EMAIL_LOCAL_CHARS,
    IPV4_RE,
    IPV4_TRIGGER_RE,
    IPV6_RE,
    IPV6_TRIGGER_RE,
    OWN_PAGE_BEFORE_RE,
    PERSONAL_HOSTS,
    REFERENCE_HOSTS,
    REFERENCE_SUFFIXES,
    TLD_TRIGGER_RE,
    URL_RES,
    VIDEO_PATH_RE,
)
from privacy.phi.patterns.unlisted import PERSON_IN_SENTENCE_RE


def _url_identifies(low: str, start: int, end: int) -> bool:
    """Whether the URL at ``start:end`` may point at a person.

    A fundraiser, a social profile or a blog host always may. A reference (a journal, a
    guideline, a calculator, a teaching video, a public body's or university's page) does not,
    nor does the poster's own blog or their unit's page ("my blog: …", "our unit's page has the
    form: …") when no patient is named on the way. Any other host may.
    """
    url = low[start:end]
    host = url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].split(":", 1)[0]
    host = host.removeprefix("www.")
    if any(host == h or host.endswith("." + h) for h in PERSONAL_HOSTS):
        return True
    if (
        any(host == h or host.endswith("." + h) for h in REFERENCE_HOSTS)
        or host.endswith(tuple(REFERENCE_SUFFIXES))
        or VIDEO_PATH_RE.search(url)
    ):
        return False
    lo = max(0, start - 80)
    sentence = max(lo - 1, *(low.rfind(c, lo, start) for c in ".!?\n")) + 1
    if OWN_PAGE_BEFORE_RE.search(low, sentence, start) and not PERSON_IN_SENTENCE_RE.search(
        low, sentence, start
    ):
        return False
    return True


def _detect_contacts(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    m: re.Match[str] | None  # reused: loop matches, then searches that may find nothing
    at = text.find("@")
    while at != -1:
        start = at
        while start > 0 and at - start < 64 and text[start - 1] in EMAIL_LOCAL_CHARS:
            start -= 1
        while start < at and not text[start].isalnum():
            start += 1
        domain = EMAIL_DOMAIN_RE.match(text, at) if start < at else None
        if domain is not None:
            yield _finding(text, "email", start, domain.end(), HIGH)
            at = text.find("@", domain.end())
        else:
            at = text.find("@", at + 1)
    for rx in URL_RES:
        for m in rx.finditer(low):
            end = _strip_trailing_punct(text, *m.span())
            if _url_identifies(low, m.start(), end):
                yield _finding(text, "url", m.start(), end, LOW)
    done = -1
    for tld in TLD_TRIGGER_RE.finditer(low):
        if tld.start() < done:
            continue
        # Walk back to the start of the host name, then match from there.
        start = tld.start()
        floor = max(0, start - 253)  # longest possible host name
        while start > floor and low[start - 1] in DOMAIN_CHARS:
            start -= 1
        if m := BARE_DOMAIN_RE.match(low, start):
            done = m.end()
            end = _strip_trailing_punct(text, start, done)
            if _url_identifies(low, start, end):
                yield _finding(text, "url", start, end, LOW)


def _detect_network(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    if IPV4_TRIGGER_RE.search(text):
        for m in IPV4_RE.finditer(text):
            if not VERSION_BEFORE_RE.search(low, max(0, m.start() - 12), m.start()):
                yield _finding(text, "ip", *m.span(), HIGH)
    if IPV6_TRIGGER_RE.search(text):
        for m in IPV6_RE.finditer(text):
            candidate = m.group()
            groups = [g for g in candidate.split(":") if g]
            compressed = candidate.count("::") == 1
            if len(groups) >= 3 and (compressed or candidate.count(":") == 7):
                yield _finding(text, "ip", *m.span(), HIGH)
