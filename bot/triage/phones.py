"""Phone numbers of the markets we serve, in international, national and local mobile forms.

Markets: Spain, the United States, the United Kingdom and every Spanish-speaking country of
the Americas (PHONE_REGIONS). A number written with "+" or "00" counts when it is valid for
any country. A number written without it counts when it is valid for one of the markets and
looks like a phone there:
  - valid in the brand's default region (`TriageConfig.default_region`), or
  - 9 or more digits (national numbers of ES, US/CA/DO/PR, GB, MX, AR, CO, CL, PE, VE, EC,
    UY, PY), or
  - 7–8 digits (Central America, Cuba, Bolivia, Uruguayan and Paraguayan landlines…) typed in
    two groups ("8812 3456", "6123-4567") or right after a phone word ("tel", "celu",
    "whatsapp", "call me"), since bare 8-digit runs are as often references as phones.
Local forms people type: Argentine "15 5555-1234" (mobile without area code) and Mexican
"044/045" prefixes are recognised. A number right after an order/ticket/tracking word is a
reference, not a phone. Candidates are found with one regular expression and checked with
`phonenumbers.parse` (fast); PhoneNumberMatcher over 22 regions would cost ~50 ms a post.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from bot.triage.text import fold

PHONE_REGIONS = (
    "ES", "US", "GB", "MX", "AR", "CO", "CL", "PE", "VE", "EC", "GT", "CU", "BO", "DO", "HN",
    "PY", "SV", "NI", "CR", "PA", "UY", "PR",
)  # fmt: skip

# Digits with the separators people use in phone numbers; at most one separator in a row.
_CANDIDATE = re.compile(r"(?<![\w+/.,-])(?:\+|00)?\(?\d(?:\)?[ .\-]?\(?\d)*(?![\w/]|[.,]\d)")
_GROUP = re.compile(r"\d+")
_TWO_GROUPS = re.compile(r"^\d{3,4}[ -]\d{4}$")
_AR_LOCAL_MOBILE = re.compile(r"^15[ -]?\d{4}[ -]?\d{4}$")
_MX_OLD_MOBILE_PREFIX = re.compile(r"^0?4[45][ -]?")

# Words after which a number is a reference, a code or a serial, not a phone.
_REFERENCE_CUE = re.compile(
    r"\b(pedido|orden|order|tracking|seguimiento|envio|shipment|parcel|paquete|ref|referencia|"
    r"reference|factura|invoice|reclamo|ticket|caso|case|incidencia|expediente|cuenta|account|"
    r"cliente|customer|contrato|contract|reserva|booking|folio|radicado|poliza|policy|"
    r"serial|serie|sn|s/n|modelo|model|imei|sku|codigo|code|zip|cp|pin|version|lote|batch|"
    r"nro|n°|no\.|num|numero de pedido)(?![a-z])\W{0,3}(?:\w+\W{1,3}){0,2}$|#\s*$"
)
_PHONE_CUE = re.compile(
    r"\b(tel|tlf|telf|telefono|phone|cel|celu|celular|movil|mobile|cell|whatsapp|wsp|wasap|"
    r"wa|llamame|llamenme|llamen|llamar|llamarme|marcame|call me|call|text me|ring me|"
    r"contacto|contact me|mi numero|my number|numero de contacto|nuevo numero|new number)"
    r"\b\W*(?:\w+\W+){0,2}$"
)


def _cue_before(text: str, start: int, cue: re.Pattern[str]) -> bool:
    return bool(cue.search(fold(text[max(0, start - 30) : start])))


def _valid(number: str, region: str | None) -> bool:
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed)


def _international(value: str) -> bool:
    digits = value[2:] if value.startswith("00") else value
    return _valid("+" + re.sub(r"\D", "", digits), None)


def _national(
    value: str, text: str, start: int, default_region: str | None, whole_run: bool
) -> bool:
    digits = re.sub(r"\D", "", value)
    if not whole_run and len(digits) < 9:
        # Part of a longer digit run ("4111 1111 1111 1112"): only a full-length number.
        return False
    if default_region and _valid(value, default_region):
        return True
    if _AR_LOCAL_MOBILE.match(value):
        # "15 5555-1234": a mobile in the caller's own area; check it as Buenos Aires would.
        return _valid("11 " + value, "AR")
    if (
        (default_region in (None, "MX"))
        and _MX_OLD_MOBILE_PREFIX.match(value)
        and len(digits) == 13
    ):
        return _valid(_MX_OLD_MOBILE_PREFIX.sub("", value), "MX")
    if len(digits) < 7:
        return False
    if len(digits) <= 8 and not (_TWO_GROUPS.match(value) or _cue_before(text, start, _PHONE_CUE)):
        return False
    return any(_valid(value, region) for region in PHONE_REGIONS)


def _runs(text: str) -> Iterator[tuple[int, int]]:
    for m in _CANDIDATE.finditer(text):
        yield m.start(), m.end()


def find_phone_spans(text: str, default_region: str | None = None) -> list[tuple[int, int]]:
    """(start, end) of each phone number in `text`."""
    region = default_region.upper() if default_region else None
    found: list[tuple[int, int]] = []
    for run_start, run_end in _runs(text):
        run = text[run_start:run_end]
        groups = [(g.start(), g.end()) for g in _GROUP.finditer(run)]
        # "llamame al 612 34 56 78 12/3" or two numbers in one run: try the longest span that
        # validates, from each starting group.
        i = 0
        while i < len(groups):
            for j in range(len(groups), i, -1):
                start = run_start + groups[i][0]
                if i == 0 and run[0] in "+(":
                    start = run_start
                if i == 0 and run.startswith("00"):
                    start = run_start
                end = run_start + groups[j - 1][1]
                if end < len(text) and text[end] == ")":
                    end += 1
                value = text[start:end]
                if sum(ch.isdigit() for ch in value) < 7:
                    continue
                if value.startswith("+") or value.startswith("00"):
                    ok = _international(value)
                else:
                    value = value.lstrip("(") if ")" not in value else value
                    start = end - len(value)
                    whole = i == 0 and j == len(groups)
                    ok = not _cue_before(text, start, _REFERENCE_CUE) and _national(
                        value, text, start, region, whole
                    )
                if ok:
                    found.append((start, end))
                    i = j
                    break
            else:
                i += 1
    return found
