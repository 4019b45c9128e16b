"""What Move to private drafts, in the customer's language: a public reply inviting them to
a private conversation (with the brand's private-message link where the network has one),
and the private message asking for the details — or, where the private message reaches
the customer by itself (a private reply to their comment), that message alone, opening
the conversation."""

from __future__ import annotations

_PUBLIC = {
    "es": (
        "@{handle} Hola, lamentamos lo ocurrido y queremos ayudarte. Para cuidar tus datos, "
        "escríbenos por mensaje privado y lo revisamos{link}"
    ),
    "en": (
        "@{handle} Hi, sorry about this, we'd like to help. To keep your details safe, "
        "please send us a private message and we'll look into it{link}"
    ),
}
_PRIVATE = {
    "es": (
        "Hola, gracias por escribirnos por privado. Para revisar tu caso, cuéntanos qué pasó "
        "y envíanos tu número de pedido, cuenta o línea, y el nombre del titular. "
        "Nunca te pediremos contraseñas, códigos de verificación ni el número completo de tu "
        "tarjeta: no los compartas con nadie."
    ),
    "en": (
        "Hi, thanks for messaging us privately. So we can look into your case, tell us what "
        "happened and send your order, account or line number and the account holder's name. "
        "We will never ask for passwords, verification codes or your full card number: please "
        "don't share them with anyone."
    ),
}

# The brand writes first (no invitation): the message says why it arrives privately.
_OPENING = {
    "es": (
        "Hola, te escribimos por privado para cuidar tus datos. Si puedes, borra el "
        "comentario público donde los compartiste. Para revisar tu caso, cuéntanos qué pasó "
        "y envíanos tu número de pedido, cuenta o línea, y el nombre del titular. "
        "Nunca te pediremos contraseñas, códigos de verificación ni el número completo de tu "
        "tarjeta: no los compartas con nadie."
    ),
    "en": (
        "Hi, we're writing to you privately to keep your details safe. If you can, delete "
        "the public comment where you shared them. So we can look into your case, tell us "
        "what happened and send your order, account or line number and the account holder's "
        "name. We will never ask for passwords, verification codes or your full card number: "
        "please don't share them with anyone."
    ),
}


def opening_private_message(language: str) -> str:
    """The private message that opens the conversation when no invitation goes before it
    (Spanish or English; other languages fall back to English)."""
    return _OPENING[language if language in _OPENING else "en"]


def invitation_texts(language: str, customer_handle: str, dm_link: str | None) -> tuple[str, str]:
    """(public reply inviting a private conversation, private message asking for details).

    Spanish or English; other languages fall back to English. The public reply starts
    with the customer's @handle; the network's own rules (length) are checked by the
    caller like any draft.
    """
    handle = customer_handle.strip().lstrip("@")
    if not handle or any(ch.isspace() for ch in handle):
        raise ValueError(f"not a handle: {customer_handle!r}")
    lang = language if language in _PUBLIC else "en"
    link = f": {dm_link}" if dm_link else "."
    return _PUBLIC[lang].format(handle=handle, link=link), _PRIVATE[lang]
