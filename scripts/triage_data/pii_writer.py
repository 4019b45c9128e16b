# ruff: noqa: E501 -- phrase banks: one post per line reads better than wrapped strings
"""Personal-data evaluation posts per market (ES, US, GB and the Spanish-speaking Americas).

Phone numbers are made from phonenumbers' own example numbers with the last digits changed
until the number is still valid, then written the ways people type them there: international
("+54 9 11 …", "0034 …"), national ("011 15-…", "(415) 555-…", "07911 …") and local mobile
forms ("15 5555-1234", "9 8765 4321"). Reference numbers after a keyword in either language,
Argentine CBU/CVU with valid and broken check digits, and hard negatives (prices, dates,
tracking links, model numbers, example ids, quantities) complete the set. Every row says the
market it belongs to, so precision and recall can be reported per market and per type.
"""

from __future__ import annotations

import random

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from stdnum.ar import cbu as ar_cbu

MARKETS = {
    # region: (language, phone phrases)
    "ES": "es", "US": "en", "GB": "en", "MX": "es", "AR": "es", "CO": "es", "CL": "es",
    "PE": "es", "VE": "es", "EC": "es", "GT": "es", "CU": "es", "BO": "es", "DO": "es",
    "HN": "es", "PY": "es", "SV": "es", "NI": "es", "CR": "es", "PA": "es", "UY": "es",
    "PR": "es",
}  # fmt: skip

PHONE_FRAMES = {
    "es": ["llámenme al {v} por favor", "mi celular es {v}, escríbanme", "tel {v} para que me contacten",
           "mi whatsapp {v}", "pueden llamarme al {v} después de las 6", "contacto: {v}",
           "les dejo mi número {v} porque el chat no anda", "marcame al {v}"],
    "en": ["call me on {v} please", "my number is {v}, text me", "phone {v} for the engineer",
           "reach me at {v} after 6pm", "my mobile is {v}", "contact: {v}"],
}  # fmt: skip


def _valid_variant(region: str, kind: int, rng: random.Random) -> phonenumbers.PhoneNumber | None:
    example = phonenumbers.example_number_for_type(region, kind)
    if example is None:
        return None
    base = str(example.national_number)
    for _ in range(200):
        digits = base[:-4] + "".join(rng.choices("0123456789", k=4))
        candidate = phonenumbers.parse("+" + str(example.country_code) + digits, None)
        if (
            phonenumbers.is_valid_number(candidate)
            and phonenumbers.region_code_for_number(candidate) == region
        ):
            return candidate
    return None


def _forms(region: str, number: phonenumbers.PhoneNumber, mobile: bool) -> list[tuple[str, str]]:
    """(written form, kind of form) as people in `region` type it."""
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    intl = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    digits = str(number.national_number)
    forms = [(intl, "international"), (national, "national")]
    forms.append(("00" + intl[1:], "international"))
    forms.append((national.replace(" ", "").replace("-", ""), "national"))
    if region == "AR" and mobile and digits.startswith("911") and len(digits) == 11:
        local = digits[3:]
        forms.append((f"15 {local[:4]}-{local[4:]}", "local mobile"))
        forms.append((f"11 {local[:4]}-{local[4:]}", "local mobile"))
        forms.append((f"011 15-{local[:4]}-{local[4:]}", "local mobile"))
    if region == "MX" and len(digits) == 10:
        forms.append((f"{digits[:2]} {digits[2:6]} {digits[6:]}", "local mobile"))
        forms.append((f"044 {digits[:2]} {digits[2:6]} {digits[6:]}", "local mobile"))
    if region == "CL" and mobile and len(digits) == 9:
        forms.append((f"{digits[0]} {digits[1:5]} {digits[5:]}", "local mobile"))
    if region == "ES" and len(digits) == 9:
        forms.append((f"{digits[:3]} {digits[3:5]} {digits[5:7]} {digits[7:]}", "national"))
    if region == "US" and len(digits) == 10:
        forms.append((f"{digits[:3]}.{digits[3:6]}.{digits[6:]}", "national"))
    if len(digits) == 8:
        forms.append((f"{digits[:4]}-{digits[4:]}", "local mobile" if mobile else "national"))
    return forms


def _cbu(rng: random.Random, cvu: bool) -> str:
    bank = (
        "000" + "".join(rng.choices("0123456789", k=4))
        if cvu
        else "".join(rng.choices("0123456789", k=7))
    )
    account = "".join(rng.choices("0123456789", k=13))
    first = bank + ar_cbu.calc_check_digit(bank)
    second = account + ar_cbu.calc_check_digit(account)
    return first + second


REFERENCES = [
    # (text with {v}, value maker, label, market, language)
    ("mi pedido {v} sigue sin llegar", lambda r: f"ORD-{r.randint(10**7, 10**8 - 1)}", "order number", "ES", "es"),
    ("order #{v} not shipped yet", lambda r: str(r.randint(10**7, 10**9)), "order number", "US", "en"),
    ("número de pedido: {v}", lambda r: str(r.randint(10**9, 10**10 - 1)), "order number", "MX", "es"),
    ("mi número de cuenta es {v} y no me deja pagar", lambda r: str(r.randint(10**8, 10**10)), "account number", "CO", "es"),
    ("account no. {v} still shows the old tariff", lambda r: f"AC{r.randint(10**6, 10**7)}", "account number", "GB", "en"),
    ("soy cliente nº {v} desde hace años", lambda r: str(r.randint(10**5, 10**8)), "customer number", "ES", "es"),
    ("customer ID {v}", lambda r: f"C-{r.randint(10**5, 10**7)}", "customer number", "US", "en"),
    ("contrato {v} dice otra cosa", lambda r: f"CT{r.randint(10**6, 10**8)}", "contract number", "CL", "es"),
    ("policy number {v} — claim still pending", lambda r: f"PL-{r.randint(10**6, 10**8)}", "contract number", "GB", "en"),
    ("póliza {v}, ¿me confirman la cobertura?", lambda r: str(r.randint(10**6, 10**9)), "contract number", "PE", "es"),
    ("número de servicio {v} sin luz", lambda r: str(r.randint(10**6, 10**9)), "service number", "AR", "es"),
    ("reclamo {v}, nadie responde", lambda r: str(r.randint(10**5, 10**8)), "ticket number", "AR", "es"),
    ("ticket #{v} opened last week", lambda r: str(r.randint(10**5, 10**8)), "ticket number", "US", "en"),
    ("caso {v}, ya van 3 semanas", lambda r: f"CAS-{r.randint(10**5, 10**7)}", "ticket number", "MX", "es"),
    ("radicado {v} sin respuesta", lambda r: str(r.randint(10**8, 10**11)), "ticket number", "CO", "es"),
    ("folio {v} de la queja", lambda r: str(r.randint(10**5, 10**8)), "ticket number", "MX", "es"),
    ("reserva {v}, vuelo a Lima cancelado", lambda r: "".join(r.choices("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=6)), "booking reference", "PE", "es"),
    ("booking ref {v}, can I add a bag?", lambda r: "".join(r.choices("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=6)), "booking reference", "GB", "en"),
    ("localizador {v} y no me deja hacer el check-in", lambda r: "".join(r.choices("ABCDEFGHJKLMNPQRSTUVWXYZ", k=5)) + str(r.randint(1, 9)), "booking reference", "ES", "es"),
]  # fmt: skip

NEGATIVES = [
    ("is the laptop really $1,299.00?", "US"), ("me cobraron 1.299 € por un móvil", "ES"),
    ("el técnico vendría el 12/03/2024 a las 14:30", "ES"), ("delivery booked for 2024-03-12 at 18:00", "GB"),
    ("UPS tracking 1Z999AA10123456784 hasn't moved", "US"), ("seguimiento 123456789012345678 no se actualiza", "MX"),
    ("tracking link https://track.example.com/orders/88812345 stuck", "US"),
    ("mira https://tienda.example.com/pedido/45678912 ahí dice entregado", "AR"),
    ("¿el SM-G991B es compatible? y el iPhone 15?", "CL"), ("model KD-55X80K keeps rebooting", "US"),
    ("pagué 25.000 pesos", "AR"), ("version 12.345.678 of the app", "GB"), ("numero 23456789 sin palabra clave", "CR"),
    ("order 2 pizzas and got 1", "US"), ("pedido de 3 unidades", "MX"), ("reserva para 4 personas el 15 de marzo", "ES"),
    ("ticket de 15000 pesos por la multa", "CO"), ("por ejemplo pedido 123456 en la ayuda", "ES"),
    ("e.g. order 12345678 in your FAQ", "GB"), ("el formato es caso XXXXXX", "PE"),
    ("cuenta 2024 fue un mal año", "ES"), ("CBU 2850590940090418135202 me lo rechaza", "AR"),
    ("the contract ends in 2027", "US"), ("servicio de 1000 megas que no llega", "AR"),
    ("llamé 3 veces a las 10:30, 11:45 y 12:15", "ES"), ("I paid £49.99 on 03/11", "GB"),
    ("mi cuenta la abrí hace 15 años", "UY"), ("case 7 of the season was wild", "US"),
    ("compré 12 cajas de 500 gramos", "PY"), ("costó S/ 1,250.00 el equipo", "PE"),
    ("el vuelo IB6843 salió 45 minutos tarde", "ES"), ("código postal 28013, Madrid", "ES"),
    ("IMEI 356938035643809 bloqueado?", "MX"), ("serial 1234 5678 on the box", "US"),
    ("factura 2024-000123 mal emitida", "CL"), ("llevo 20250 puntos acumulados", "CO"),
    ("zip 94105 not covered?", "US"), ("el modem TG-7890 se reinicia", "VE"),
    ("pagué $ 1.250.000 por el plan", "CO"), ("10.000.000 de usuarios afectados", "AR"),
("see section 4.2.1 of your terms", "GB"),
]  # fmt: skip


def generate(seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows: list[dict] = []
    for region, lang in MARKETS.items():
        for kind, mobile in ((PhoneNumberType.MOBILE, True), (PhoneNumberType.FIXED_LINE, False)):
            for _ in range(2):
                number = _valid_variant(region, kind, rng)
                if number is None:
                    continue
                for value, form in _forms(region, number, mobile):
                    text = rng.choice(PHONE_FRAMES[lang]).format(v=value)
                    rows.append(
                        {
                            "text": text,
                            "market": region,
                            "form": form,
                            "pii": [{"type": "phone", "value": value}],
                        }
                    )
    for template, make, label, market, _lang in REFERENCES:
        for _ in range(3):
            value = make(rng)
            rows.append(
                {
                    "text": template.format(v=value),
                    "market": market,
                    "form": label,
                    "pii": [{"type": "custom", "value": value, "label": label}],
                }
            )
    for cvu in (False, True, False, True):
        value = _cbu(rng, cvu)
        spaced = rng.random() < 0.5
        shown = f"{value[:8]} {value[8:]}" if spaced else value
        rows.append(
            {
                "text": f"transferime al {'CVU' if cvu else 'CBU'} {shown} y listo",
                "market": "AR",
                "form": "CBU/CVU",
                "pii": [{"type": "custom", "value": shown, "label": "CBU/CVU"}],
            }
        )
    for text, market in NEGATIVES:
        rows.append({"text": text, "market": market, "form": "hard negative", "pii": []})
    for i, row in enumerate(rows):
        row["id"] = f"pm-{i:04d}"
    return rows
