"""Replies that move a conversation from public to private, in the customer's language."""

from __future__ import annotations

from twitter_text import parse_tweet

DM_LINK = "https://x.com/messages/compose?recipient_id={brand_user_id}"

_PUBLIC = {
    "es": (
        "@{handle} Hola, lamentamos lo ocurrido y queremos ayudarte. Para cuidar tus datos, "
        "escríbenos por mensaje privado y lo revisamos: {link}"
    ),
    "en": (
        "@{handle} Hi, sorry about this, we'd like to help. To keep your details safe, "
        "please send us a private message and we'll look into it: {link}"
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


def move_to_private_texts(
    language: str, customer_handle: str, brand_user_id: str
) -> tuple[str, str]:
    """(public reply inviting a DM, private message asking for details); Spanish or English.

    Languages other than Spanish fall back to English. The public reply starts with the
    customer's @handle, links to a DM with the brand and fits one post (280 weighted chars).
    """
    handle = customer_handle.strip().lstrip("@")
    if not handle or not handle.replace("_", "").isalnum() or len(handle) > 15:
        raise ValueError(f"not an X handle: {customer_handle!r}")
    if not brand_user_id.isdigit():
        raise ValueError(f"brand user id must be the numeric X id, got {brand_user_id!r}")
    lang = language if language in _PUBLIC else "en"
    public = _PUBLIC[lang].format(handle=handle, link=DM_LINK.format(brand_user_id=brand_user_id))
    if not parse_tweet(public).valid:  # cannot happen with handles ≤ 15 chars; guard edits
        raise ValueError("public reply does not fit in one post")
    return public, _PRIVATE[lang]
