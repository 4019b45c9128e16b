"""A newcomer's walk through the sandbox page, in a real browser (Playwright).

Used by the browser test (tests/browser) and by scripts/screenshots.py, so the README's
screenshots are made by the very steps the test checks. Every step is what a person does
on the page: post as a customer, click Claim, type a draft, switch to the approver,
press Approve on the phone, then look at X.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

BRAND = "acmeconecta"
AGENT, SECOND_AGENT, APPROVER = "U0MARIA", "U0JORDAN", "U0LEAD"
# Long enough for the bot to poll X (1 s in tests), triage and post the card.
WAIT_MS = 20_000


@dataclass(frozen=True)
class Customer:
    name: str
    handle: str
    followers: int = 0
    verified: bool = False
    language: str = ""
    accepts_private_messages: bool = True


# Customers of their own, so the walk works beside the sample customers too.
URGENT = Customer("Valentina Ruiz", "vale_ruiz", 52_300, verified=True, language="es")
BILLING = Customer("Bruno Costa", "bruno_costa", 640, language="es")
NO_DMS = Customer("Nadia Karim", "nadia_k", 210, accepts_private_messages=False)
HOSTILE = Customer("<b>Bold</b> <img src=x onerror=window.__pwned=1>", "hostile_h", 3)

URGENT_POST = (
    f"@{BRAND} llevo 3 días sin servicio en Palermo y nadie me da una respuesta. "
    "Si mañana sigue igual, me doy de baja."
)
PUBLIC_REPLY = (
    "@vale_ruiz Hola Valentina, lo sentimos mucho. Hay una avería en Palermo: la "
    "reparamos hoy antes de las 18 h y te escribimos al terminar."
)
TOO_LONG = "@vale_ruiz " + "Lo sentimos mucho, de verdad. " * 12
BILLING_POST = f"@{BRAND} me cobraron dos veces la factura de noviembre, ¿me lo devuelven?"
PRIVATE_REPLY = "Hola Bruno, ya pedimos la devolución del cargo duplicado: 3 a 5 días hábiles."
NO_DMS_POST = f"@{BRAND} my router keeps rebooting every hour, what can I do?"
NO_DMS_REPLY = "Hi Nadia, please send us your account number so we can check the router."
HOSTILE_POST = f"@{BRAND} <script>window.__pwned=1</script> <!channel> hi \u202egnp.exe"
REFUSED_WORDS = "does not accept private messages"


def open_as(page: Page, base_url: str, user_id: str) -> None:
    page.goto(f"{base_url}?as={user_id}")
    expect(page.locator("#region-channel")).to_be_visible()


def become(page: Page, user_id: str) -> None:
    """The "who am I" switch."""
    page.select_option("#whoami", user_id)
    expect(page.locator("body")).to_have_attribute("data-me", user_id)


def post_as(page: Page, customer: Customer, text: str) -> None:
    """Write to the brand on X with the customer composer."""
    form = page.locator("#composer")
    form.locator("select[name=preset]").select_option("")
    form.locator("input[name=name]").fill(customer.name)
    form.locator("input[name=handle]").fill(customer.handle)
    form.locator("input[name=followers]").fill(str(customer.followers))
    form.locator("select[name=language]").select_option(customer.language)
    form.locator("input[name=verified]").set_checked(customer.verified)
    form.locator("input[name=accepts_private_messages]").set_checked(
        customer.accepts_private_messages
    )
    form.locator("textarea[name=text]").fill(text)
    form.locator("button[type=submit]").click()
    expect(form.locator(".composer-status")).to_contain_text("Posted")


def card(page: Page, handle: str) -> Locator:
    """The case card of `handle` in the channel (once the bot has posted it)."""
    found = page.locator("#region-channel article.msg:not(.ephemeral)").filter(
        has=page.locator("[data-block=customer]", has_text=f"@{handle}")
    )
    expect(found).to_have_count(1, timeout=WAIT_MS)
    return found


def status(page: Page, handle: str) -> Locator:
    return card(page, handle).locator("[data-block=status]")


def press(scope: Locator, label: str) -> None:
    scope.get_by_role("button", name=label, exact=True).click()


def open_draft(page: Page, handle: str) -> Locator:
    press(card(page, handle), "Draft reply")
    modal = page.locator("#region-modal form.modal")
    expect(modal).to_be_visible(timeout=WAIT_MS)
    return modal


def write_draft(modal: Locator, text: str, visibility_label: str) -> None:
    modal.locator("[data-input-block=text] textarea").fill(text)
    modal.get_by_label(visibility_label).check()
    modal.get_by_role("button", name="Save draft").click()


def open_thread(page: Page, handle: str) -> Locator:
    card(page, handle).locator("a.replies").click()
    thread = page.locator("#region-thread .thread-open")
    expect(thread).to_be_visible()
    return thread


def approve_on_phone(page: Page, handle: str) -> None:
    """As the approver: press Approve on the newest approval DM for `handle`."""
    become(page, APPROVER)
    dm = page.locator("#region-dms article.msg").filter(has_text=f"reply to @{handle}").last
    expect(dm).to_contain_text("Waiting for approval", timeout=WAIT_MS)
    press(dm, "Approve")
    expect(dm).to_contain_text("Approved by", timeout=WAIT_MS)


def x_timeline(page: Page) -> Locator:
    return page.locator("#region-network-x .timeline")


def x_private_messages(page: Page) -> Locator:
    return page.locator("#region-network-x .inbox")


@dataclass
class Shots:
    """Where to save the README's screenshots (None: take none)."""

    folder: Path | None = None

    def page(self, page: Page, name: str) -> None:
        if self.folder:
            page.screenshot(path=str(self.folder / f"{name}.png"))

    def element(self, locator: Locator, name: str) -> None:
        if self.folder:
            locator.screenshot(path=str(self.folder / f"{name}.png"))


def public_reply(page: Page, second: Page, shots: Shots) -> None:
    """Mention → claim (the second agent sees it live and loses the race) → a draft
    refused inline, then saved → approved on the phone → the reply is on X."""
    post_as(page, URGENT, URGENT_POST)
    expect(card(page, URGENT.handle)).to_contain_text("P1", timeout=WAIT_MS)
    card(page, URGENT.handle).scroll_into_view_if_needed()
    page.locator(".networks").evaluate("column => column.scrollTo(0, 0)")
    shots.page(page, "channel-p1-card")

    press(card(page, URGENT.handle), "Claim")
    expect(status(page, URGENT.handle)).to_contain_text("Claimed by @maria", timeout=WAIT_MS)
    # Another tab, another person: the claim shows there without a reload...
    expect(status(second, URGENT.handle)).to_contain_text("Claimed by @maria", timeout=WAIT_MS)
    # ...and their own Claim now loses, told only to them.
    press(card(second, URGENT.handle), "Claim")
    lost = second.locator("#region-channel article.ephemeral").filter(has_text="Already claimed")
    expect(lost).to_contain_text("Take over", timeout=WAIT_MS)
    expect(page.locator("#region-channel article.ephemeral")).to_have_count(0)

    modal = open_draft(page, URGENT.handle)
    write_draft(modal, TOO_LONG, "Public reply on X")
    error = modal.locator("[data-input-block=text] .error")
    expect(error).to_contain_text("Too long for a public reply on X", timeout=WAIT_MS)
    shots.page(page, "draft-modal-inline-error")
    write_draft(modal, PUBLIC_REPLY, "Public reply on X")
    expect(page.locator("#region-modal form.modal")).to_have_count(0, timeout=WAIT_MS)

    thread = open_thread(page, URGENT.handle)
    expect(thread).to_contain_text("Waiting for approval", timeout=WAIT_MS)

    become(page, APPROVER)
    expect(page.locator("#region-dms")).to_contain_text("Approval needed", timeout=WAIT_MS)
    shots.element(page.locator(".phone"), "approver-phone")
    approve_on_phone(page, URGENT.handle)

    brand_post = x_timeline(page).locator("li.post.brand").filter(has_text=PUBLIC_REPLY)
    expect(brand_post).to_contain_text(f"Replying to @{URGENT.handle}", timeout=WAIT_MS)
    expect(status(page, URGENT.handle)).to_contain_text("Replied", timeout=WAIT_MS)


def private_reply(page: Page) -> None:
    """A private message, approved on the phone, lands in the customer's inbox."""
    become(page, AGENT)
    post_as(page, BILLING, BILLING_POST)
    press(card(page, BILLING.handle), "Claim")
    expect(status(page, BILLING.handle)).to_contain_text("Claimed by @maria", timeout=WAIT_MS)
    write_draft(open_draft(page, BILLING.handle), PRIVATE_REPLY, "Private message on X")
    expect(page.locator("#region-modal form.modal")).to_have_count(0, timeout=WAIT_MS)
    approve_on_phone(page, BILLING.handle)
    sent = x_private_messages(page).locator("li.dm").filter(has_text=PRIVATE_REPLY)
    expect(sent).to_contain_text(f"@{BILLING.handle}", timeout=WAIT_MS)


def refused_reply(page: Page) -> Locator:
    """A customer who does not accept private messages: X refuses, the thread says why."""
    become(page, AGENT)
    post_as(page, NO_DMS, NO_DMS_POST)
    press(card(page, NO_DMS.handle), "Claim")
    expect(status(page, NO_DMS.handle)).to_contain_text("Claimed by @maria", timeout=WAIT_MS)
    write_draft(open_draft(page, NO_DMS.handle), NO_DMS_REPLY, "Private message on X")
    expect(page.locator("#region-modal form.modal")).to_have_count(0, timeout=WAIT_MS)
    approve_on_phone(page, NO_DMS.handle)
    become(page, AGENT)
    thread = open_thread(page, NO_DMS.handle)
    failed = thread.locator("article.msg").filter(has_text="was not sent")
    expect(failed).to_contain_text(REFUSED_WORDS, timeout=WAIT_MS)
    return failed


def hostile_text(page: Page) -> Locator:
    """Hostile customer text arrives; returns its card (the caller checks it is literal)."""
    post_as(page, HOSTILE, HOSTILE_POST)
    return card(page, HOSTILE.handle)


# -- the other networks -------------------------------------------------------------------
MASTODON_CUSTOMER = Customer("Inés Rodríguez", "ines_r", 320, language="es")
MASTODON_POST = "hola, desde el lunes la fibra se corta cada 20 minutos en Chamberí, ¿hay avería?"
MASTODON_REPLY = (
    "@ines_r Hola Inés, hay una avería en Chamberí: la reparamos hoy antes de las 20 h."
)
# What the draft modal shows until the similar past cases arrive (a views.update).
LOADING_KNOWLEDGE = "Looking for similar past cases"


def post_on(page: Page, network: str, customer: Customer, text: str) -> None:
    """Write to the brand on `network` (a panel's name, e.g. "mastodon") as `customer`."""
    page.locator("#composer select[name=network]").select_option(network)
    post_as(page, customer, text)


def network_timeline(page: Page, network: str) -> Locator:
    return page.locator(f"#region-network-{network} .timeline")


def open_settled_draft(page: Page, handle: str) -> Locator:
    """The draft modal once the bot has filled in the past cases: typing before that
    update lands could be lost to it, as in Slack when an app updates an open modal."""
    modal = open_draft(page, handle)
    expect(modal).not_to_contain_text(LOADING_KNOWLEDGE, timeout=WAIT_MS)
    return modal


def mastodon_public_reply(page: Page) -> Locator:
    """A customer on Mastodon (written with the composer) → claim → a public reply drafted
    → approved on the phone → the reply is on the Mastodon timeline, in the customer's
    thread. Returns the brand's post there."""
    become(page, AGENT)
    customer = MASTODON_CUSTOMER
    post_on(page, "mastodon", customer, MASTODON_POST)
    # Writing on Mastodon brought its tab forward.
    expect(page.locator("#region-network-mastodon")).to_be_visible()
    expect(page.locator("#region-network-x")).to_be_hidden()
    asked = network_timeline(page, "mastodon").locator("li.post").filter(has_text=MASTODON_POST)
    expect(asked).to_contain_text(f"@{customer.handle}")
    press(card(page, customer.handle), "Claim")
    expect(status(page, customer.handle)).to_contain_text("Claimed by @maria", timeout=WAIT_MS)
    write_draft(
        open_settled_draft(page, customer.handle), MASTODON_REPLY, "Public reply on Mastodon"
    )
    expect(page.locator("#region-modal form.modal")).to_have_count(0, timeout=WAIT_MS)
    approve_on_phone(page, customer.handle)
    answer = (
        network_timeline(page, "mastodon").locator("li.post.brand").filter(has_text=MASTODON_REPLY)
    )
    expect(answer).to_contain_text(f"Replying to @{customer.handle}", timeout=WAIT_MS)
    become(page, AGENT)
    expect(status(page, customer.handle)).to_contain_text("Replied", timeout=WAIT_MS)
    return answer


def slash_command(page: Page, text: str) -> None:
    """Type a slash command in the channel's message bar and send it."""
    bar = page.locator("#command")
    bar.locator("input[name=text]").fill(text)
    bar.get_by_role("button", name="Send").click()
    expect(bar.locator("input[name=text]")).to_have_value("", timeout=WAIT_MS)
