"""Built-in `custom` personal data: customer references anchored by a keyword, and CBU/CVU.

Order, account, customer, contract, service and ticket numbers and airline booking
references tie a public post to one person's records, so they are found without any
configuration — but only right after a keyword in Spanish or English ("pedido", "order",
"cuenta", "contrato", "ticket", "reserva", "booking" …) with at most a few connecting words
("nº", "number", "de", "is", ":" …) in between. Argentine CBU/CVU (22 digits) are found
anywhere and validated with python-stdnum. Each detector can be switched off by name
(`TriageConfig.pii_reference_detectors`).

Hard negatives stay negative: dates, times, prices and amounts, years, quantities
("order 2 pizzas"), example or placeholder ids ("e.g. order 123456", "XXXXXX"), anything
inside a link, and numbers with no keyword (model numbers).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from stdnum.ar import cbu as ar_cbu

from bot.i18n import N_
from bot.triage.records import PiiMatch

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)


@dataclass(frozen=True)
class ReferenceDetector:
    name: str
    label: str
    keywords: str  # regex alternation, matched case-insensitively on whole words
    booking: bool = False  # also accepts 6-character airline record locators ("X7K2QP")


DETECTORS = (
    ReferenceDetector(
        "order_number", N_("order number"),
        r"pedido|pedidos|orden|order|compra|purchase|n[uú]mero de orden|order id",
    ),
    ReferenceDetector(
        "account_number", N_("account number"),
        r"cuenta|account|acct|a/c|n[uú]mero de cuenta|nro\.? de cuenta",
    ),
    ReferenceDetector(
        "customer_number", N_("customer number"),
        r"cliente|customer|socio|member|membership|abonado|subscriber|customer id|id de cliente",
    ),
    ReferenceDetector(
        "contract_number", N_("contract number"), r"contrato|contract|p[oó]liza|policy|poliza"
    ),
    ReferenceDetector(
        "service_number", N_("service number"),
        r"servicio|service|suministro|supply|cups|nis|nic|medidor|meter",
    ),
    ReferenceDetector(
        "ticket_number", N_("ticket number"),
        r"ticket|caso|case|incidencia|incidente|incident|reclamo|reclamaci[oó]n|queja|"
        r"expediente|folio|radicado|complaint|reference|referencia|ref",
    ),
    ReferenceDetector(
        "booking_reference", N_("booking reference"),
        r"reserva|booking|localizador|pnr|record locator|confirmation code|"
        r"c[oó]digo de reserva|c[oó]digo de confirmaci[oó]n|confirmation",
        booking=True,
    ),
)  # fmt: skip
CBU_CVU = "cbu_cvu"
# Labels of built-in matches (a configured pattern's label is its own name).
BUILT_IN_REFERENCE_LABELS = frozenset({*(d.label for d in DETECTORS), "CBU/CVU"})

# Words allowed between the keyword and the value: "pedido nº", "order number is", "caso #".
_CONNECTOR = (
    r"(?:n[º°o]\.?|nro\.?|num\.?|n[uú]mero|number|no\.|id|code|c[oó]digo|ref\.?|de|del|"
    r"my|mi|mine|is|es|was|fue|the|el|la|su|your|tu|con|with|:|#|=)"
)
_VALUE = r"(?P<value>#?[A-Za-z0-9](?:[A-Za-z0-9]|[-/](?=[A-Za-z0-9])){3,24})"
_EXAMPLE_CUE = re.compile(
    r"(?:ejemplo|example|e\.g\.|eg\.|p\.ej\.|p\. ej\.|such as|tipo|formato|format|like)\W*"
    r"(?:\w+\W+){0,3}$",
    re.IGNORECASE,
)
_DATE = re.compile(r"^\d{1,4}[/-]\d{1,2}(?:[/-]\d{1,4})?$")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_PLACEHOLDER = re.compile(r"^(?:x+|0+|1234\d*|(\w)\1+)$", re.IGNORECASE)
_RECORD_LOCATOR = re.compile(r"^[A-Z0-9]{6}$")
_AMOUNT_AFTER = re.compile(
    r"^\s*(?:€|\$|eur|euros?|usd|pesos?|soles|d[oó]lares|dollars|quid|libras|pounds|gbp|"
    r"mxn|ars|clp|cop|%|kg|km|gb|mb|mbps|megas|min|minutes|minutos|h|hours|horas|d[ií]as|"
    r"days|personas|people|unidades|units|items)\b",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(r"[€$£]\s*$")
_CBU = re.compile(r"(?<![\w-])\d(?:[ -]?\d){21}(?![\w-])")


def _pattern(detector: ReferenceDetector) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w])(?:{detector.keywords})(?![\w])(?:\W{{0,3}}{_CONNECTOR}(?![\w])){{0,4}}"
        rf"\W{{0,3}}{_VALUE}(?![\w])",
        re.IGNORECASE,
    )


_PATTERNS = {d.name: (d, _pattern(d)) for d in DETECTORS}


def _looks_like_reference(value: str, detector: ReferenceDetector, text: str, end: int) -> bool:
    core = value.lstrip("#")
    if _DATE.match(core) or _YEAR.match(core) or _PLACEHOLDER.match(core):
        return False
    if _AMOUNT_AFTER.match(text[end : end + 12]):
        return False
    digits = sum(ch.isdigit() for ch in core)
    if detector.booking and _RECORD_LOCATOR.match(core) and any(ch.isalpha() for ch in core):
        return True
    # References are numbers or codes with several digits; "case 3" or "cuenta DNI" are not.
    return digits >= 4 and not (digits == len(core) and len(core) < 5)


def _references(text: str, enabled: Sequence[str]) -> Iterator[PiiMatch]:
    scan = _URL.sub(lambda m: " " * len(m.group()), text)
    for name in enabled:
        if name not in _PATTERNS:
            continue
        detector, pattern = _PATTERNS[name]
        for m in pattern.finditer(scan):
            start, end = m.span("value")
            if _EXAMPLE_CUE.search(scan[max(0, m.start() - 30) : m.start()]):
                continue
            if _CURRENCY_BEFORE.search(scan[max(0, start - 2) : start]):
                continue
            if not _looks_like_reference(m.group("value"), detector, scan, end):
                continue
            if text[start] == "#":
                start += 1
            yield PiiMatch("custom", start, end, text[start:end], detector.label)


def _cbu_cvu(text: str) -> Iterator[PiiMatch]:
    for m in _CBU.finditer(text):
        if ar_cbu.is_valid(re.sub(r"\D", "", m.group())):
            yield PiiMatch("custom", m.start(), m.end(), m.group(), "CBU/CVU")


def find_references(
    text: str, enabled: Sequence[str], taken: Sequence[PiiMatch] = ()
) -> list[PiiMatch]:
    """Built-in `custom` matches, leaving alone what other detectors already claimed."""
    if not enabled:
        return []
    found = list(_cbu_cvu(text)) if CBU_CVU in enabled else []
    found.extend(_references(text, enabled))
    spans = [(m.start, m.end) for m in taken]
    return [m for m in found if not any(m.start < e and s < m.end for s, e in spans)]
