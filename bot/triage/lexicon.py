"""Approach A: a hand-built Spanish + English cue lexicon for intent and sentiment.

Used on its own as a baseline, and as extra features for the linear model (the hybrid, which is
what runs; see docs/triage.md). Cues are matched on folded text (lowercase, no accents) at word
boundaries, so "no llegó", "no llego" and "NO LLEGO" are one cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.triage.text import fold, strip_noise

# Facts that say the brand broke an expectation.
COMPLAINT_CUES = """
no funciona|no anda|no andan|no carga|no llega|no llego|no me llego|no ha llegado|nunca llego|
sin servicio|sin internet|sin senal|sin luz|sin linea|sin respuesta|sin info|sin solucion|
me cobraron|me cobran|cobrarme|cobro doble|dos veces|me debitaron|cargo que no|no reconozco|
reembolso|devolucion|devuelvan|devolverme|mi plata|mi dinero|
todavia no|aun no|sigo esperando|sigo sin|sigue sin|sigue en|ya van|llevo|
hace \\d+|\\d+ dias|\\d+ days|\\d+ weeks|\\d+ semanas|
nadie|ni un|ni una|ni siquiera|nunca mas|no vuelvo|
pesimo|pesima|horrible|desastre|verguenza|vergonzoso|impresentable|mierda|chafa|porqueria|basura|
estafa|robo|fraude|harto|harta|cansado|cansada|me canse|queja|reclamo|decepcion|decepcionado|
decepcionada|decepcionaron|lamentable|falta de respeto|falta de profesionalismo|maleducado|
roto|rota|rayada|equivocado|equivocada|equivocados|defectuoso|incompleto|usado|bloqueado|bloqueada|
no puedo|no me dejan|no me deja|error|se cayo|se corta|se cierra|caida|retraso|retraso|demora|
tarda|tardo|cancelaron|perdieron|perdi|otra vez|de nuevo|tercera vez|cuarta vez|quinta vez|
no me devuelven|no contestan|no responden|no atienden|nunca atienden|no contesta|nunca aparecio|
exijo|bloquearon|rechazan|clonaron|clonada|hackearon|me robaron|no hacen nada|
inaceptable|no puede ser|no es normal|es normal que|tomar el pelo|toman el pelo|jugando con|
engañosa|enganosa|penalizacion|no respetan|no se parece|ni el|
doesn't work|does not work|not working|isn't working|won't|wont|never arrived|hasn't arrived|
has not arrived|not arrived|didn't arrive|never came|still waiting|still no|still not|still hasn't|
still haven't|still shows|no one|nobody|noone|charged twice|double charged|billed twice|billing me|
refund|awful|terrible|worst|horrible|useless|joke|rubbish|trash|disgrace|shameful|ridiculous|
unacceptable|not acceptable|disappointed|disappointing|letdown|scam|rip off|ripoff|fed up|sick of|
fuming|broken|smashed|damaged|wrong|missing|can't|cannot|can not|error|outage|dropped|drops|
delayed|late|cancelled|canceled|lost|losing|never again|again|third time|fourth time|
how many more|on hold|no reply|no answer|no response|unknown charge|overcharged|late fee|
declined|locked|hacked|stolen|cloned|switching|fraud|misleading|rude|not ok|not okay|
not impressed|poor|kidding me|missed my|unprofessional|penalty|not honour|not honor|
didn't turn up|never showed|no show|stuck|hasn't updated|fix it|sort it out|arreglen|
por que me|por que tengo|explica por que|cuanto mas|peor|asco|dejo de funcionar|esperaba mas|
why is there|why do you|why am i|why is my|why should i|explain why|how much longer|keeps crashing|
expected better|wasted|done with|billed for|cancel my|dar de baja|di de baja|
"""

SARCASM_CUES = """
gracias por nada|thanks for nothing|muy amables|so kind|bravo|de lujo|que bonito|que lindo pagar|
que eficientes|how efficient|love paying|so glad i pay|kudos on|nice job|appreciate the|
genial otra vez|genial, otra vez|great, another|great another|great, third|oh lovely|
fantastic|brilliant bank|super, el|superb|increible 🙄
"""
SARCASM_EMOJI = ("🙃", "🙄", "😒", "🤡", "😤", "😡", "🤬")

PRAISE_CUES = """
gracias|muchas gracias|mil gracias|thank you|thanks|cheers|excelente|excellent|genial|great|
increible|amazing|impressive|impresionante|buenisimo|buenisima|muy buena|muy bueno|que buena|
que buen|buen trabajo|good job|well done|bien hecho|bien ahi|recomiendo|recommend|love|loved|
loving|me encanta|me encanto|encanto|perfecto|perfecta|perfect|perfectly|impecable|spotless|
flawless|rapidisimo|super rapido|crack|legend|star|genio|10/10|felicitaciones|felicito|happy|
contento|contenta|conforme|feliz|brilliant|top|best|la mejor|el mejor|lujo|chido|chida|lovely|
kind|amables|helpful|patient|paciencia|a dream|maravilla|un sol|an angel|agradecida|agradecido|
agradezco|grateful|appreciate|appreciated|se agradece|5 estrellas|5 stars|full marks|fab|nailed|
props|hats off|aplauso|applause|shout out|mencion especial|obsessed|amo|sweet|chuffed|
da gusto|puntual|de 10|un 10|barbaro|sos lo mas|me salvo|supero|exceeded|hassle-free|sin vueltas|
good|pleased|nice one|order again|volveria|llego antes|came early|arrived early|on time|a horario|
"""
PRAISE_EMOJI = ("❤", "😍", "🙌", "🥰", "💙", "😊", "🥹", "👌", "🚀", "💪", "🎉")

QUESTION_CUES = """
como|cuanto|cuanta|cual|cuales|donde|cuando|puedo|se puede|pueden|podrian|podrias|tienen|
hay|consulta|consulto|pregunta|duda|quisiera saber|quiero saber|sabes|sabés|me interesa|
how|what|where|when|which|can i|do you|does|is there|are there|could you|can you|do i|
is it|is the|quick question|one question|wondering|any
"""

SPAM_CUES = """
gana|ganar|earn|sigueme|siguenos|follow me|follow us|followback|seguidores|followers|likes|
link in bio|link en bio|en mi perfil|in bio|crypto|criptomonedas|bitcoin|forex|sorteo|sorteamos|
giveaway|rt|dale rt|dm me|mi privado|vendo|selling|invierte|invest|prestamos|loans|curso|course|
gratis|free|registrate|sign up|con mi codigo|my code|descarga|download|suscribete|subscribe|
encuesta|survey|oferta imperdible|outlet|loteria|lottery|win|gana un|gift card|canal|channel|
podcast|blog|ebook|inscribete|escribime|message me|mandá dm|manda dm|dm us|escribenos
"""


def _compile(cues: str) -> re.Pattern[str]:
    terms = sorted({c.strip() for c in cues.replace("\n", "").split("|") if c.strip()}, key=len)
    alternation = "|".join(t if "\\" in t else re.escape(t) for t in reversed(terms))
    return re.compile(rf"(?<![\w'])(?:{alternation})(?![\w'])")


_COMPLAINT = _compile(COMPLAINT_CUES)
_SARCASM = _compile(SARCASM_CUES)
_PRAISE = _compile(PRAISE_CUES)
_QUESTION = _compile(QUESTION_CUES)
_SPAM = _compile(SPAM_CUES)
_NEGATED = re.compile(r"(?<![\w'])(?:no|not|never|nunca|ni|nada|isn't|wasn't)\s+(?:\w+\s+)?$")


@dataclass(frozen=True)
class Cues:
    complaint: int
    sarcasm: int
    praise: int
    negated_praise: int
    question: int
    question_mark: bool
    spam: int
    praise_emoji: int
    sarcasm_emoji: int
    exclamations: int
    words: int


@lru_cache(maxsize=4096)
def count_cues(text: str) -> Cues:
    """Cue counts for one post (cached: triage and the feature builder both ask)."""
    raw = strip_noise(text)
    folded = fold(raw)
    praise = negated = 0
    for m in _PRAISE.finditer(folded):
        if _NEGATED.search(folded[max(0, m.start() - 20) : m.start()]):
            negated += 1
        else:
            praise += 1
    head = folded.lstrip("¿¡ ")
    return Cues(
        complaint=len(_COMPLAINT.findall(folded)),
        sarcasm=len(_SARCASM.findall(folded)),
        praise=praise,
        negated_praise=negated,
        question=len(_QUESTION.findall(head[:40])),
        question_mark="?" in raw or "¿" in raw,
        spam=len(_SPAM.findall(folded)),
        praise_emoji=sum(raw.count(e) for e in PRAISE_EMOJI),
        sarcasm_emoji=sum(raw.count(e) for e in SARCASM_EMOJI),
        exclamations=raw.count("!"),
        words=len(folded.split()),
    )


def classify_by_lexicon(text: str) -> tuple[str, str]:
    """(intent, sentiment) from the cue lexicon alone."""
    c = count_cues(text)
    ironic = (c.sarcasm or c.sarcasm_emoji) and (c.complaint or c.sarcasm_emoji or "👏" in text)
    complaint = c.complaint + c.negated_praise + (2 if ironic else 0)
    praise = 0 if ironic else c.praise + c.praise_emoji
    asks = c.question_mark or c.question > 0 and c.words <= 12
    if complaint and complaint >= praise:
        intent = "complaint"
    elif asks and c.spam < 2:
        intent = "question"
    elif praise and c.spam == 0:
        intent = "praise"
    else:
        intent = "other"
    if intent == "complaint":
        sentiment = "negative"
    elif intent == "praise" or praise >= 1 and intent == "question":
        sentiment = "positive"
    else:
        sentiment = "neutral"
    return intent, sentiment
