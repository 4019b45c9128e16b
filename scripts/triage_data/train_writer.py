# ruff: noqa: E501 -- phrase banks: one post per line reads better than wrapped strings
"""Training posts for the intent, sentiment and urgency models (writer "T").

Programmatic composition, written for this project (no real people, no copied posts): a core
sentence that carries the label, chosen from hand-written banks, wrapped in openers, details,
closers, handles, links, hashtags and emoji, then roughened (missing accents, typos, case).
Most cores are written as Spanish/English pairs — half first in Spanish and translated to
English, half the other way — so each language learns from the other; the rest are
language-specific (dialect, idiom). The development set is written by dev_writer.py with its
own banks, brands and noise, so figures on it are not figures on this writer's habits.

Labels: intent (complaint/question/praise/other), sentiment (negative/neutral/positive),
urgent ("" or fraud/lost_card/hacked/phishing/safety/legal/outage/press/churn).
"""

from __future__ import annotations

import random

from scripts.triage_data.common import fill, strip_accents, tidy

# (handle, domain) — invented brands.
BRANDS = [
    ("TelcoMax", "telco"), ("MoviLink", "telco"), ("FibraSur", "telco"), ("NetPlusUK", "telco"),
    ("BancoSur", "bank"), ("FinTrust", "bank"), ("CajaNorte", "bank"), ("PayLite", "bank"),
    ("EnvioYa", "delivery"), ("ParcelPro", "delivery"), ("RapiEntrega", "delivery"),
    ("VuelaBien", "airline"), ("SkyHop", "airline"), ("AeroPampa", "airline"),
    ("LuzHogar", "energy"), ("PowerGridCo", "energy"),
    ("MegaTienda", "shop"), ("ShopNest", "shop"), ("ElectroCasa", "shop"),
]  # fmt: skip

THING = {
    "telco": (["la fibra", "internet", "mi línea", "el wifi", "la señal", "el router"],
              ["my broadband", "the internet", "my line", "the wifi", "signal", "the router"]),
    "bank": (["la tarjeta", "la app", "la transferencia", "el cajero", "mi cuenta"],
             ["my card", "the app", "my transfer", "the cash machine", "my account"]),
    "delivery": (["mi pedido", "el paquete", "el envío", "la devolución"],
                 ["my order", "my parcel", "the delivery", "my return"]),
    "airline": (["mi vuelo", "la maleta", "el reembolso del vuelo", "la app de check-in"],
                ["my flight", "my suitcase", "the flight refund", "the check-in app"]),
    "energy": (["la luz", "la factura", "el contador", "el gas"],
               ["the power", "my bill", "the meter", "the gas"]),
    "shop": (["la lavadora", "el móvil que compré", "la tele", "mi compra online"],
             ["the washing machine", "the phone I bought", "the TV", "my online order"]),
}  # fmt: skip

# Facts that say the brand broke an expectation, with no negative word.
FAIL = {
    "telco": (
        ["{thing} se corta cada diez minutos", "el router parpadea en rojo desde el {day}",
         "la velocidad contratada es 600 megas y llegan 20", "no tengo señal dentro de casa",
         "{thing} va y viene desde el {day}", "el técnico tenía que venir el {day} y no vino"],
        ["{thing} drops every ten minutes", "the router has been blinking red since {day}",
         "I pay for 500 Mbps and get 20", "there's no signal inside the house",
         "{thing} keeps cutting in and out since {day}", "the engineer was due {day} and never came"],
    ),
    "bank": (
        ["la app me cierra la sesión cada vez que intento pagar", "la transferencia salió hace {days} y no llegó",
         "el cajero se tragó la tarjeta", "me cobraron una comisión que nadie me explicó",
         "me bloquearon la tarjeta en pleno viaje", "la app dice error 503 al entrar"],
        ["the app logs me out every time I try to pay", "my transfer left {days} ago and never landed",
         "the cash machine swallowed my card", "I got charged a fee nobody explained",
         "my card got blocked in the middle of a trip", "the app says error 503 when I log in"],
    ),
    "delivery": (
        ["el seguimiento dice entregado y aquí no hay nada", "{thing} lleva {days} en el mismo almacén",
         "el repartidor dejó el paquete en la calle", "llegó la caja abierta y falta un artículo",
         "me cambiaron la fecha de entrega tres veces", "pagué envío urgente y tardó {days}"],
        ["tracking says delivered and there's nothing here", "{thing} has sat in the same depot for {days}",
         "the driver left the parcel in the street", "the box arrived open with an item missing",
         "the delivery date was moved three times", "I paid for next-day and it took {days}"],
    ),
    "airline": (
        ["cancelaron mi vuelo y no ofrecen alternativa", "la maleta no apareció en la cinta",
         "llevo {hours} horas en la puerta de embarque sin información", "me cobraron dos veces el equipaje",
         "el reembolso del vuelo cancelado sigue sin llegar", "nos cambiaron de asiento y separaron a mi hijo"],
        ["my flight was cancelled with no alternative offered", "my bag never came out on the belt",
         "been at the gate {hours} hours with no information", "I was charged twice for luggage",
         "the refund for the cancelled flight still hasn't arrived", "they moved our seats and split me from my son"],
    ),
    "energy": (
        ["la factura de este mes es el triple", "cortaron la luz y estaba todo pagado",
         "el contador marca consumos de una casa vacía", "me cobran una lectura estimada otra vez",
         "la compañía cambió la tarifa sin avisar"],
        ["this month's bill is three times the usual", "they cut the power and everything was paid",
         "the meter shows usage for an empty house", "another estimated reading on my bill",
         "the tariff changed without any notice"],
    ),
    "shop": (
        ["la lavadora pierde agua desde el primer uso", "el móvil que compré no carga",
         "la tele llegó con la pantalla rajada", "pedí talla M y me mandaron una XL",
         "me cobraron el producto pero el pedido figura cancelado", "la garantía no cubre algo que vino así de fábrica"],
        ["the washing machine leaks since the first wash", "the phone I bought won't charge",
         "the TV arrived with a cracked screen", "I ordered a medium and got an XL",
         "I was charged but the order shows as cancelled", "the warranty won't cover a factory fault"],
    ),
}  # fmt: skip

ASK = {
    "telco": (
        ["¿la fibra de 1 giga incluye el router?", "¿cómo cambio la contraseña del wifi?",
         "¿tienen cobertura 5G en {city}?", "¿puedo llevarme el número si me mudo?",
         "¿cuánto cuesta añadir una línea más?"],
        ["does the 1 gig plan include the router?", "how do I change the wifi password?",
         "do you have 5G coverage in {city}?", "can I keep my number if I move house?",
         "how much is it to add another line?"],
    ),
    "bank": (
        ["¿cómo activo la tarjeta nueva?", "¿cuál es el límite de transferencias diarias?",
         "¿se puede pagar con el móvil en el extranjero?", "¿qué horario tiene la sucursal de {city}?",
         "¿cómo pido un certificado de cuenta?"],
        ["how do I activate the new card?", "what's the daily transfer limit?",
         "can I pay with my phone abroad?", "what are the opening hours of the {city} branch?",
         "how do I get a bank statement letter?"],
    ),
    "delivery": (
        ["¿puedo cambiar la dirección de entrega?", "¿hacen envíos a {city}?",
         "¿hasta qué hora puedo recoger en el punto de entrega?", "¿cuánto tarda un envío internacional?",
         "¿se puede programar la entrega para el sábado?"],
        ["can I change the delivery address?", "do you ship to {city}?",
         "until what time can I pick up at the collection point?", "how long does international shipping take?",
         "can I book a Saturday delivery?"],
    ),
    "airline": (
        ["¿cuántos kilos puedo llevar en cabina?", "¿puedo viajar con mi perro?",
         "¿se puede cambiar el nombre del pasajero?", "¿a qué hora abre el check-in online?",
         "¿el vuelo a {city} incluye comida?"],
        ["how many kilos can I take in the cabin?", "can I fly with my dog?",
         "can the passenger name be changed?", "when does online check-in open?",
         "does the flight to {city} include a meal?"],
    ),
    "energy": (
        ["¿cómo mando la lectura del contador?", "¿tienen tarifa con discriminación horaria?",
         "¿puedo domiciliar la factura?", "¿qué necesito para dar de alta la luz en un piso nuevo?"],
        ["how do I submit a meter reading?", "do you have a night-rate tariff?",
         "can I pay the bill by direct debit?", "what do I need to set up power in a new flat?"],
    ),
    "shop": (
        ["¿la lavadora de la oferta trae instalación?", "¿tienen este modelo en negro?",
         "¿cuánto dura la garantía?", "¿puedo devolver algo comprado en tienda física por la web?",
         "¿aceptan pago en cuotas?"],
        ["does the washing machine deal include installation?", "do you have this model in black?",
         "how long is the warranty?", "can I return an in-store purchase online?",
         "do you take payment in instalments?"],
    ),
}  # fmt: skip

PRAISE_FACT = {
    "telco": (["el técnico vino a la hora y dejó todo funcionando", "me subieron la velocidad sin pedirlo",
               "resolvieron lo del router en una llamada"],
              ["the engineer came on time and left everything working", "they upgraded my speed without asking",
               "sorted the router issue in one call"]),
    "bank": (["me devolvieron la comisión en el mismo día", "la app nueva es rapidísima",
              "la gestora de {city} me ayudó con todo el papeleo"],
             ["they refunded the fee the same day", "the new app is lightning fast",
              "the {city} branch manager helped with all the paperwork"]),
    "delivery": (["el paquete llegó un día antes", "el repartidor me llamó para avisar y fue super amable",
                  "la devolución se hizo en dos clics"],
                 ["the parcel came a day early", "the driver called ahead and was really kind",
                  "the return took two clicks"]),
    "airline": (["la tripulación cuidó a mi madre todo el viaje", "salimos y llegamos puntuales",
                 "me cambiaron el vuelo sin coste cuando se enfermó mi hijo"],
                ["the crew looked after my mum the whole flight", "left and landed right on time",
                 "changed my flight for free when my son got ill"]),
    "energy": (["me explicaron la factura con paciencia", "el cambio de tarifa me ahorró 30 euros",
                "repusieron la luz en menos de una hora"],
               ["they explained my bill patiently", "the tariff switch saved me 30 quid",
                "power was back in under an hour"]),
    "shop": (["la lavadora llegó e instalaron en el día", "me cambiaron la talla sin preguntas",
              "el vendedor de {city} fue un crack"],
             ["the washer came and was installed same day", "swapped the size with no questions asked",
              "the salesperson at {city} was brilliant"]),
}  # fmt: skip

# ---------------------------------------------------------------- generic cores
# (es, en, intent, sentiment, urgent, origin) — origin: which side was written first.
PAIRED: list[tuple[str | None, str | None, str, str, str, str]] = [
    # complaints: explicit, emotional
    ("llevo {days} sin {thing} y nadie me da una solución", "{days} without {thing} and nobody has a fix",
     "complaint", "negative", "", "es"),
    ("ya es la tercera vez que escribo por lo mismo y nada", "third time writing about the same thing and nothing",
     "complaint", "negative", "", "en"),
    ("{fail}. Pésimo servicio", "{fail}. Dreadful service", "complaint", "negative", "", "es"),
    ("{fail} y en el chat me dejan en visto", "{fail} and the chat just leaves me on read",
     "complaint", "negative", "", "en"),
    ("estoy harta, {fail}", "I'm fed up, {fail}", "complaint", "negative", "", "es"),
    ("{fail}. Una vergüenza de empresa", "{fail}. Embarrassing company", "complaint", "negative", "", "es"),
    ("{fail}, esto no puede ser", "{fail}, this can't be right", "complaint", "negative", "", "es"),
    # complaints: factual, no negative word
    ("{fail}.", "{fail}.", "complaint", "negative", "", "en"),
    ("Hola. {fail}. Número de caso abierto desde el {day}.", "Hi. {fail}. Case open since {day}.",
     "complaint", "negative", "", "es"),
    ("Actualización: {fail}, igual que ayer.", "Update: {fail}, same as yesterday.",
     "complaint", "negative", "", "en"),
    ("día {n}: {fail}", "day {n}: {fail}", "complaint", "negative", "", "en"),
    # complaints as questions
    ("¿por qué {fail}?", "why is it that {fail}?", "complaint", "negative", "", "es"),
    ("¿alguien me explica por qué {fail}?", "can someone explain why {fail}?",
     "complaint", "negative", "", "es"),
    ("¿es normal que {fail}?", "is it normal that {fail}?", "complaint", "negative", "", "en"),
    ("¿cuánto más tengo que esperar? {fail}", "how much longer do I have to wait? {fail}",
     "complaint", "negative", "", "en"),
    ("¿me pueden decir cuándo piensan arreglarlo? {fail}", "can you tell me when you plan to fix it? {fail}",
     "complaint", "negative", "", "es"),
    # polite complaints
    ("Buenas tardes, les escribo porque {fail}. ¿Podrían revisarlo, por favor? Gracias",
     "Good afternoon, I'm writing because {fail}. Could you please look into it? Thanks",
     "complaint", "negative", "", "es"),
    ("Disculpen la molestia, pero {fail}. Agradecería una solución.",
     "Sorry to bother you, but {fail}. I'd appreciate a fix.", "complaint", "negative", "", "en"),
    ("Hola, entiendo que pasan cosas, pero {fail} y necesito que me ayuden",
     "Hi, I understand things happen, but {fail} and I need help", "complaint", "negative", "", "en"),
    # sarcasm carried by praise words
    ("Genial, {fail} 🙃", "Great, {fail} 🙃", "complaint", "negative", "", "en"),
    ("Gracias {brand} por {fail_ger}, de verdad, un lujo 👏👏", "Thanks {brand} for {fail_ger}, really, top class 👏👏",
     "complaint", "negative", "", "es"),
    ("Excelente servicio: {fail}. Bravo.", "Excellent service: {fail}. Bravo.",
     "complaint", "negative", "", "en"),
    ("me encanta pagar por algo que no funciona 🙄", "love paying for something that doesn't work 🙄",
     "complaint", "negative", "", "en"),
    ("qué eficientes, {fail} 😂", "so efficient, {fail} 😂", "complaint", "negative", "", "es"),
    # one-line insults
    ("ladrones", "thieves", "complaint", "negative", "", "es"),
    ("sois unos inútiles", "you lot are useless", "complaint", "negative", "", "es"),
    ("la peor empresa del país, sin más", "worst company in the country, full stop",
     "complaint", "negative", "", "en"),
    ("qué asco de servicio", "what a rubbish service", "complaint", "negative", "", "es"),
    ("payasos 🤡", "clowns 🤡", "complaint", "negative", "", "en"),
    # questions
    ("{ask}", "{ask}", "question", "neutral", "", "en"),
    ("Hola! {ask} Gracias", "Hi! {ask} Thanks", "question", "neutral", "", "es"),
    ("consulta: {ask}", "quick question: {ask}", "question", "neutral", "", "es"),
    ("una duda, {ask}", "wondering, {ask}", "question", "neutral", "", "en"),
    ("Buenas, estoy pensando en contratar con ustedes. {ask}",
     "Hi, thinking of signing up with you. {ask}", "question", "neutral", "", "es"),
    ("me encanta la app! {ask}", "love the app! {ask}", "question", "positive", "", "en"),
    ("¿tienen algún plan para estudiantes?", "do you have a student plan?", "question", "neutral", "", "es"),
    ("¿dónde veo el número de cliente en la app?", "where do I find my customer number in the app?", "question", "neutral", "", "en"),
    ("¿me pueden pasar el enlace para pedir factura?", "can you send me the link to request an invoice?", "question", "neutral", "", "es"),
    ("¿hay descuento si pago el año completo?", "is there a discount if I pay for the year upfront?", "question", "neutral", "", "en"),
    ("¿atienden por WhatsApp o solo por teléfono?", "do you do support on WhatsApp or only by phone?", "question", "neutral", "", "es"),
    ("¿cuándo sale el modelo nuevo?", "when is the new model out?", "question", "neutral", "", "en"),
    ("¿qué documentos necesito para abrir una cuenta?", "what documents do I need to open an account?", "question", "neutral", "", "es"),
    ("¿se puede pedir la factura a nombre de la empresa?", "can the invoice be made out to my company?", "question", "neutral", "", "en"),
    ("hola! me mudo a {city} el mes que viene, ¿cómo traslado el servicio?", "hi! moving to {city} next month, how do I transfer my service?",
     "question", "neutral", "", "es"),
    ("¿cómo activo el roaming antes del viaje?", "how do I turn on roaming before my trip?", "question", "neutral", "", "en"),
    ("¿puedo pagar en efectivo en la tienda?", "can I pay cash in store?", "question", "neutral", "", "es"),
    # help after the customer's own mistake
    ("borré la app sin querer y no recuerdo la contraseña, ¿cómo la recupero?",
     "I deleted the app by mistake and can't remember my password, how do I get it back?",
     "question", "neutral", "", "es"),
    ("puse mal la dirección al hacer el pedido, ¿la puedo corregir?",
     "I typed the wrong address on my order, can I fix it?", "question", "neutral", "", "en"),
    ("me equivoqué y pagué la factura dos veces yo mismo, ¿me devuelven una?",
     "my mistake, I paid the bill twice myself — can one be refunded?", "question", "neutral", "", "en"),
    ("olvidé el PIN de la tarjeta, ¿qué hago?", "forgot my card PIN, what do I do?",
     "question", "neutral", "", "es"),
    ("reservé para la fecha equivocada 🤦 ¿se puede cambiar?", "booked the wrong date 🤦 can I change it?",
     "question", "neutral", "", "en"),
    ("perdí el ticket de compra, ¿igual puedo usar la garantía?",
     "I lost the receipt, can I still use the warranty?", "question", "neutral", "", "es"),
    # praise, incl. with negation or problem words
    ("{praise}. Gracias!", "{praise}. Thank you!", "praise", "positive", "", "es"),
    ("{praise} 🙌", "{praise} 🙌", "praise", "positive", "", "en"),
    ("tenía un problema con {thing} y me lo resolvieron en 10 minutos", "had a problem with {thing} and they fixed it in 10 minutes",
     "praise", "positive", "", "es"),
    ("cero problemas desde que me cambié a ustedes", "not a single problem since I switched to you",
     "praise", "positive", "", "en"),
    ("pensé que iba a ser un drama y nada, todo perfecto", "thought it would be a nightmare, but no, all perfect",
     "praise", "positive", "", "es"),
    ("no tengo ni una queja, de verdad", "honestly not one complaint", "praise", "positive", "", "en"),
    ("nunca pensé que diría esto de un banco pero gracias", "never thought I'd say this about a bank but thank you",
     "praise", "positive", "", "en"),
    ("mi pedido llegó roto y me mandaron otro al día siguiente sin preguntas. Así sí",
     "my order arrived broken and they sent another the next day, no questions. That's how it's done",
     "praise", "positive", "", "es"),
    ("shoutout a {agent} de atención al cliente, un sol", "shoutout to {agent} in customer service, an absolute star",
     "praise", "positive", "", "en"),
    ("10/10 {brand}", "10/10 {brand}", "praise", "positive", "", "en"),
    ("qué maravilla de atención, así da gusto", "wonderful service, a real pleasure", "praise", "positive", "", "es"),
    ("gracias {agent} por la paciencia, me salvaste el día", "thanks {agent} for your patience, you saved my day", "praise", "positive", "", "en"),
    ("llevo {n} años con ustedes y nunca me fallaron", "{n} years with you and you've never let me down", "praise", "positive", "", "es"),
    ("la app nueva está increíble, por fin puedo ver todo claro", "the new app is amazing, finally I can see everything clearly",
     "praise", "positive", "", "en"),
    ("el chat me resolvió en 5 minutos algo que creía imposible", "the chat sorted in 5 minutes something I thought was impossible",
     "praise", "positive", "", "es"),
    ("sin ninguna queja, todo llegó perfecto y antes de tiempo", "no complaints whatsoever, everything arrived perfect and early",
     "praise", "positive", "", "en"),
    ("no sé qué haría sin ustedes ❤️", "don't know what I'd do without you ❤️", "praise", "positive", "", "en"),
    ("pensaba quejarme pero me llamaron antes y lo arreglaron, chapó", "was about to complain but they called first and fixed it, hats off",
     "praise", "positive", "", "es"),
    # urgent: fraud, incl. SIM swap and porting
    ("hay un cargo de {amount} en {thing} que yo no hice", "there's a {amount} charge on {thing} that I never made",
     "complaint", "negative", "fraud", "es"),
    ("me aparecen compras en {place} que no reconozco", "purchases in {place} I don't recognise just showed up",
     "complaint", "negative", "fraud", "en"),
    ("me vaciaron la cuenta anoche, ¿qué hago?", "my account was emptied last night, what do I do?",
     "complaint", "negative", "fraud", "es"),
    ("salieron {amount} de mi cuenta a alguien que no conozco", "{amount} left my account to someone I don't know",
     "complaint", "negative", "fraud", "en"),
    ("alguien duplicó mi chip y entró a mi banco", "someone got a copy of my SIM and got into my bank",
     "complaint", "negative", "fraud", "es"),
    ("mi número dejó de funcionar y ahora hay transferencias que no hice", "my number stopped working and now there are transfers I didn't make",
     "complaint", "negative", "fraud", "en"),
    ("portaron mi número a otra compañía sin mi permiso", "my number was ported to another carrier without my permission",
     "complaint", "negative", "fraud", "en"),
    ("hicieron un SIM swap con mi línea y ustedes lo permitieron", "you let someone SIM-swap my line",
     "complaint", "negative", "fraud", "es"),
    ("¿por qué me cobran una suscripción que nunca contraté?", "why am I being billed for a subscription I never signed up for?",
     "complaint", "negative", "fraud", "es"),
    ("me llegó un aviso de compra online que no hice, ¿cómo la anulo?", "got an alert for an online purchase I didn't make, how do I stop it?",
     "question", "negative", "fraud", "en"),
    # lost or stolen card
    ("perdí la tarjeta, ¿cómo la bloqueo?", "lost my card, how do I block it?", "question", "neutral", "lost_card", "es"),
    ("me robaron la cartera con todas las tarjetas", "my wallet was nicked with all my cards in it",
     "complaint", "negative", "lost_card", "en"),
    ("me quitaron el bolso en el metro, necesito cancelar la tarjeta YA", "my bag was snatched on the tube, I need to cancel my card NOW",
     "complaint", "negative", "lost_card", "es"),
    ("no encuentro mi tarjeta desde ayer y la app no me deja congelarla", "can't find my card since yesterday and the app won't let me freeze it",
     "complaint", "negative", "lost_card", "en"),
    # hacked account
    ("entraron a mi cuenta y cambiaron el correo", "someone got into my account and changed the email",
     "complaint", "negative", "hacked", "es"),
    ("no puedo entrar, alguien cambió mi contraseña y no fui yo", "can't log in, someone changed my password and it wasn't me",
     "complaint", "negative", "hacked", "en"),
    ("me llegan códigos de verificación que no pedí y ahora no puedo acceder", "getting verification codes I didn't ask for and now I'm locked out",
     "complaint", "negative", "hacked", "en"),
    ("alguien está usando mi cuenta para comprar cosas", "someone is using my account to buy things",
     "complaint", "negative", "hacked", "es"),
    # phishing / impersonation
    ("me llegó un SMS de ustedes pidiendo la clave, ¿es real?", "got a text from you asking for my PIN, is it real?",
     "question", "neutral", "phishing", "es"),
    ("hay una cuenta que se hace pasar por {brand} y pide datos de tarjeta", "there's an account pretending to be {brand} asking for card details",
     "other", "negative", "phishing", "en"),
    ("me llamaron diciendo que eran del banco y me pidieron el código que me llegó", "someone called saying they were the bank and asked for the code I received",
     "complaint", "negative", "phishing", "es"),
    ("correo falso con su logo diciendo que mi cuenta está suspendida, cuidado", "fake email with your logo saying my account is suspended, careful",
     "other", "negative", "phishing", "en"),
    ("este perfil que responde a todos con un link no es oficial, ¿no?", "this profile replying to everyone with a link isn't official, right?",
     "question", "neutral", "phishing", "es"),
    # safety
    ("el medidor que instalaron echa chispas", "the meter you installed is sparking",
     "complaint", "negative", "safety", "es"),
    ("huele a gas desde que vino el técnico", "it smells of gas since the engineer's visit",
     "complaint", "negative", "safety", "en"),
    ("el cargador que vino con el móvil se derritió y casi se incendia la mesa", "the charger that came with the phone melted and nearly set the table on fire",
     "complaint", "negative", "safety", "es"),
    ("hay un cable suyo caído en la calle frente a la escuela", "one of your cables is down in the street outside the school",
     "complaint", "negative", "safety", "en"),
    ("el repartidor iba a toda velocidad por la vereda, casi atropella a mi hija", "your driver was speeding on the pavement and nearly hit my daughter",
     "complaint", "negative", "safety", "es"),
    ("la batería se hinchó y empezó a salir humo", "the battery swelled up and started smoking",
     "complaint", "negative", "safety", "en"),
    # legal / regulator threats (market-neutral; regulators are added per dialect)
    ("si no me devuelven el dinero voy a ir a juicio", "if I don't get my money back I'm taking you to court",
     "complaint", "negative", "legal", "es"),
    ("ya hablé con mi abogado", "I've already spoken to my solicitor", "complaint", "negative", "legal", "en"),
    ("voy a poner una reclamación formal ante {regulator}", "I'm filing a formal complaint with {regulator}",
     "complaint", "negative", "legal", "es"),
    ("esto ya lo tiene {regulator}", "{regulator} has this now", "complaint", "negative", "legal", "en"),
    # outage, with and without the word
    ("¿se cayó la app? no me carga y a mi hermano tampoco", "is the app down? won't load for me or my brother",
     "question", "negative", "outage", "es"),
    ("todo el barrio sin {thing} desde las {hour}", "the whole street has had no {thing} since {hour}",
     "complaint", "negative", "outage", "es"),
    ("nadie en la oficina puede hacer llamadas, ¿qué pasa?", "nobody in the office can make calls, what's going on?",
     "question", "negative", "outage", "en"),
    ("ningún cajero de {city} funciona hoy", "not one cash machine in {city} works today",
     "complaint", "negative", "outage", "es"),
    ("medio {city} sin servicio y ni un aviso", "half of {city} has no service and not a word from you",
     "complaint", "negative", "outage", "en"),
    ("¿hay una caída general? los pagos con tarjeta no pasan en ninguna tienda", "is there a general outage? card payments fail in every shop",
     "question", "negative", "outage", "es"),
    # press / viral
    ("voy a llevar esto a la prensa", "I'm taking this to the press", "complaint", "negative", "press", "es"),
    ("un amigo periodista ya está interesado en mi caso", "a journalist friend is already interested in my case",
     "complaint", "negative", "press", "en"),
    ("este hilo se va a hacer viral, ya verán", "this thread is going viral, you'll see",
     "complaint", "negative", "press", "es"),
    ("voy a grabar un video contando todo a mis seguidores", "I'm making a video telling my followers everything",
     "complaint", "negative", "press", "en"),
    # churn / switch
    ("si mañana sigue igual me doy de baja", "if it's the same tomorrow I'm cancelling",
     "complaint", "negative", "churn", "es"),
    ("me cambio a {competitor}, adiós", "switching to {competitor}, bye", "complaint", "negative", "churn", "en"),
    ("quiero cancelar todo hoy mismo", "I want to cancel everything today", "complaint", "negative", "churn", "es"),
    ("ya pedí la portabilidad a otra compañía", "I've already asked to move my number to another provider",
     "complaint", "negative", "churn", "es"),
    ("¿cómo cierro la cuenta? no aguanto más", "how do I close my account? I've had enough",
     "complaint", "negative", "churn", "en"),
    # other: brand mentioned, not customer service
    ("{brand} abre {n}00 puestos de trabajo en {city}", "{brand} is hiring {n}00 people in {city}",
     "other", "neutral", "", "es"),
    ("¿alguien sabe si en {brand} pagan bien? tengo entrevista el lunes", "anyone know if {brand} pays well? got an interview Monday",
     "other", "neutral", "", "en"),
    ("SORTEO 🎁 sigue a {brand} y dale RT para ganar un móvil", "GIVEAWAY 🎁 follow {brand} and RT to win a phone",
     "other", "neutral", "", "en"),
    ("las acciones de {brand} cayeron un {n}% hoy", "{brand} shares fell {n}% today", "other", "neutral", "", "es"),
    ("el anuncio nuevo de {brand} con el perro jajaja", "the new {brand} ad with the dog lol", "other", "positive", "", "en"),
    ("trabajé 5 años en {brand}, buena gente", "worked 5 years at {brand}, good people", "other", "positive", "", "es"),
    ("¿alguien para ir al concierto que patrocina {brand}?", "anyone going to the {brand} sponsored gig?",
     "other", "neutral", "", "es"),
    ("el partido fue horrible, qué robo el penal", "the match was awful, that penalty was daylight robbery",
     "other", "negative", "", "es"),
    ("vi un documental sobre estafas telefónicas, da miedo", "watched a documentary on phone scams, scary stuff",
     "other", "negative", "", "en"),
    ("perdí las llaves otra vez, qué día horrible", "lost my keys again, horrible day", "other", "negative", "", "es"),
    ("mi jefe es un desastre, odio los lunes", "my boss is a disaster, I hate Mondays", "other", "negative", "", "en"),
    ("ese precio es un robo pero lo compro igual jaja", "that price is a steal, buying it anyway",
     "other", "positive", "", "en"),
    ("Gana 1000€ al día desde casa, link en bio", "Make $1000 a day from home, link in bio",
     "other", "neutral", "", "es"),
    ("¿cuál es mejor, {brand} o {competitor}? para mi viejo", "which is better, {brand} or {competitor}? for my dad",
     "other", "neutral", "", "es"),
    ("se viene el black friday, a ver qué ofertas saca {brand}", "black friday coming, let's see what {brand} has",
     "other", "neutral", "", "es"),
    ("ayer me crucé con el CEO de {brand} en el aeropuerto", "bumped into the {brand} CEO at the airport yesterday",
     "other", "neutral", "", "en"),
    ("nuevo video en mi canal: probé el router de {brand} vs el de {competitor}", "new video on my channel: {brand} router vs {competitor}",
     "other", "neutral", "", "en"),
    ("jajaja el meme del wifi de {brand} me mató", "lmao the {brand} wifi meme killed me", "other", "positive", "", "es"),
    ("{brand} patrocina la maratón del domingo", "{brand} is sponsoring Sunday's marathon", "other", "neutral", "", "en"),
    ("qué frío hace hoy en {city}, ni ganas de salir", "so cold in {city} today, can't be bothered going out",
     "other", "negative", "", "es"),
    ("mi hermana empieza a trabajar en {brand} mañana, suerte!", "my sister starts at {brand} tomorrow, good luck!",
     "other", "positive", "", "en"),
    ("hilo de memes de aerolíneas 🧵", "thread of airline memes 🧵", "other", "neutral", "", "es"),
    ("retuit si alguna vez te quedaste sin wifi en el peor momento", "RT if your wifi ever died at the worst possible moment",
     "other", "neutral", "", "es"),
    ("@{friend} jajaja te dije que {brand} era la del anuncio del perro", "@{friend} lol told you {brand} was the one with the dog ad",
     "other", "positive", "", "es"),
    ("estoy en la fila de {brand} y el señor de adelante cuenta su vida entera", "in the {brand} queue and the guy in front is telling his whole life story",
     "other", "neutral", "", "es"),
    ("odio cuando el vuelo se retrasa y no es culpa de nadie, solo niebla", "hate when flights are delayed and it's nobody's fault, just fog",
     "other", "negative", "", "en"),
    ("qué miedo las estafas por WhatsApp, a mi tía casi la engañan", "WhatsApp scams are terrifying, my aunt nearly fell for one",
     "other", "negative", "", "es"),
    ("mi perro se comió el cable del router otra vez 🐶", "my dog chewed through the router cable again 🐶",
     "other", "positive", "", "en"),
    ("busco trabajo de atención al cliente, ¿alguien sabe si {brand} contrata?", "looking for customer service jobs, anyone know if {brand} is hiring?",
     "other", "neutral", "", "es"),
    ("la serie sobre hackers que estrenó {brand} TV está buenísima", "the hacker series on {brand} TV is so good",
     "other", "positive", "", "en"),
    ("{brand} gana el premio a la mejor app del año según la revista", "{brand} wins app of the year, says the magazine",
     "other", "neutral", "", "es"),
    ("las colas del aeropuerto hoy son un infierno, menos mal que me voy en tren", "airport queues today are hell, glad I'm taking the train",
     "other", "negative", "", "en"),
    ("nadie:\nabsolutamente nadie:\nel técnico de internet: llego entre las 8 y las 20", "nobody:\nabsolutely nobody:\nthe broadband engineer: arriving between 8am and 8pm",
     "other", "positive", "", "es"),
    ("feliz cumple a mi mejor amiga que trabaja en {brand} 🎂", "happy birthday to my best mate who works at {brand} 🎂",
     "other", "positive", "", "en"),
    ("análisis: por qué {brand} pierde clientes jóvenes (hilo)", "analysis: why {brand} is losing young customers (thread)",
     "other", "neutral", "", "es"),
    ("el tráfico en {city} está horrible, llegaré tarde a todo", "traffic in {city} is horrible, going to be late for everything",
     "other", "negative", "", "en"),
    ("huelga de controladores aéreos el jueves, revisen sus vuelos", "air traffic control strike on Thursday, check your flights",
     "other", "neutral", "", "es"),
    ("compré acciones de {brand} en 2019 y ahora me arrepiento jaja", "bought {brand} shares in 2019, regretting it now lol",
     "other", "negative", "", "en"),
    ("¿alguien tiene el código de descuento de {brand}? lo vi en un video", "anyone got the {brand} discount code? saw it in a video",
     "other", "neutral", "", "es"),
    ("mi abuelo aprendió a usar la app del banco y está orgullosísimo", "my grandad learnt to use the banking app and is so proud",
     "other", "positive", "", "en"),
    ("🚨 Oferta: 50% en todos los auriculares, solo hoy en mi tienda", "🚨 Deal: 50% off all headphones, today only in my shop",
     "other", "neutral", "", "es"),
    ("lo peor del lunes es levantarse, lo mejor el café", "worst part of Monday is getting up, best part is coffee",
     "other", "neutral", "", "en"),
    ("fui al evento de {brand} y regalaban merchandising", "went to the {brand} event and they were giving away merch",
     "other", "positive", "", "es"),
    ("el fallo del VAR de ayer fue un escándalo", "yesterday's VAR decision was a scandal", "other", "negative", "", "es"),
    ("nuevo episodio del podcast: entrevistamos a la directora de marketing de {brand}", "new podcast episode: we interview {brand}'s marketing director",
     "other", "neutral", "", "en"),
    ("{brand} y {competitor} anuncian su fusión", "{brand} and {competitor} announce a merger",
     "other", "neutral", "", "en"),
]  # fmt: skip

# Language-specific cores: dialect and idiom that do not translate line by line.
ES_ONLY: list[tuple[str, str, str, str, str]] = [
    # (text, intent, sentiment, urgent, dialect)
    ("che, {thing} no anda hace {days}, ¿me dan bola o no?", "complaint", "negative", "", "rioplatense"),
    ("posta que son lo peor, re caro y anda cuando quiere", "complaint", "negative", "", "rioplatense"),
    ("boludo, me cobraron dos veces el abono, devuélvanme la guita", "complaint", "negative", "", "rioplatense"),
    ("¿vos sabés si el plan nuevo incluye roaming?", "question", "neutral", "", "rioplatense"),
    ("la verdad que un lujo la atención, me solucionaron todo al toque", "praise", "positive", "", "rioplatense"),
    ("ya hice la denuncia en Defensa del Consumidor, nos vemos", "complaint", "negative", "legal", "rioplatense"),
    ("me clonaron la tarjeta y el banco me dice que espere 10 días hábiles", "complaint", "negative", "fraud", "rioplatense"),
    ("neta {brand}? otra vez sin {thing}, ya no la armo", "complaint", "negative", "", "mexico"),
    ("qué chafa servicio wey, tres días esperando al técnico", "complaint", "negative", "", "mexico"),
    ("ahorita me cobraron algo que ni compré, ¿me ayudan porfa?", "complaint", "negative", "fraud", "mexico"),
    ("voy a poner mi queja en Profeco, ya estuvo", "complaint", "negative", "legal", "mexico"),
    ("¿a qué hora cierran la sucursal de Polanco?", "question", "neutral", "", "mexico"),
    ("padrísimo el servicio, llegó en chinga 🔥", "praise", "positive", "", "mexico"),
    ("ya levanté queja en Condusef por el cargo no reconocido", "complaint", "negative", "legal", "mexico"),
    ("parce, llevo {days} sin {thing}, ¿qué pasó pues?", "complaint", "negative", "", "colombia"),
    ("qué pena molestar, ¿me regalan el horario de la oficina de Chapinero?", "question", "neutral", "", "colombia"),
    ("bacanísimo el servicio, la muchacha me ayudó con todo", "praise", "positive", "", "colombia"),
    ("ya radiqué la queja en la Superintendencia de Industria y Comercio", "complaint", "negative", "legal", "colombia"),
    ("po, el internet se cae a cada rato, cachai lo fome que es teletrabajar así", "complaint", "negative", "", "chile"),
    ("¿hasta qué hora atienden en el mall, po?", "question", "neutral", "", "chile"),
    ("bacán la atención, me llegó al tiro", "praise", "positive", "", "chile"),
    ("los voy a denunciar al SERNAC, weón, esto es un abuso", "complaint", "negative", "legal", "chile"),
    ("causa, la señal en Miraflores está pésima, nomás cae y cae", "complaint", "negative", "", "andean"),
    ("ya pues, ¿me hacen el favor de devolverme mi plata?", "complaint", "negative", "", "andean"),
    ("voy a ir a Indecopi con todos los papeles", "complaint", "negative", "legal", "andean"),
    ("ya presenté el reclamo en Osiptel por los cobros", "complaint", "negative", "legal", "andean"),
    ("¿me hace el favor, cómo recargo desde la app?", "question", "neutral", "", "andean"),
    ("harto agradecida con la señorita que me atendió", "praise", "positive", "", "andean"),
    ("tío, flipo, {fail}", "complaint", "negative", "", "spain"),
    ("vaya tela con {brand}, ni un correo para avisar", "complaint", "negative", "", "spain"),
    ("os voy a denunciar a la OCU y a FACUA, que lo sepáis", "complaint", "negative", "legal", "spain"),
    ("voy a reclamar al Banco de España", "complaint", "negative", "legal", "spain"),
    ("¿vale el cargador del móvil antiguo para el nuevo?", "question", "neutral", "", "spain"),
    ("majísimos en la tienda de Sol, me lo dejaron todo configurado", "praise", "positive", "", "spain"),
    ("pedí la hoja de reclamaciones y no me la quisieron dar", "complaint", "negative", "legal", "spain"),
    ("ayer me robaron el móvil en el metro, bloqueen la línea porfa", "complaint", "negative", "lost_card", "spain"),
]  # fmt: skip

EN_ONLY: list[tuple[str, str, str, str, str]] = [
    ("absolutely gutted, {fail}", "complaint", "negative", "", "british"),
    ("been in the queue for 2 hours, this is taking the mickey", "complaint", "negative", "", "british"),
    ("cheers for nothing, mate", "complaint", "negative", "", "british"),
    ("I'll be reporting this to Ofcom", "complaint", "negative", "legal", "british"),
    ("taking this to the Financial Ombudsman", "complaint", "negative", "legal", "british"),
    ("complaint going to Ofgem first thing Monday", "complaint", "negative", "legal", "british"),
    ("lovely chap on the phone sorted it in minutes, ta", "praise", "positive", "", "british"),
    ("do you do a SIM-only deal for under a tenner?", "question", "neutral", "", "british"),
    ("y'all really gonna charge me a late fee for YOUR outage?", "complaint", "negative", "", "american"),
    ("filing a complaint with the CFPB today", "complaint", "negative", "legal", "american"),
    ("reported you to the FCC and the BBB", "complaint", "negative", "legal", "american"),
    ("my state attorney general will hear about this", "complaint", "negative", "legal", "american"),
    ("dude your app is awesome, paid rent in 10 seconds", "praise", "positive", "", "american"),
    ("does the unlimited plan throttle after 50 gigs?", "question", "neutral", "", "american"),
    ("kindly revert on my refund request, it is pending since 15 days", "complaint", "negative", "", "indian"),
    ("please do the needful and activate my SIM", "complaint", "negative", "", "indian"),
    ("reckon the app's been down all arvo, anyone else?", "question", "negative", "outage", "australian"),
    ("heaps good service today, legends", "praise", "positive", "", "australian"),
    ("abeg my transfer never enter since morning, una dey there?", "complaint", "negative", "", "nigerian"),
    ("someone just debited my account thrice and I didn't authorise it", "complaint", "negative", "fraud", "nigerian"),
]  # fmt: skip

REGULATORS_ES = ["la OCU", "FACUA", "el Banco de España", "la CNMC", "Consumo", "la OMIC", "AESA",
                 "Profeco", "Condusef", "el IFT", "Defensa del Consumidor", "el ENACOM", "el BCRA",
                 "la SIC", "la Superfinanciera", "el SERNAC", "la CMF", "Subtel", "Indecopi", "Osiptel",
                 "la SBS", "ACODECO", "la DIACO", "Pro Consumidor", "el DACO", "la SUTEL", "el MEIC",
                 "la Defensoría del Consumidor", "ARCOTEL", "la URSEC", "SEDECO", "la ATT"]  # fmt: skip
REGULATORS_EN = ["the CFPB", "the FTC", "the FCC", "the BBB", "the attorney general", "Ofcom",
                 "the FCA", "the Financial Ombudsman", "Ofgem", "the CAA", "Trading Standards",
                 "Citizens Advice", "the DOT", "small claims court"]  # fmt: skip

CITIES_ES = ["Madrid", "Sevilla", "Buenos Aires", "Rosario", "CDMX", "Guadalajara", "Bogotá",
             "Medellín", "Santiago", "Lima", "Quito", "La Paz", "Montevideo", "Valencia"]  # fmt: skip
CITIES_EN = ["London", "Leeds", "Manchester", "Glasgow", "Chicago", "Austin", "Miami", "Dublin",
             "Sydney", "Toronto", "Lagos", "Bangalore"]  # fmt: skip
AGENTS = ["Rosa", "Tomás", "Aisha", "Kevin", "Lucía", "Marco", "Priya", "Sam", "Valentina"]
COMPETITORS = ["Movistel", "Clarox", "Vodaphonic", "OtraRed", "Fastnet", "BancoUno", "QuickPost"]

OPENERS_ES = ["", "", "", "Hola, ", "Buenas, ", "Buenos días. ", "Oigan, ", "A ver, ", "Increíble. ",
              "Hola buenas tardes, "]  # fmt: skip
OPENERS_EN = ["", "", "", "Hi, ", "Hello, ", "Morning. ", "Right, ", "Seriously, ", "Um, ", "Hey "]
CLOSERS_ES = ["", "", "", " Gracias.", " Saludos.", " Espero respuesta.", " 😡", " 😤", " 🙏",
              " #atencionalcliente", " #fail", " Urgente!!", " ...", " (y van {n})"]  # fmt: skip
CLOSERS_EN = ["", "", "", " Thanks.", " Cheers.", " Waiting for a reply.", " 😡", " 🙏", " #fail",
              " #customerservice", " smh", " !!!", " ..."]  # fmt: skip
EXTRA_ES = ["", "", "Pago todos los meses puntual.", "Tengo dos niños y teletrabajo.",
            "Ya reinicié todo como me dijeron.", "Soy cliente desde hace {n} años.",
            "Les dejé mensaje privado también.", "Adjunto captura."]  # fmt: skip
EXTRA_EN = ["", "", "I pay every month on time.", "I work from home with two kids.",
            "Already restarted everything like you said.", "Customer for {n} years.",
            "Sent you a DM as well.", "Screenshot attached."]  # fmt: skip

FAIL_GERUND_ES = [
    "dejarme sin internet en plena final",
    "tenerme 40 minutos en espera",
    "perder mi maleta",
    "cobrarme dos veces",
]
FAIL_GERUND_EN = [
    "leaving me without internet during the final",
    "keeping me on hold 40 minutes",
    "losing my suitcase",
    "charging me twice",
]

_TYPO_SWAPS = {"que": "q", "por": "x", "también": "tb", "porque": "xq", "you": "u", "are": "r",
               "please": "pls", "thanks": "thx", "because": "cos", "tomorrow": "tmrw"}  # fmt: skip


def _slots(domain: str, lang: str, brand: str, rng: random.Random) -> dict[str, object]:
    es = lang == "es"
    side = 0 if es else 1
    return {
        "thing": THING[domain][side],
        "fail": FAIL[domain][side],
        "ask": ASK[domain][side],
        "praise": PRAISE_FACT[domain][side],
        "fail_ger": FAIL_GERUND_ES if es else FAIL_GERUND_EN,
        "brand": "@" + brand,
        "competitor": COMPETITORS,
        "city": CITIES_ES if es else CITIES_EN,
        "place": ["Miami", "Shenzhen", "Lisboa", "Dubai", "una web rara"] if es else
                 ["Miami", "Shenzhen", "Lisbon", "Dubai", "some random website"],
        "agent": AGENTS,
        "friend": ["pedro_gm", "lauuu", "jimbo77", "sara_k", "nachito"],
        "regulator": REGULATORS_ES if es else REGULATORS_EN,
        "days": ["3 días", "una semana", "dos semanas", "10 días", "un mes"] if es else
                ["3 days", "a week", "two weeks", "10 days", "a month"],
        "day": ["lunes", "martes", "viernes", "día 3", "15"] if es else
               ["Monday", "Tuesday", "Friday", "the 3rd", "last week"],
        "hours": ["3", "5", "7"],
        "hour": ["las 8", "anoche", "el mediodía"] if es else ["8am", "last night", "noon"],
        "amount": ["350 €", "$ 1.200", "89,99 €", "$45.000"] if es else ["£350", "$1,200", "$89.99"],
        "n": [2, 3, 4, 5, 6, 8, 12],
    }  # fmt: skip


def _roughen(text: str, lang: str, rng: random.Random) -> str:
    r = rng.random()
    if lang == "es" and r < 0.35:
        text = strip_accents(text)
    if rng.random() < 0.15:
        text = text.lower()
    if rng.random() < 0.12:
        words = text.split(" ")
        words = [_TYPO_SWAPS.get(w.lower(), w) for w in words]
        text = " ".join(words)
    if rng.random() < 0.08 and len(text) > 20:
        i = rng.randrange(5, len(text) - 5)
        if text[i].isalpha() and text[i + 1].isalpha():
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]  # transposed letters
    if rng.random() < 0.05:
        text = text.upper()
    return text


def _decorate(core: str, lang: str, brand: str, intent: str, rng: random.Random) -> str:
    es = lang == "es"
    slots = {"n": [2, 3, 4, 5]}
    parts = []
    if intent in ("complaint", "question", "praise") and rng.random() < 0.6:
        parts.append(rng.choice(OPENERS_ES if es else OPENERS_EN))
    parts.append(core)
    if intent in ("complaint", "praise") and rng.random() < 0.45:
        extra = fill(rng.choice(EXTRA_ES if es else EXTRA_EN), slots, rng)
        if extra and core[-1:].isalnum():
            parts.append(".")
        parts.append(" " + extra)
    if rng.random() < 0.5:
        parts.append(fill(rng.choice(CLOSERS_ES if es else CLOSERS_EN), slots, rng))
    text = tidy("".join(parts))
    if text and text[0].islower() and rng.random() < 0.5:
        text = text[0].upper() + text[1:]
    handle = "@" + brand
    if handle not in text:
        where = rng.random()
        if intent == "other" and where < 0.35:
            pass  # chatter often names the brand without tagging it
        elif where < 0.75:
            text = f"{handle} {text}"
        else:
            text = f"{text} {handle}"
    if rng.random() < 0.12:
        text += f" https://t.co/{''.join(rng.choices('abcdefghijkLMNOPQ0123456789', k=10))}"
    if rng.random() < 0.06:
        text = f"@{rng.choice(['pedro_gm', 'lauuu', 'jimbo77', 'sara_k'])} {text}"
    return text


def generate(seed: int = 11, target: int = 5000) -> list[dict]:
    """About `target` labelled posts, Spanish and English, with many distinct surface forms."""
    rng = random.Random(seed)
    rows: list[dict] = []
    cores: list[tuple[str, str, str, str, str, str, str]] = []
    # (lang, template, intent, sentiment, urgent, origin, dialect)
    for es, en, intent, sentiment, urgent, origin in PAIRED:
        if es:
            cores.append(("es", es, intent, sentiment, urgent, "written" if origin == "es"
                          else "translated", ""))  # fmt: skip
        if en:
            cores.append(("en", en, intent, sentiment, urgent, "written" if origin == "en"
                          else "translated", ""))  # fmt: skip
    for text, intent, sentiment, urgent, dialect in ES_ONLY:
        cores.append(("es", text, intent, sentiment, urgent, "written", dialect))
    for text, intent, sentiment, urgent, dialect in EN_ONLY:
        cores.append(("en", text, intent, sentiment, urgent, "written", dialect))
    # Choose the class first, so the mix does not depend on how many cores each class has.
    by_class: dict[tuple[str, bool], list] = {}
    for core in cores:
        by_class.setdefault((core[2], bool(core[4])), []).append(core)
    mix = [(("complaint", False), 0.22), (("complaint", True), 0.14), (("question", False), 0.18),
           (("question", True), 0.03), (("praise", False), 0.16), (("other", False), 0.26),
           (("other", True), 0.01)]  # fmt: skip
    keys, weights = zip(*mix, strict=True)
    attempts = 0
    while len(rows) < target and attempts < target * 4:
        attempts += 1
        key = rng.choices(keys, weights)[0]
        lang, template, intent, sentiment, urgent, origin, dialect = rng.choice(by_class[key])
        brand, domain = rng.choice(BRANDS)
        core = fill(template, _slots(domain, lang, brand, rng), rng)
        if intent == "complaint" and not urgent and rng.random() < 0.08:
            # Several sentences: a second fact makes it longer, like real posts.
            extra = fill("{fail}", _slots(domain, lang, brand, rng), rng)
            core = f"{core}. {'Además' if lang == 'es' else 'Also'} {extra}"
        text = _decorate(core, lang, brand, intent, rng)
        text = _roughen(text, lang, rng)
        rows.append(
            {
                "text": text,
                "lang": lang,
                "intent": intent,
                "sentiment": sentiment,
                "urgent": urgent,
                "origin": origin,
                "dialect": dialect,
                "writer": "T",
            }
        )
    return rows
