"""Personal data in free text: e-mail, phone, payment card, IBAN, national ids, custom ones.

Every candidate is validated by a library (phonenumbers, python-stdnum) or anchored by a
keyword before it counts, so prices, dates, tracking and model numbers fall away. Matches
never overlap; when two detectors claim the same characters the more specific one wins
(configured patterns, e-mail, IBAN, card, national id, built-in references, phone).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

import phonenumbers
from stdnum import iban, luhn
from stdnum.ar import cuit as ar_cuit
from stdnum.ar import dni as ar_dni
from stdnum.cl import rut as cl_rut
from stdnum.es import dni as es_dni
from stdnum.es import nie as es_nie
from stdnum.es import nif as es_nif
from stdnum.mx import curp as mx_curp
from stdnum.us import ssn as us_ssn

from bot.i18n import N_
from bot.triage.phones import PHONE_REGIONS, find_phone_spans, is_international_phone
from bot.triage.records import DEFAULT_CONFIG, PiiMatch, TriageConfig
from bot.triage.references import find_references
from bot.triage.text import fold

__all__ = ["PHONE_REGIONS", "find_pii", "mask_pii", "outbound_pii"]

_URL_IN_TEXT = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_WHATSAPP_LINK = re.compile(
    r"(?:wa\.me/|whatsapp\.com/send/?\?phone=)\+?(?P<number>\d{7,15})(?!\d)", re.IGNORECASE
)

# Not after "@": `@user@server.example` is a fediverse account (a Mastodon mention), which
# is public by nature, not an e-mail address.
_EMAIL = re.compile(
    r"(?<![\w.+@-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b"
)
_DIGIT_RUN_WITH_SEPARATORS = re.compile(r"(?<![\w-])\d+(?:[ -]\d+)*(?![\w])")
_DIGITS = re.compile(r"\d+")
_IBAN = re.compile(r"(?<!\w)[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{1,4}){3,9}(?!\w)")
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")


def _card_brand_ok(digits: str) -> bool:
    """Length and issuer prefix of the networks we care about (Luhn is checked separately)."""
    n = len(digits)
    two, three, four, six = int(digits[:2]), int(digits[:3]), int(digits[:4]), int(digits[:6])
    if digits[0] == "4":
        return n in (13, 16, 19)  # Visa
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return n == 16  # Mastercard
    if two in (34, 37):
        return n == 15  # Amex
    if four == 6011 or 644 <= three <= 649 or two == 65 or 622126 <= six <= 622925:
        return 16 <= n <= 19  # Discover
    if 300 <= three <= 305 or two in (36, 38, 39):
        return 14 <= n <= 19  # Diners
    if 3528 <= four <= 3589:
        return 16 <= n <= 19  # JCB
    if two == 62:
        return 16 <= n <= 19  # UnionPay
    if four in (5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763) or 56 <= two <= 58:
        return 12 <= n <= 19  # Maestro
    return False


def _cards(text: str) -> Iterator[PiiMatch]:
    for run in _DIGIT_RUN_WITH_SEPARATORS.finditer(text):
        groups = [
            (run.start() + g.start(), run.start() + g.end()) for g in _DIGITS.finditer(run.group())
        ]
        # A card can sit inside a longer run ("4111 1111 1111 1111 12/27"): try group spans.
        i = 0
        while i < len(groups):
            for j in range(len(groups), i, -1):
                start, end = groups[i][0], groups[j - 1][1]
                digits = "".join(text[s:e] for s, e in groups[i:j])
                if (
                    12 <= len(digits) <= 19
                    and _card_brand_ok(digits)
                    and luhn.is_valid(digits)
                    and _consistent_separators(text[start:end])
                ):
                    yield PiiMatch("payment_card", start, end, text[start:end], N_("card number"))
                    i = j
                    break
            else:
                i += 1


def _consistent_separators(value: str) -> bool:
    # "4111 1111-1111 1111" is a card; "4 1 1 1 ..." (single digits) is not how cards are typed.
    groups = re.split(r"[ -]", value)
    return len(groups) == 1 or min(len(g) for g in groups[:-1]) >= 3


def _ibans(text: str) -> Iterator[PiiMatch]:
    for m in _IBAN.finditer(text):
        ends = [m.start() + r.end() for r in _ALNUM_RUN.finditer(m.group())]
        # The regex may run into a following word; shrink until the checksum holds.
        for end in reversed(ends):
            value = text[m.start() : end]
            if len(value.replace(" ", "")) >= 15 and iban.is_valid(value):
                yield PiiMatch("iban", m.start(), end, value, "IBAN")
                break


def _cue_before(text: str, start: int, pattern: re.Pattern[str]) -> bool:
    return bool(pattern.search(fold(text[max(0, start - 30) : start])))


_DNI_CUE = re.compile(r"\b(dni|d\.n\.i\.?|documento|doc|cedula)\b\W*(?:\w+\W+){0,3}$")
_RUT_CUE = re.compile(r"\b(rut|run)\b\W*(?:\w+\W+){0,3}$")
_SSN_CUE = re.compile(r"\b(ssn|social security(?: number)?|social)\b\W*(?:\w+\W+){0,3}$")


def _validated(
    pattern: str, validate: Callable[[str], bool], label: str, cue: re.Pattern[str] | None = None
) -> Callable[[str], Iterator[PiiMatch]]:
    compiled = re.compile(pattern)

    def find(text: str) -> Iterator[PiiMatch]:
        for m in compiled.finditer(text):
            if cue is not None and not _cue_before(text, m.start(), cue):
                continue
            if validate(m.group()):
                yield PiiMatch("national_id", m.start(), m.end(), m.group(), label)

    return find


def _upper_valid(is_valid: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda value: bool(is_valid(value.upper()))


_NATIONAL_ID_FINDERS = (
    _validated(
        r"(?<![\w.-])\d{8}[ -]?[A-Za-z](?!\w)", _upper_valid(es_dni.is_valid), N_("Spanish DNI")
    ),
    _validated(
        r"(?<![\w.-])[XYZxyz][ -]?\d{7}[ -]?[A-Za-z](?!\w)",
        _upper_valid(es_nie.is_valid),
        N_("Spanish NIE"),
    ),
    _validated(
        r"(?<![\w.-])[KLMklm]\d{7}[A-Za-z](?!\w)", _upper_valid(es_nif.is_valid), N_("Spanish NIF")
    ),
    # CUIL/CUIT of people (20, 23, 24, 27); companies' 30/33/34 are not personal data.
    _validated(
        r"(?<![\w.-])(?:20|23|24|27)-?\d{8}-?\d(?![\w-])",
        ar_cuit.is_valid,
        N_("Argentine CUIL/CUIT"),
    ),
    _validated(
        r"(?<![\w.-])[A-Za-z]{4}\d{6}[HMXhmx][A-Za-z]{5}[A-Za-z0-9]\d(?!\w)",
        _upper_valid(mx_curp.is_valid),
        N_("Mexican CURP"),
    ),
    _validated(
        r"(?<![\w.-])\d{1,2}\.\d{3}\.\d{3}-[\dkK](?!\w)", cl_rut.is_valid, N_("Chilean RUT")
    ),
    _validated(r"(?<![\w.-])\d{7,8}-[\dkK](?!\w)", cl_rut.is_valid, N_("Chilean RUT")),
    _validated(r"(?<![\w.-])\d{8,9}(?![\w.-])", cl_rut.is_valid, N_("Chilean RUT"), _RUT_CUE),
    _validated(r"(?<![\w.-])\d{3}-\d{2}-\d{4}(?![\w-])", us_ssn.is_valid, N_("US SSN")),
    _validated(
        r"(?<![\w.-])\d{3} ?\d{2} ?\d{4}(?![\w.-])", us_ssn.is_valid, N_("US SSN"), _SSN_CUE
    ),
    # Bare 7-8 digit numbers are everywhere; only with a "DNI" cue are they a document number.
    _validated(
        r"(?<![\w.-])\d{1,2}\.?\d{3}\.?\d{3}(?![\w-]|\.\d)", ar_dni.is_valid, "DNI", _DNI_CUE
    ),
)


def _national_ids(text: str) -> Iterator[PiiMatch]:
    for finder in _NATIONAL_ID_FINDERS:
        yield from finder(text)


def _emails(text: str) -> Iterator[PiiMatch]:
    for m in _EMAIL.finditer(text):
        yield PiiMatch("email", m.start(), m.end(), m.group(), N_("email address"))


def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """`text` with the spans overwritten by "x" (same length, so offsets still hold)."""
    for start, end in spans:
        text = text[:start] + "x" * (end - start) + text[end:]
    return text


def _phones(text: str, config: TriageConfig, taken: Sequence[PiiMatch] = ()) -> Iterator[PiiMatch]:
    if sum(ch.isdigit() for ch in text) < 7:  # no phone number is shorter
        return
    # What other detectors claimed and links (tracking URLs, ids) are not phone numbers…
    scan = _blank(text, [(m.start, m.end) for m in taken])
    scan = _blank(scan, [(m.start(), m.end()) for m in _URL_IN_TEXT.finditer(scan)])
    for start, end in find_phone_spans(scan, config.default_region):
        yield PiiMatch("phone", start, end, text[start:end], N_("phone number"))
    # … except a WhatsApp link, which is a phone number in international form.
    for m in _WHATSAPP_LINK.finditer(text):
        start, end = m.span("number")
        if not any(t.start < end and start < t.end for t in taken) and is_international_phone(
            "+" + m.group("number")
        ):
            yield PiiMatch("phone", start, end, m.group("number"), N_("phone number"))


@lru_cache(maxsize=32)
def _custom_patterns(
    patterns: tuple[tuple[str, str], ...],
) -> tuple[tuple[str, re.Pattern[str]], ...]:
    compiled = []
    for name, regex in patterns:
        try:
            compiled.append((name, re.compile(regex)))
        except re.error as exc:
            raise ValueError(
                f"PII pattern {name!r} is not a valid regular expression: {exc}"
            ) from exc
    return tuple(compiled)


def _custom(text: str, config: TriageConfig) -> Iterator[PiiMatch]:
    for name, pattern in _custom_patterns(tuple(config.pii_custom_patterns)):
        for m in pattern.finditer(text):
            if m.end() > m.start():
                yield PiiMatch("custom", m.start(), m.end(), m.group(), name)


@lru_cache(maxsize=32)
def _allowlist(entries: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    emails = frozenset(e.strip().lower() for e in entries if "@" in e)
    numbers = tuple(
        digits for e in entries if "@" not in e and len(digits := re.sub(r"\D", "", e)) >= 6
    )
    return emails, numbers


def _is_allowlisted(match: PiiMatch, config: TriageConfig) -> bool:
    if not config.pii_allowlist:
        return False
    emails, numbers = _allowlist(tuple(config.pii_allowlist))
    if match.type == "email":
        return match.value.lower() in emails
    digits = re.sub(r"\D", "", match.value)
    if match.type == "phone":
        try:
            national = str(phonenumbers.parse(match.value, "ES").national_number)
        except phonenumbers.NumberParseException:
            national = digits
        # "+34 900 123 456" and "900 123 456" are the same hotline.
        return any(
            d == a or (min(len(d), len(a)) >= 8 and (d.endswith(a) or a.endswith(d)))
            for d in (digits, national)
            for a in numbers
        )
    return digits in numbers


def find_pii(text: str, config: TriageConfig = DEFAULT_CONFIG) -> list[PiiMatch]:
    """Personal data in `text`, sorted by position, never overlapping, allowlist removed."""
    candidates: list[PiiMatch] = [
        *_custom(text, config),
        *_emails(text),
        *_ibans(text),
        *_cards(text),
        *_national_ids(text),
    ]
    candidates.extend(find_references(text, config.pii_reference_detectors, candidates))
    candidates.extend(_phones(text, config, candidates))
    kept: list[PiiMatch] = []
    taken: list[tuple[int, int]] = []
    for match in candidates:
        if any(match.start < end and start < match.end for start, end in taken):
            continue
        taken.append((match.start, match.end))
        if not _is_allowlisted(match, config):
            kept.append(match)
    return sorted(kept, key=lambda m: m.start)


def outbound_pii(text: str, config: TriageConfig = DEFAULT_CONFIG) -> list[PiiMatch]:
    """Personal data in a reply draft; any match means the draft must not be published.

    The same detectors as for inbound posts: the brand's allowlisted numbers and addresses may
    appear in public replies; everything else is someone's personal data.
    """
    return find_pii(text, config)


def mask_pii(text: str, matches: Sequence[PiiMatch]) -> str:
    """`text` with each match replaced by bullets, keeping the last few characters for reference."""
    out = text
    for match in sorted(matches, key=lambda m: m.start, reverse=True):
        if out[match.start : match.end] != match.value:
            raise ValueError(f"match {match.label!r} at {match.start} does not fit this text")
        out = out[: match.start] + _mask(match) + out[match.end :]
    return out


def _mask(match: PiiMatch) -> str:
    value = match.value
    alnum = re.sub(r"[^A-Za-z0-9]", "", value)
    if match.type == "payment_card":
        return "•••• •••• •••• " + alnum[-4:]
    if match.type == "email":
        local, _, domain = value.partition("@")
        tld = domain.rsplit(".", 1)[-1]
        return f"{local[:1]}•••@•••.{tld}"
    if match.type == "phone":
        return "••• ••• •• " + alnum[-2:]
    if match.type == "iban":
        return alnum[:2].upper() + "•• •••• " + alnum[-4:]
    if match.type == "national_id":
        return "•••••" + alnum[-3:]
    return "•••" + value[-4:] if len(value) > 6 else "•••"
