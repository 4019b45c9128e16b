# ruff: noqa: E501 -- phrase banks: one post per line reads better than wrapped strings
"""Development posts (writer "D"), written apart from the training writer on purpose.

Different brands and sectors (insurance, ride-hailing, food delivery, streaming, water,
pharmacy chain, gyms as well as the familiar ones), different sentence structures (narratives
of two or three sentences: context, what happened, what the person wants), different slang,
different noise (voice-typing run-ons, doubled letters, missing punctuation) and no shared
phrase bank with train_writer.py. Thresholds are chosen on this set; it is not a held-out
test (tests/data/triage/intent_eval.jsonl, the earlier project set, is reported as that).
"""

from __future__ import annotations

import random

from scripts.triage_data.common import fill, strip_accents, tidy

BRANDS_D = ["SeguroClaro", "RideNow", "ComeYa", "StreamBox", "AguaViva", "FarmaPlus",
            "GymFit", "Correo24", "BancaMia", "NovaTel", "Airlandia", "HomeDepo"]  # fmt: skip

# Each entry: (text, intent, sentiment, urgent). {b} is the brand handle.
ES: list[tuple[str, str, str, str]] = [
    # complaints written as narratives
    ("Pedí comida hace hora y media, la app dice 'en camino' desde hace 50 minutos y el repartidor no contesta", "complaint", "negative", ""),
    ("Contraté el seguro del auto en marzo y el siniestro de julio sigue 'en evaluación'. Nadie llama", "complaint", "negative", ""),
    ("El chofer canceló el viaje a las 5am y me cobraron la tarifa de cancelación a mí", "complaint", "negative", ""),
    ("Pagué el plan anual y la plataforma me sigue mostrando anuncios cada 10 minutos", "complaint", "negative", ""),
    ("Tercer recibo de agua con lectura inventada. En casa vivimos dos personas y nos facturan como si fuéramos un hotel", "complaint", "negative", ""),
    ("Fui a la farmacia por una receta y me dijeron que el sistema no funciona desde ayer. ¿Y mi medicación?", "complaint", "negative", ""),
    ("Me di de alta en el gimnasio en enero, las máquinas de la mitad de la sala siguen con el cartel de 'fuera de servicio'", "complaint", "negative", ""),
    ("el paquete volvió al remitente sin que nadie tocara el timbre, yo estaba en casa todo el día", "complaint", "negative", ""),
    ("Compré un ventilador que hace un ruido de avioneta. Primera semana de uso.", "complaint", "negative", ""),
    ("Me mudé hace un mes y todavía no me instalan la línea; cada semana me dan otra fecha", "complaint", "negative", ""),
    ("La película se congela a los 20 minutos, en la tele, en el celu y en la compu", "complaint", "negative", ""),
    ("En la sucursal me dijeron que lo resuelva por la app, y la app me dice que vaya a la sucursal 🔁", "complaint", "negative", ""),
    ("Llegó la pizza fría y con otro sabor, ya van dos veces este mes", "complaint", "negative", ""),
    ("Perdieron la conexión de mi vuelo por el retraso y ahora me toca dormir en el aeropuerto con un bebé", "complaint", "negative", ""),
    ("Mi póliza dice cobertura total y ahora resulta que el granizo no entra", "complaint", "negative", ""),
    # complaints as questions / polite
    ("¿Me explican cómo puede ser que el reembolso tarde 45 días si el cobro fue instantáneo?", "complaint", "negative", ""),
    ("¿Hay alguna forma de hablar con una persona y no con un robot que repite lo mismo?", "complaint", "negative", ""),
    ("¿Es en serio que me cobran por enviar la factura en papel que nunca pedí?", "complaint", "negative", ""),
    ("¿Qué tengo que hacer para que alguien lea los correos que mando desde septiembre?", "complaint", "negative", ""),
    ("Buenos días, con todo respeto: el técnico dejó la instalación a medias y el cable cruzando el pasillo. ¿Cuándo vuelven?", "complaint", "negative", ""),
    ("Estimados, solicito amablemente la devolución del importe cobrado por duplicado el día 2. Quedo atenta.", "complaint", "negative", ""),
    ("Les agradecería que revisaran mi caso, la app me descuenta puntos que nunca usé", "complaint", "negative", ""),
    # sarcasm / insults
    ("Qué maravilla pagar premium para ver la ruedita girando 😌", "complaint", "negative", ""),
    ("Felicitaciones al genio que diseñó la nueva app, ahora no encuentro ni el botón de pagar 👏", "complaint", "negative", ""),
    ("Cinco estrellas para la espera de 2 horas en la línea de atención ⭐⭐⭐⭐⭐", "complaint", "negative", ""),
    ("Impresionante cómo logran empeorar cada actualización 🤌", "complaint", "negative", ""),
    ("sinvergüenzas", "complaint", "negative", ""),
    ("manga de chorros", "complaint", "negative", ""),
    ("son una burla", "complaint", "negative", ""),
    ("ratas", "complaint", "negative", ""),
    # questions
    ("¿El seguro de hogar cubre daños por agua del vecino de arriba?", "question", "neutral", ""),
    ("Hola, ¿puedo compartir mi cuenta con alguien que vive en otra ciudad?", "question", "neutral", ""),
    ("¿Qué farmacias abren las 24 horas en Valparaíso?", "question", "neutral", ""),
    ("¿Cómo congelo la membresía del gym si me voy de viaje un mes?", "question", "neutral", ""),
    ("¿El envío a Cusco tiene costo extra?", "question", "neutral", ""),
    ("Buenas, ¿cuánto sale el plan familiar con cuatro perfiles?", "question", "neutral", ""),
    ("¿Me conviene cambiarme al plan de datos ilimitados si uso mucho el GPS?", "question", "neutral", ""),
    ("¿Aceptan mascotas en el viaje compartido? tengo un gato chiquito", "question", "neutral", ""),
    ("¿Se puede pagar la cuota con Mercado Pago?", "question", "neutral", ""),
    ("holaa una preguntita, ¿la app funciona en tablets viejas?", "question", "neutral", ""),
    ("me equivoqué de sabor al pedir, ¿lo puedo cambiar antes que salga?", "question", "neutral", ""),
    ("mandé la transferencia al CBU viejo de ustedes sin querer, ¿la reciben igual?", "question", "neutral", ""),
    ("escribí mal mi correo al registrarme, ¿cómo lo corrijo?", "question", "neutral", ""),
    ("¿Dónde dejo la receta para que me la preparen?", "question", "neutral", ""),
    # praise (incl. negation/problem words)
    ("El chofer esperó 10 minutos a mi abuela sin decir nada y la ayudó con las bolsas. Gente así vale oro", "praise", "positive", ""),
    ("Tuve un choque leve y el seguro mandó la grúa en 20 minutos. No me lo esperaba, gracias", "praise", "positive", ""),
    ("No hubo ni un solo problema con la mudanza de línea, impecable", "praise", "positive", ""),
    ("La farmacéutica de la calle Sucre me explicó todo con una paciencia enorme", "praise", "positive", ""),
    ("me llegó el pedido mal y en 15 min ya tenía el correcto. Así sí dan ganas de volver", "praise", "positive", ""),
    ("Nada que reclamar: puntuales, amables y baratos", "praise", "positive", ""),
    ("Hace años que no veía una atención así, un diez", "praise", "positive", ""),
    ("qué buena la función nueva de dividir la cuenta 👌", "praise", "positive", ""),
    ("Les quiero agradecer porque me devolvieron lo del cobro duplicado sin tener que insistir", "praise", "positive", ""),
    ("Me dio miedo el cambio de compañía pero fue facilísimo 😊", "praise", "positive", ""),
    # other
    ("El gimnasio de mi barrio cerró y ahora voy al de {b}, veremos", "other", "neutral", ""),
    ("Ayer vi en la tele que {b} compró a otra empresa de reparto", "other", "neutral", ""),
    ("Se busca repartidor con moto para zona norte, no es de {b}, es de mi tío", "other", "neutral", ""),
    ("Concurso: adivina el marcador y gana un mes gratis de {b} 🎉", "other", "neutral", ""),
    ("qué horrible es esperar el colectivo bajo la lluvia", "other", "negative", ""),
    ("Me robaron el corazón los perritos del anuncio de {b} 😭", "other", "positive", ""),
    ("¿Vieron el último capítulo? el final fue un fraude total jaja", "other", "negative", ""),
    ("Mi vieja dice que en su época el correo tardaba un mes y nadie se quejaba", "other", "neutral", ""),
    ("cuando la pizza llega antes que el novio 💅", "other", "positive", ""),
    ("Dicen que {b} va a subir los precios en enero, ¿alguien sabe algo?", "other", "neutral", ""),
    ("Hoy no sirvo para nada, dormí fatal", "other", "negative", ""),
    ("Reunión de exempleados de {b} el viernes, ¿quién se anota?", "other", "positive", ""),
    ("hilo: cosas que aprendí trabajando 3 años en un call center 🧵", "other", "neutral", ""),
    ("Ese gol fue un robo, el árbitro estaba comprado", "other", "negative", ""),
    ("Quiero cambiar de celular pero todos son carísimos, qué desastre la economía", "other", "negative", ""),
    ("Inversión segura 💰 te enseño a ganar en dólares, escribime", "other", "neutral", ""),
    ("la abuela ya usa la app de pedidos mejor que yo jajaja", "other", "positive", ""),
    ("Encuesta: ¿qué app de películas usan más? RT", "other", "neutral", ""),
    ("Reportaje sobre el fraude en las apuestas deportivas esta noche a las 22", "other", "neutral", ""),
    ("se me cayó el helado al piso, el peor día de mi vida 😩", "other", "negative", ""),
    ("Mañana corte programado de agua en el centro por obras, avisen a sus vecinos", "other", "neutral", ""),
    ("Esta playlist de {b} para correr es lo más", "praise", "positive", ""),
    # urgent
    ("Me llegó una notificación de compra en una tienda de Miami que nunca pisé. Yo no fui, bloqueen todo", "complaint", "negative", "fraud"),
    ("Revisé el resumen y hay tres débitos de la misma app que jamás descargué", "complaint", "negative", "fraud"),
    ("De repente mi celular quedó sin señal y al rato me entró un aviso de transferencia por 900 mil pesos", "complaint", "negative", "fraud"),
    ("Alguien pidió un chip nuevo con mi número en una tienda suya y ahora no tengo línea", "complaint", "negative", "fraud"),
    ("Me descontaron plata por un viaje en Bogotá, yo vivo en Lima", "complaint", "negative", "fraud"),
    ("Se me cayó la billetera en el taxi con la tarjeta de débito adentro, ¿cómo la anulo?", "question", "neutral", "lost_card"),
    ("Me arrebataron el celular en la calle y tengo la app del banco abierta ahí", "complaint", "negative", "lost_card"),
    ("Alguien cambió el correo de mi cuenta de películas y me sacó de todos los dispositivos", "complaint", "negative", "hacked"),
    ("Me saltan avisos de inicio de sesión desde Rusia, no soy yo", "complaint", "negative", "hacked"),
    ("Un perfil con su logo me escribió por privado ofreciendo devolverme el dinero si le paso los datos de la tarjeta", "question", "neutral", "phishing"),
    ("Ojo: están llegando correos de 'AguaViva' con un link para pagar una deuda que no existe", "other", "negative", "phishing"),
    ("Un tipo llamó diciendo ser del seguro y me pidió el código que me llegó por SMS, colgué. ¿Es de ustedes?", "question", "neutral", "phishing"),
    ("El conductor iba mirando el celular a 120 en la autopista, tuve que pedirle que frenara", "complaint", "negative", "safety"),
    ("La estufa que compré larga olor a quemado y se pone negra la pared", "complaint", "negative", "safety"),
    ("El agua sale marrón y con olor raro en toda la cuadra, hay niños tomando de esto", "complaint", "negative", "safety"),
    ("Me dieron un medicamento distinto al de la receta, por suerte me di cuenta antes de tomarlo", "complaint", "negative", "safety"),
    ("Ya presenté la queja en la Superintendencia de Salud, no pienso dejarlo así", "complaint", "negative", "legal"),
    ("Mi abogada les va a mandar la carta documento esta semana", "complaint", "negative", "legal"),
    ("Esto termina en Profeco, ya junté todas las capturas", "complaint", "negative", "legal"),
    ("Voy a reclamar a la Oficina Municipal de Consumo con la hoja de reclamación sellada", "complaint", "negative", "legal"),
    ("Hice la denuncia en Indecopi, tienen 15 días", "complaint", "negative", "legal"),
    ("Reclamo ingresado al SERNAC por la póliza que no cubrieron", "complaint", "negative", "legal"),
    ("¿Soy la única? no puedo pedir nada en la app, a mis amigos tampoco les deja desde hace una hora", "question", "negative", "outage"),
    ("En toda Córdoba no hay datos móviles desde el mediodía, ni whatsapp funciona", "complaint", "negative", "outage"),
    ("Media ciudad sin agua y ningún comunicado oficial", "complaint", "negative", "outage"),
    ("Ninguna tarjeta de ustedes pasa en los comercios hoy, ni en el súper", "complaint", "negative", "outage"),
    ("Ya le escribí a un periodista de Canal 13 con todas las pruebas", "complaint", "negative", "press"),
    ("Tengo 80 mil seguidores y les voy a contar cómo tratan a los clientes", "complaint", "negative", "press"),
    ("Este video ya tiene 200 mil vistas, a ver si ahora sí responden", "complaint", "negative", "press"),
    ("Último aviso: si el lunes no está resuelto me paso a la competencia", "complaint", "negative", "churn"),
    ("Cancelo la suscripción hoy, no vale lo que cuesta", "complaint", "negative", "churn"),
    ("Ya firmé con otra aseguradora, solo quiero que me devuelvan lo que pagué", "complaint", "negative", "churn"),
]  # fmt: skip

EN: list[tuple[str, str, str, str]] = [
    ("Ordered dinner 90 minutes ago, the app has said 'nearly there' for 40 and the rider's phone goes straight to voicemail", "complaint", "negative", ""),
    ("Made a claim on my home insurance in August. It's November. Still 'under review'", "complaint", "negative", ""),
    ("Driver cancelled at 5am and I was the one charged the cancellation fee", "complaint", "negative", ""),
    ("Paying for the ad-free tier and getting ads every episode", "complaint", "negative", ""),
    ("Third water bill in a row with a made-up reading. Two of us live here, you're billing us like a hotel", "complaint", "negative", ""),
    ("Went in to collect my prescription and was told the system's been down since yesterday. What about my meds?", "complaint", "negative", ""),
    ("Joined the gym in January and half the machines still have 'out of order' signs on them", "complaint", "negative", ""),
    ("Parcel went back to sender without anyone ringing the bell, I was home all day", "complaint", "negative", ""),
    ("Bought a fan that sounds like a light aircraft. First week of use.", "complaint", "negative", ""),
    ("Moved a month ago and my line still isn't installed, new date every week", "complaint", "negative", ""),
    ("Film freezes at 20 minutes on the TV, the phone and the laptop", "complaint", "negative", ""),
    ("Branch tells me to use the app, the app tells me to go to the branch 🔁", "complaint", "negative", ""),
    ("Pizza turned up cold and the wrong flavour, second time this month", "complaint", "negative", ""),
    ("Missed my connection because of your delay and now I'm sleeping at the airport with a baby", "complaint", "negative", ""),
    ("Policy says full cover and now hail apparently isn't included", "complaint", "negative", ""),
    ("How can a refund take 45 days when the charge was instant?", "complaint", "negative", ""),
    ("Is there any way to talk to a human instead of a bot that repeats itself?", "complaint", "negative", ""),
    ("Are you seriously charging me for paper bills I never asked for?", "complaint", "negative", ""),
    ("What do I need to do for someone to read the emails I've been sending since September?", "complaint", "negative", ""),
    ("Morning, with respect: the engineer left the install half done with a cable across the hallway. When are you coming back?", "complaint", "negative", ""),
    ("Dear team, I kindly request a refund of the amount charged twice on the 2nd. Regards.", "complaint", "negative", ""),
    ("Would appreciate someone checking my account, the app keeps taking points I never used", "complaint", "negative", ""),
    ("Love paying premium to watch the loading wheel 😌", "complaint", "negative", ""),
    ("Congrats to whoever designed the new app, I can't even find the pay button now 👏", "complaint", "negative", ""),
    ("Five stars for the 2-hour hold music ⭐⭐⭐⭐⭐", "complaint", "negative", ""),
    ("Impressive how every update manages to make it worse 🤌", "complaint", "negative", ""),
    ("crooks", "complaint", "negative", ""),
    ("bunch of cowboys", "complaint", "negative", ""),
    ("what a shambles", "complaint", "negative", ""),
    ("pathetic", "complaint", "negative", ""),
    ("Does home insurance cover water damage from the flat upstairs?", "question", "neutral", ""),
    ("Hi, can I share my account with someone living in another city?", "question", "neutral", ""),
    ("Which pharmacies are open 24 hours in Bristol?", "question", "neutral", ""),
    ("How do I freeze my gym membership while I'm travelling for a month?", "question", "neutral", ""),
    ("Is there an extra charge for delivery to the Highlands?", "question", "neutral", ""),
    ("Hiya, how much is the family plan with four profiles?", "question", "neutral", ""),
    ("Would the unlimited data plan be worth it if I use GPS a lot?", "question", "neutral", ""),
    ("Are pets allowed on shared rides? just a small cat", "question", "neutral", ""),
    ("Can I pay the monthly fee with PayPal?", "question", "neutral", ""),
    ("heyy quick one, does the app work on older tablets?", "question", "neutral", ""),
    ("I picked the wrong flavour when ordering, can I change it before it goes out?", "question", "neutral", ""),
    ("I accidentally sent the payment to your old account details, will it still reach you?", "question", "neutral", ""),
    ("Typed my email wrong when I signed up, how do I correct it?", "question", "neutral", ""),
    ("Where do I drop off a prescription to be made up?", "question", "neutral", ""),
    ("The driver waited 10 minutes for my nan without a word and helped with her bags. People like that are gold", "praise", "positive", ""),
    ("Had a minor crash and the insurer sent a tow truck in 20 minutes. Didn't expect that, thank you", "praise", "positive", ""),
    ("Not a single problem moving my line, spotless", "praise", "positive", ""),
    ("The pharmacist on High Street explained everything so patiently", "praise", "positive", ""),
    ("order came wrong and 15 min later I had the right one. That's how you keep customers", "praise", "positive", ""),
    ("Nothing to complain about: on time, friendly and cheap", "praise", "positive", ""),
    ("Haven't had service like that in years, ten out of ten", "praise", "positive", ""),
    ("loving the new split-the-bill feature 👌", "praise", "positive", ""),
    ("Want to say thanks for refunding the double charge without me having to chase", "praise", "positive", ""),
    ("Was dreading switching provider but it was dead easy 😊", "praise", "positive", ""),
    ("My local gym closed so I'm trying {b} now, we'll see", "other", "neutral", ""),
    ("Saw on the news that {b} bought another delivery company", "other", "neutral", ""),
    ("Looking for a rider with a scooter for the north side, not {b}, my uncle's place", "other", "neutral", ""),
    ("Competition: guess the score and win a free month of {b} 🎉", "other", "neutral", ""),
    ("waiting for the bus in the rain is the worst", "other", "negative", ""),
    ("The dogs in the {b} advert stole my heart 😭", "other", "positive", ""),
    ("Did you see the last episode? the ending was a total con lol", "other", "negative", ""),
    ("My mum says in her day the post took a month and nobody moaned", "other", "neutral", ""),
    ("when the pizza arrives before the boyfriend 💅", "other", "positive", ""),
    ("Heard {b} is putting prices up in January, anyone know?", "other", "neutral", ""),
    ("Useless today, slept terribly", "other", "negative", ""),
    ("Ex-{b} staff reunion on Friday, who's in?", "other", "positive", ""),
    ("thread: things I learnt working 3 years in a call centre 🧵", "other", "neutral", ""),
    ("That goal was robbery, the ref was bought", "other", "negative", ""),
    ("Want a new phone but they're all so expensive, economy is a disaster", "other", "negative", ""),
    ("Safe investment 💰 I'll teach you to earn in dollars, DM me", "other", "neutral", ""),
    ("gran uses the food app better than me now haha", "other", "positive", ""),
    ("Poll: which streaming app do you use most? RT", "other", "neutral", ""),
    ("Documentary on sports betting fraud tonight at 10", "other", "neutral", ""),
    ("dropped my ice cream on the floor, worst day of my life 😩", "other", "negative", ""),
    ("Planned water shutoff in the town centre tomorrow for roadworks, tell your neighbours", "other", "neutral", ""),
    ("This {b} running playlist is the best", "praise", "positive", ""),
    ("Got a notification for a purchase at a shop in Miami I've never set foot in. Wasn't me, block everything", "complaint", "negative", "fraud"),
    ("Checked my statement and there are three debits from an app I never downloaded", "complaint", "negative", "fraud"),
    ("My phone suddenly lost signal and shortly after I got an alert for a $900 transfer", "complaint", "negative", "fraud"),
    ("Someone got a new SIM with my number at one of your stores and now I have no service", "complaint", "negative", "fraud"),
    ("You took money for a ride in Chicago, I live in Leeds", "complaint", "negative", "fraud"),
    ("Dropped my wallet in a cab with my debit card in it, how do I cancel it?", "question", "neutral", "lost_card"),
    ("My phone was grabbed out of my hand in the street and the banking app was open on it", "complaint", "negative", "lost_card"),
    ("Someone changed the email on my streaming account and kicked me off every device", "complaint", "negative", "hacked"),
    ("Getting sign-in alerts from Russia, that's not me", "complaint", "negative", "hacked"),
    ("A profile using your logo DMed me offering a refund if I send my card details", "question", "neutral", "phishing"),
    ("Heads up: emails from 'AguaViva' going round with a link to pay a debt that doesn't exist", "other", "negative", "phishing"),
    ("A guy rang saying he was from the insurer and asked for the code I got by text, I hung up. Is that you?", "question", "neutral", "phishing"),
    ("The driver was on his phone doing 80 on the motorway, I had to ask him to slow down", "complaint", "negative", "safety"),
    ("The heater I bought smells of burning and the wall behind it is going black", "complaint", "negative", "safety"),
    ("Water coming out brown with a strange smell across the whole street, kids are drinking this", "complaint", "negative", "safety"),
    ("I was given a different medicine from the prescription, luckily noticed before taking it", "complaint", "negative", "safety"),
    ("Complaint lodged with the Financial Ombudsman, not letting this go", "complaint", "negative", "legal"),
    ("My lawyer is sending you a letter this week", "complaint", "negative", "legal"),
    ("This is going to the Better Business Bureau, screenshots ready", "complaint", "negative", "legal"),
    ("Reported you to Trading Standards", "complaint", "negative", "legal"),
    ("Filed with the CFPB, you have 15 days", "complaint", "negative", "legal"),
    ("Citizens Advice said I should take this to the ombudsman, so I am", "complaint", "negative", "legal"),
    ("Just me? can't order anything in the app, my friends can't either for the last hour", "question", "negative", "outage"),
    ("No mobile data anywhere in Leeds since noon, even WhatsApp won't send", "complaint", "negative", "outage"),
    ("Half the city without water and not a single official update", "complaint", "negative", "outage"),
    ("None of your cards work in shops today, not even at the supermarket", "complaint", "negative", "outage"),
    ("Already emailed a reporter at the local paper with all the evidence", "complaint", "negative", "press"),
    ("I've got 80k followers and I'm going to tell them how you treat customers", "complaint", "negative", "press"),
    ("This video is at 200k views, maybe now you'll answer", "complaint", "negative", "press"),
    ("Final warning: if it's not fixed by Monday I'm going to a competitor", "complaint", "negative", "churn"),
    ("Cancelling my subscription today, not worth the money", "complaint", "negative", "churn"),
    ("Already signed with another insurer, I just want back what I paid", "complaint", "negative", "churn"),
]  # fmt: skip

PREFIX = ["", "", "", "{b} ", "{b} ", "{b} ", "hey {b} ", "{b} hola ", ".{b} "]
SUFFIX = ["", "", "", " {b}", " 😑", " 🙏🏼", " #help", " #quejas", " …", " 1/2", " 😒", " 😁",
          " https://bit.ly/3xYz", " pic.twitter.com/AbC123"]  # fmt: skip


def _noise(text: str, lang: str, rng: random.Random) -> str:
    if lang == "es" and rng.random() < 0.3:
        text = strip_accents(text)
    if rng.random() < 0.1:
        # Voice typing: punctuation gone, one run-on sentence.
        text = text.replace(".", "").replace(",", "").replace("¿", "").replace("?", "")
    if rng.random() < 0.08:
        # Doubled letters for emphasis.
        words = text.split(" ")
        i = rng.randrange(len(words))
        w = words[i]
        if w and w[-1].isalpha():
            words[i] = w + w[-1] * rng.randint(2, 4)
        text = " ".join(words)
    if rng.random() < 0.1:
        text = text.lower()
    return text


def generate(seed: int = 1511, copies: int = 7) -> list[dict]:
    """Each bank entry in `copies` surface forms (handles, tags, noise), both languages."""
    rng = random.Random(seed)
    rows = []
    for lang, bank in (("es", ES), ("en", EN)):
        for text, intent, sentiment, urgent in bank:
            for _ in range(copies):
                brand = "@" + rng.choice(BRANDS_D)
                slots = {"b": brand}
                body = fill(text, slots, rng)
                post = fill(rng.choice(PREFIX), slots, rng) + body
                post += fill(rng.choice(SUFFIX), slots, rng)
                post = tidy(_noise(post, lang, rng))
                rows.append(
                    {
                        "text": post,
                        "lang": lang,
                        "intent": intent,
                        "sentiment": sentiment,
                        "urgent": urgent,
                        "writer": "D",
                    }
                )
    return rows
