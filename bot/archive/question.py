"""Understand a question to the archive, in Danish or English, without a language model.

Two pure halves:

* `parse_question` turns text into a `Question`: the language (function words, æøå), the intent by
  word lists (actions, who, decisions, statements, else plain search), a speaker (a participant's
  name fuzzy-matched, or a role word such as `politidirektøren` matched to participants' titles),
  a period (bot.text.dates.find_period) and the topic terms left once question words are gone.
* `term_alternatives` turns one topic term into the index's own words that should count as it,
  through `Vocabulary.expand` (bot/archive/vocabulary.py: exact and inflected forms, compounds and
  typo neighbours). Nothing here builds FTS5 syntax; storage quotes whatever it is given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from rapidfuzz import fuzz, process

from bot.archive.vocabulary import (
    ENDINGS,
    FUZZY_CUTOFF,
    MAX_EXPANSIONS,
    Vocabulary,
    fold,
    index_form,
)
from bot.archive.vocabulary import stem as _stem
from bot.text.dates import Period, find_period

Lang = Literal["da", "en"]
Intent = Literal["decisions", "statements", "who", "actions", "when", "search"]
# Facts of a meeting's frame that a question may ask for instead of what was said.
Fact = Literal[
    "attendance", "absent", "referent", "chair", "title", "place", "time", "agenda", "next_meeting"
]

MAX_TERMS = 6  # AND of more words than this finds nothing in minutes; keep the first ones

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_PAGE_WORD = re.compile(r"side|page|s\.|p\.", re.IGNORECASE)

# Singular definite and genitive endings of a role word (`politidirektøren`, `borgmesterens`); plurals
# (`konsulenter`) are more often a topic than a speaker.
_ROLE_ENDINGS = ("ens", "en", "ns", "n", "s")


# English topic words with their Danish counterparts (stems), so an English question finds Danish
# minutes for the domain's common subjects. The Danish side expands like any Danish term.
EN_DA_GLOSSARY: dict[str, tuple[str, ...]] = {
    "burglary": ("indbrud",),
    "burglaries": ("indbrud",),
    "break-in": ("indbrud",),
    "drug": ("narko", "narkotika"),
    "drugs": ("narko", "narkotika"),
    "narcotics": ("narko", "narkotika"),
    "violence": ("vold",),
    "crime": ("kriminalitet",),
    "cybercrime": ("it-kriminalitet",),
    "youth": ("unge",),
    "young": ("unge",),
    "children": ("børn",),
    "child": ("børn", "barn"),
    "family": ("familie",),
    "families": ("familie",),
    "cooperation": ("samarbejde",),
    "collaboration": ("samarbejde",),
    "police": ("politi",),
    "municipality": ("kommune",),
    "agreement": ("aftale",),
    "budget": ("budget", "økonomi"),
    "economy": ("økonomi",),
    "project": ("projekt",),
    "prevention": ("forebyggelse",),
    "preventing": ("forebyggelse",),
    "mental": ("psykisk",),
    "psychiatric": ("psykiatri", "psykisk"),
    "safety": ("tryghed", "sikkerhed"),
    "security": ("sikkerhed", "tryghed"),
    "weapon": ("våben",),
    "weapons": ("våben",),
    "housing": ("bolig",),
    "area": ("område",),
    "areas": ("område",),
    "initiative": ("indsats", "initiativ"),
    "initiatives": ("indsats", "initiativ"),
    "traffic": ("trafik",),
    "fire": ("brand",),
    "preparedness": ("beredskab",),
    "emergency": ("beredskab",),
    "digitalisation": ("digitalisering",),
    "digitalization": ("digitalisering",),
    "anniversary": ("jubilæum",),
    "school": ("skole",),
    "schools": ("skole",),
    "victim": ("offer",),
    "victims": ("ofre", "offer"),
    "abuse": ("misbrug",),
    "addiction": ("misbrug",),
    "plan": ("plan",),
    "multi-year": ("flerårsaftale",),
    "multiyear": ("flerårsaftale",),
    "status": ("status",),
    "seminar": ("seminar",),
    "robbery": ("røveri",),
    "theft": ("tyveri",),
    "gang": ("bande",),
    "gangs": ("bande",),
}


# --------------------------------------------------------------------------------------- questions


@dataclass(frozen=True)
class PersonRef:
    """A participant as the archive knows them: one per distinct (name, title)."""

    name: str
    title: str | None = None


@dataclass(frozen=True)
class Speaker:
    """Whom the question asks about: the words it used and every participant they can mean."""

    words: str  # as written: "Helle Støve", "politidirektøren"
    people: tuple[PersonRef, ...]
    by_role: bool  # matched through a title, so the title is part of the filter
    # Named by a first name (or initials) that several people share: answers group by person.
    shared: bool = False
    # Named by an organisation (`kommunen`): its people, as they sat for it in each meeting.
    organisations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    text: str  # the question as asked, without a trailing `side N`
    lang: Lang
    intent: Intent
    topic_terms: tuple[str, ...]  # lower case; a multi-word term ("bo trygt") is a phrase
    topic_text: str  # the topic as the user wrote it, for echoing back
    speaker: Speaker | None
    period: Period | None
    page: int = 1
    fact: Fact | None = None  # a fact of the meeting's frame, asked instead of what was said
    item_number: int | None = None  # `punkt 4`, `Ad 4`, `pkt. 3`, `item 4`
    latest: bool = False  # `seneste`, `latest`: only the newest meeting that matches
    open_only: bool = False  # `åbne opgaver`, `open action items`: not done (or, untracked, not yet due)
    command_line: bool = False  # asked with `referat ask`: a hint shows that command, not Slack's


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DA_MARKERS = _wordset(
    "hvad hvem hvilke hvilken hvilket hvornår hvordan hvorfor hvor blev bliver om og i på af til med er "
    "der det den de sagde har havde siden sidste år måned uge besluttet besluttede aftalt opgaver nogen "
    "noget ikke også eller"
)
_EN_MARKERS = _wordset(
    "what who which when how why was were is are the a an on about did does do said say decided decide "
    "decisions in of and since last year month week tasks anything any regarding concerning has have "
    "been by"
)

_QUESTION_WORDS = _wordset(
    "hvad hvem hvilke hvilken hvilket hvornår hvordan hvorfor what who which when how why"
)
_STOP_DA = _wordset(
    """
    ad af al alle alt altid anden andet andre angående at bare begge blev blevet blive bliver da de dem den
    denne der deres det dette dig din dine disse dit du efter eller emne emnet emner en end endnu er et
    fik for fra få gang gjorde gør gøre gå har havde have hende hendes her hos hun hvad hvem hver hvilke
    hvilken hvilket hvis hvor hvordan hvorfor hvornår i ikke ind ingen jeg jer jo kan kom kommer kunne man
    mange med meget men mig min mine mit mod må møde mødet møder møderne ned noget nogen nogle nok nu
    når og også om omkring op os over på referat referatet referater referaterne arkivet sagde sagt
    selv sig sin sine sit skal skete sket skulle som så sådan til ud under var ved vedrørende vi vil
    ville vor vores været være vise vis fortæl find søg hele helt lige mht ang vedr står stod
    """
)
_STOP_EN = _wordset(
    """
    a about all also an and any anything are as at be been being but by can could did do does done for
    from get got had has have he her him his how i in into is it its me meeting meetings minutes archive
    my of on or our regarding concerning re say said says she so some something than that the their them
    then there these they this those to topic up us was we were what when where which who whom why will
    with would you your not no nor tell show find made make happened there's what's
    item items tasks sent under
    """
)

# Intent triggers, in priority order: the first intent with a trigger in the question wins.
_ACTION_PREFIXES = (
    "opgave",
    "opfølgning",
    "handlingspunkt",
    "todo",
    "task",
    "action",
    "deadline",
    "frist",
    "ansvarlig",
    "responsib",
    "assign",
    "followup",
)
_ACTION_PHRASES = re.compile(
    r"\b(?:følge\s+op|fulgt\s+op|to[- ]?do|follow[- ]?ups?|hvem\s+skal|who\s+(?:will|should|must|is\s+going\s+to))\b"
    r"|\bskal\b[^?.!]{0,60}?\bgøre\b|\bwhat\s+(?:must|should|will|has|have|needs?)\b[^?.!]{0,60}?\bdo\b",
    re.IGNORECASE,
)
_CHOSEN_AS = re.compile(
    r"\b(?:valgt|genvalgt|udpeget|konstitueret|elected|appointed)\s+(?:som|til|as)\s+((?:\w+\s+){0,2}\w+)",
    re.IGNORECASE,
)
_WHO_WORDS = frozenset({"hvem", "who", "whom"})
_DECISION_PREFIXES = (
    "beslut",
    "vedtag",
    "vedtog",
    "godkend",
    "enighed",
    "enige",
    "konklu",
    "decid",
    "decision",
    "resolv",
    "approv",
    "conclu",
)
# Whole words only: `agreement` and `aftale` are topics, `agreed` and `aftalt` ask for decisions.
_DECISION_WORDS = frozenset({"aftalt", "aftalte", "agree", "agreed", "agrees"})
_STATEMENT_PREFIXES = (
    "sagde",
    "sagt",
    "nævn",
    "orienter",
    "oplys",
    "drøft",
    "fortal",
    "udtal",
    "mente",
    "bemærk",
    "said",
    "mention",
    "discuss",
    "told",
    "report",
    "statement",
    "stated",
    "comment",
    "brief",
    "talk",
    "spoke",
    "speak",
)
# A compound whose first part is a verbal noun with its joining `s` (`orientering|s|mødet`).
_COMPOUND = re.compile(r"(?:ing|else|ion)s[^\W\d_]{3,}$")
_STATEMENT_WORDS = frozenset({"say", "says", "inform", "informed"})

# English role words to the Danish role noun a title carries.
_EN_ROLES: tuple[tuple[str, str], ...] = (
    ("chief of police", "politidirektør"),
    ("police director", "politidirektør"),
    ("police chief", "politidirektør"),
    ("chief superintendent", "chefpolitiinspektør"),
    ("deputy superintendent", "vicepolitiinspektør"),
    ("superintendent", "politiinspektør"),
    ("chief prosecutor", "chefanklager"),
    ("prosecutor", "anklager"),
    ("municipal director", "kommunaldirektør"),
    ("chief executive", "kommunaldirektør"),
    ("head of department", "afdelingschef"),
    ("legal adviser", "konsulent"),
    ("legal advisor", "konsulent"),
    ("mayor", "borgmester"),
    ("director", "direktør"),
    ("chief of staff", "stabschef"),
)


@dataclass(frozen=True)
class _Token:
    text: str
    key: str
    start: int
    end: int


def detect_language(text: str) -> Lang:
    """English when its function words outweigh Danish ones; Danish otherwise (the default)."""
    raw = _WORD.findall(text)
    words = [w.casefold() for w in raw]
    # æ, ø, å in an ordinary word is Danish; in a name ("Helle Støve") it says nothing.
    danish_letters = any(re.search(r"[æøå]", w) for w in raw if not w[:1].isupper())
    danish = sum(w in _DA_MARKERS for w in words) + 2 * danish_letters
    english = sum(w in _EN_MARKERS for w in words)
    return "en" if english > danish else "da"


def split_page(text: str) -> tuple[str, int | None]:
    """`… side 2` / `… page 2` at the end: the question without it, and the page.

    The suffix: spaces, commas or `(`; a word `side`, `page`, `s.` or `p.` (any case); spaces; one to
    four digits; spaces and a `)`, optionally; spaces and `?.!`. It is read backwards from the end
    because a regex searched forwards retries its leading `[\\s,(]*` from every position of a long run
    of spaces or brackets: time quadratic in the run, and questions may be whole pasted documents.
    """
    end = _skip_back(text, len(text), lambda ch: ch.isspace() or ch in "?.!")
    if end and text[end - 1] == ")":
        end = _skip_back(text, end - 1, str.isspace)
    digits = _skip_back(text, end, str.isdecimal)
    if not 1 <= end - digits <= 4:
        return text, None
    word_end = _skip_back(text, digits, str.isspace)
    word_start = next(
        (
            word_end - n
            for n in (4, 2)
            if n <= word_end and _PAGE_WORD.fullmatch(text[word_end - n : word_end])
        ),
        None,
    )
    if word_start is None or (word_start > 0 and _is_word_char(text[word_start - 1])):
        return text, None
    start = _skip_back(text, word_start, lambda ch: ch.isspace() or ch in ",(")
    if start == 0:
        return text, None
    return text[:start].rstrip(), max(1, int(text[digits:end]))


def _skip_back(text: str, end: int, skip: Callable[[str], bool]) -> int:
    """Where the run of characters that `skip` accepts, ending at `end`, starts."""
    while end > 0 and skip(text[end - 1]):
        end -= 1
    return end


def _is_word_char(ch: str) -> bool:
    """What `\\w` (and so `\\b`) counts as a word character in a str pattern."""
    return ch.isalnum() or ch == "_"


def parse_question(
    text: str, *, now: datetime, known_people: Sequence[PersonRef] | PeopleIndex = (), page: int = 1
) -> Question:
    """Read a question; `page` is used unless the question ends in `side N` / `page N`.

    `known_people` are the archive's participants; pass a `PeopleIndex` to reuse the preparation.
    """
    cleaned = unicodedata.normalize("NFC", text).replace("\u00a0", " ").strip()
    cleaned, asked_page = split_page(cleaned)
    lang = detect_language(cleaned)
    period, rest = find_period(cleaned, now=now, lang=lang)
    tokens = [_Token(m.group(), fold(m.group()), m.start(), m.end()) for m in _WORD.finditer(rest)]

    people = known_people if isinstance(known_people, PeopleIndex) else PeopleIndex(known_people)
    frame = _frame(rest, tokens)
    speaker, used = _find_speaker(rest, tokens, people, lang)
    intent, intent_used = _intent(rest, tokens)
    intent_used |= frame.used
    if frame.when and intent in ("search", "who", "decisions", "statements"):
        intent = "when"
    stop = (_STOP_EN if lang == "en" else _STOP_DA) | _QUESTION_WORDS
    kept = [
        i
        for i, t in enumerate(tokens)
        if i not in used
        and i not in intent_used
        and t.text.casefold() not in stop
        # A lone letter is debris of punctuation ("what's" → "s"), not a topic.
        and (len(t.key) > 1 or t.text.isdigit())
    ]
    terms, display = _topic_terms(rest, tokens, kept)
    fact = frame.fact
    if fact in ("agenda", "place") and intent in ("decisions", "actions", "statements"):
        fact = None  # "blev dagsordenen godkendt?" asks for a decision, not for the agenda
    if fact is None and frame.who_is and speaker is not None and not terms:
        fact = "title"  # "hvem er Mette Aagaard?"
    if fact == "title" and speaker is None:
        fact = None
    if fact == "next_meeting" and _WHAT_RE.match(rest) and terms and not _DATE_WORDS.intersection(terms):
        fact = None  # "hvilke principper vil de arbejde med på næste møde?" asks what, not when
    return Question(
        text=cleaned,
        lang=lang,
        intent=intent,
        topic_terms=terms,
        topic_text=display,
        speaker=speaker,
        period=period,
        page=asked_page or max(1, page),
        fact=fact,
        item_number=frame.item_number,
        latest=frame.latest,
        open_only=frame.open_only and intent == "actions",
    )


@dataclass(frozen=True)
class _Frame:
    """What a question asks beyond a topic: a fact of the meeting, an item by number, which meeting."""

    fact: Fact | None
    item_number: int | None
    latest: bool
    open_only: bool
    when: bool
    who_is: bool
    used: set[int]


# The next meeting by its kind too: `næste møde`, `næste bestyrelsesmøde`, `næste generalforsamling`.
NEXT_MEETING = r"næste\s+(?:[^\W\d_]*møde[tr]?|generalforsamling(?:en)?)"
_ITEM_RE = re.compile(
    r"\b(?:punkt|pkt\.?|ad\.?(?:\s*pkt\.?)?|item|point|agenda\s+item)\s*(?:nr\.?\s*)?(\d{1,3})\b",
    re.IGNORECASE,
)
# When the meeting itself began or ended (`hvornår sluttede mødet?`, `when did the meeting end?`): its
# time of day, not a topic; a start or end of anything else (`hvornår startede projektet?`) is a topic.
_START_END = (
    r"(?:sluttede|slutter|slut|startede|starter|start|begyndte|begynder|begyndelse|ended|ends|end|"
    r"finished|started|starts|began|begins|begin)"
)
_MEETING_NOUNS = r"(?:[^\W\d_]*møde[t]?|generalforsamling(?:en)?|meeting)"
_MEETING_TIME = re.compile(
    rf"\b(?P<verb>{_START_END})\s+(?:\w+\s+){{0,2}}?{_MEETING_NOUNS}\b|"
    rf"\b{_MEETING_NOUNS}\s+(?:\w+\s+){{0,2}}?(?P<after>{_START_END})\b",
    re.IGNORECASE,
)
# In priority order: the first fact with a trigger in the question wins.
_FACT_RES: tuple[tuple[Fact, re.Pattern[str]], ...] = (
    ("next_meeting", re.compile(rf"\b(?:{NEXT_MEETING}|next\s+meeting)\b", re.IGNORECASE)),
    (
        "referent",
        re.compile(
            r"\b(?:referent(?:en)?|minute[- ]?takers?|took\s+(?:the\s+)?minutes|wrote\s+(?:the\s+)?minutes|"
            r"skrev\s+referatet|tog\s+referat(?:et)?)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "chair",
        re.compile(
            r"^\W*(?:hvem|who)\b(?:\s+\w+){0,2}?\s+(?:dirigent(?:en)?|ordstyrer(?:en)?|mødeleder(?:en)?|"
            r"chair(?:ed|person)?)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "absent",
        re.compile(
            r"\b(?:(?:meldt(?:e)?\s+)?afbud|fraværende|fravær|absent|absence|absences|apologies|apologi[sz]ed|sent\s+regrets)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "attendance",
        re.compile(
            r"\b(?:deltog|deltagere|deltagerne|til\s+stede|tilstede|attended|attendees|attendance|participants|"
            r"present)\b",
            re.IGNORECASE,
        ),
    ),
    ("time", _MEETING_TIME),
    ("agenda", re.compile(r"\b(?:dagsorden(?:en)?|agenda)\b", re.IGNORECASE)),
    (
        "place",
        re.compile(
            r"^\W*(?:hvor|where)\b(?!\s+(?:mange|meget|ofte|længe|tit|højt|høj|stort|stor|store|langt|lang|"
            r"dyrt|gammel|gamle|many|much|often|long|high|big))|"
            r"\b(?:mødested(?:et)?|venue|location)\b",
            re.IGNORECASE,
        ),
    ),
    ("title", re.compile(r"\b(?:titel|titlen|stilling(?:en)?|title|position)\b", re.IGNORECASE)),
)
_WHAT_RE = re.compile(r"^\W*(?:hvad|hvilke|hvilken|hvilket|what|which)\b", re.IGNORECASE)
# Words that make a "hvad/hvilken" question about the next meeting ask for its date or time after all.
_DATE_WORDS = _wordset(
    "dato datoen dag dagen tid tidspunkt tidspunktet klokken sted stedet date day time place"
)
# `hvem er kasserer?`, `hvem mødte som stedfortræder?`: asked for a person, or a title's holder.
WHO_IS = re.compile(
    r"^\W*(?:hvem\s+(?:er|mødte\s+som|deltog\s+som|fungerede\s+som)|who\s+(?:is|attended\s+as|acted\s+as)|who's)\b",
    re.IGNORECASE,
)
_LATEST_RE = re.compile(
    r"\b(?:seneste|nyeste|latest|most\s+recent|sidste(?=\s+[^\W\d_]*møde)|last(?=\s+(?:[^\W\d_]+\s+)?meeting))\b",
    re.IGNORECASE,
)
_OPEN_RE = re.compile(
    r"\b(?:åbne|åben|udestående|uløste|ikke\s+løste?|open|outstanding|pending|unresolved)\b", re.IGNORECASE
)
_WHEN_RE = re.compile(r"\b(?:hvornår|when|what\s+date|hvilken\s+dato)\b", re.IGNORECASE)
# Words of a "when"/"where" question about holding a meeting: never a topic.
# `hvor stort er overskuddet?`: the word after `hvor` asks how much; the minutes write the amount.
_DEGREE_RE = re.compile(
    r"\b(?:hvor|how)\s+(stor|stort|store|lang|langt|længe|høj|højt|dyr|dyrt|gammel|gamle|big|large|long|high)\b",
    re.IGNORECASE,
)
_HOLD_RE = re.compile(
    r"\b(?:holdt|afholdt|holdes|afholdes|holder|afholder|held|hold|holding|took\s+place|take\s+place|happen)\b",
    re.IGNORECASE,
)
PLANNED_MEETINGS = re.compile(
    r"\b(?:møder|møderne|mødedatoer(?:ne)?|mødeplan(?:en)?|mødekalender(?:en)?|meetings|meeting\s+dates)\b",
    re.IGNORECASE,
)


def _frame(text: str, tokens: Sequence[_Token]) -> _Frame:
    """Find the frame triggers in the question, and the tokens they use up."""
    spans: list[tuple[int, int]] = []
    item_number = None
    if m := _ITEM_RE.search(text):
        item_number = int(m.group(1))
        spans.append(m.span())
    fact: Fact | None = None
    for name, pattern in _FACT_RES:
        if m := pattern.search(text):
            fact = fact or name
            # Of `begyndte lokalrådets møde` only the verb is spent: the words name the meeting.
            if name == "time":
                spans.append(m.span("verb") if m["verb"] else m.span("after"))
            else:
                spans.append(m.span())
    flags = []
    for pattern in (_LATEST_RE, _OPEN_RE, _WHEN_RE, WHO_IS, _HOLD_RE):
        m = pattern.search(text)
        flags.append(m is not None)
        if m is not None:
            spans.append(m.span())
    spans += [m.span(1) for m in _DEGREE_RE.finditer(text)]
    used = {i for i, t in enumerate(tokens) if any(t.start < b and t.end > a for a, b in spans)}
    return _Frame(fact, item_number, flags[0], flags[1], flags[2], flags[3], used)


def _intent(text: str, tokens: Sequence[_Token]) -> tuple[Intent, set[int]]:
    """The intent, and the tokens that are intent words (never topic words)."""
    lowered = [t.text.casefold() for t in tokens]
    found: dict[Intent, set[int]] = {}
    for i, word in enumerate(lowered):
        if word.startswith(_ACTION_PREFIXES):
            found.setdefault("actions", set()).add(i)
        if word in _WHO_WORDS:
            found.setdefault("who", set()).add(i)
        if _COMPOUND.search(word):
            continue  # `orienteringsmødet`, `beslutningsforslaget`: a thing named, not what was said or decided
        if word.startswith(_DECISION_PREFIXES) or word in _DECISION_WORDS:
            found.setdefault("decisions", set()).add(i)
        if word.startswith(_STATEMENT_PREFIXES) or word in _STATEMENT_WORDS:
            found.setdefault("statements", set()).add(i)
    # "hvem blev valgt som økonomisk ansvarlig?": the role chosen, not a question for a task's owner.
    for m in _CHOSEN_AS.finditer(text):
        found["actions"] = {
            i for i in found.get("actions", ()) if not m.start(1) <= tokens[i].start < m.end()
        }
        if not found["actions"]:
            del found["actions"]
    for m in _ACTION_PHRASES.finditer(text):
        span = {i for i, t in enumerate(tokens) if t.start < m.end() and t.end > m.start()}
        found.setdefault("actions", set()).update(span)
    used: set[int] = set().union(*found.values()) if found else set()
    priority: tuple[Intent, ...] = ("actions", "who", "decisions", "statements")
    for intent in priority:
        if intent in found:
            return intent, used
    return "search", used


def _topic_terms(text: str, tokens: Sequence[_Token], kept: Sequence[int]) -> tuple[tuple[str, ...], str]:
    """Topic terms in question order; capitalised words next to each other form one phrase (`Bo Trygt`)."""
    groups: list[list[int]] = []
    for i in kept:
        previous = groups[-1][-1] if groups else None
        if (
            previous == i - 1
            and tokens[i].text[:1].isupper()
            and tokens[i - 1].text[:1].isupper()
            and text[tokens[i - 1].end : tokens[i].start] == " "
        ):
            groups[-1].append(i)
        else:
            groups.append([i])
    if groups and groups[0][0] == 0 and len(groups[0]) > 1:
        # The question's first word is capitalised anyway: it may not belong to the name after it.
        groups[0:1] = [[0], groups[0][1:]]
    terms: list[str] = []
    shown: list[str] = []
    for group in groups:
        words = [tokens[i].text for i in group]
        term = " ".join(w.casefold() for w in words)
        if term not in terms:
            terms.append(term)
            shown.append(" ".join(words))
    return tuple(terms[:MAX_TERMS]), " ".join(shown[:MAX_TERMS])


def _name_keys(name: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in re.findall(r"[^\W\d_]+", name))


def role_noun(title: str | None) -> str | None:
    """The noun a title's holder is called by: `Direktør for Børn og Unge` → `direktoer` (folded)."""
    if not title:
        return None
    head = re.split(r"[,(]", title, maxsplit=1)[0]
    head = re.split(r"\s+for\s+", head, maxsplit=1, flags=re.IGNORECASE)[0]
    words = re.findall(r"[^\W\d_]+", head)
    return fold(words[-1]) if words else None


class PeopleIndex:
    """The archive's participants prepared for matching: built once per archive state, not per question."""

    def __init__(self, people: Iterable[PersonRef], initials: Iterable[tuple[str, str]] = ()) -> None:
        """`initials` pairs initials with a participant's name (`("MA", "Mette Aagaard")`)."""
        self.people = tuple(dict.fromkeys(people))
        self.name_keys = [_name_keys(p.name) for p in self.people]
        # Full names grouped by word count, joined, for one rapidfuzz pass per question window.
        self.by_size: dict[int, tuple[list[str], list[int]]] = {}
        self.last_names: dict[str, list[int]] = {}
        self.roles: dict[str, list[int]] = {}
        self.title_words: list[frozenset[str]] = []
        for i, (person, keys) in enumerate(zip(self.people, self.name_keys, strict=True)):
            if keys:
                joined, owners = self.by_size.setdefault(len(keys), ([], []))
                joined.append(" ".join(keys))
                owners.append(i)
                if len(keys) > 1 and len(keys[-1]) >= 4:
                    self.last_names.setdefault(keys[-1], []).append(i)
            noun = role_noun(person.title)
            if noun:
                self.roles.setdefault(noun, []).append(i)
            words = {fold(w) for w in re.findall(r"[^\W\d_]+", person.title or "") if len(w) >= 4}
            words.discard(noun or "")
            self.title_words.append(frozenset(words))
        self.long_last_names = [k for k in self.last_names if len(k) >= 6]
        # One-word names by their key, to their places in `by_size[1]`: looked up, not scanned.
        self.one_word: dict[str, list[int]] = {}
        for pos, name in enumerate(self.by_size.get(1, ([], []))[0]):
            self.one_word.setdefault(name, []).append(pos)
        # First names of people with a full name: "hvad sagde Helle?" means every Helle.
        self.first_names: dict[str, list[int]] = {}
        for i, keys in enumerate(self.name_keys):
            if len(keys) > 1:
                self.first_names.setdefault(keys[0], []).append(i)
        by_name: dict[str, list[int]] = {}
        for i, person in enumerate(self.people):
            by_name.setdefault(person.name, []).append(i)
        self.initials: dict[str, list[int]] = {}
        for letters, name in initials:
            for i in by_name.get(name, ()):
                owners = self.initials.setdefault(letters, [])
                if i not in owners:
                    owners.append(i)


def _find_speaker(
    text: str, tokens: Sequence[_Token], people: PeopleIndex, lang: Lang
) -> tuple[Speaker | None, set[int]]:
    by_name = _match_names(tokens, people)
    if by_name is not None:
        return by_name
    return _match_role(text, tokens, people, lang)


def _match_names(tokens: Sequence[_Token], index: PeopleIndex) -> tuple[Speaker, set[int]] | None:
    """People named in full (typos and missing æøå allowed), else by a capitalised last name."""
    keys = [t.key for t in tokens]
    spans: dict[tuple[int, int], list[int]] = {}
    strength: dict[tuple[int, int], int] = {}
    for n, (joined, owners) in index.by_size.items():
        for i in range(len(keys) - n + 1):
            window = " ".join(keys[i : i + n])
            if n == 1:
                # A lone first name is too ambiguous to fuzzy-match; only an exact one-word name counts.
                found = [(window, 100.0, pos) for pos in index.one_word.get(window, ())]
            else:
                found = process.extract(window, joined, scorer=fuzz.ratio, score_cutoff=88, limit=None)
            for _, _, pos in found:
                spans.setdefault((i, i + n), []).append(owners[pos])
                strength[(i, i + n)] = 2 if n > 1 else 1
    for i, token in enumerate(tokens):
        if not token.text[:1].isupper() or (i, i + 1) in strength:
            continue
        owners = list(index.last_names.get(token.key, ()))
        if not owners and len(token.key) >= 6:
            for last, _, _ in process.extract(
                token.key, index.long_last_names, scorer=fuzz.ratio, score_cutoff=90, limit=None
            ):
                owners += index.last_names[last]
        if i > 0 and tokens[i - 1].text[:1].isupper() and tokens[i - 1].end + 1 == token.start:
            # "Helle Kyndesen" where no Kyndesen is called Helle: another person, not a Kyndesen.
            owners = [o for o in owners if index.name_keys[o][0] == tokens[i - 1].key]
        if owners:
            spans[(i, i + 1)] = owners
            strength[(i, i + 1)] = 1
    for i, token in enumerate(tokens):
        # Initials as a referat lists them (`Mette Aagaard (MA)`): upper case, exactly as written.
        if token.text.isupper() and 2 <= len(token.text) <= 4 and token.text in index.initials:
            spans[(i, i + 1)] = list(index.initials[token.text])
            strength[(i, i + 1)] = 2
    shared: set[tuple[int, int]] = set()
    if not spans:
        for i, token in enumerate(tokens):
            # A first name alone, not part of a longer capitalised name ("Bo Trygt"): every holder.
            if not token.text[:1].isupper() or _in_capitalised_run(tokens, i):
                continue
            key = token.key
            owners = index.first_names.get(key) or (
                index.first_names.get(key[:-1], []) if key.endswith("s") else []
            )
            if owners:
                spans[(i, i + 1)] = list(owners)
                strength[(i, i + 1)] = 1
                shared.add((i, i + 1))
    if not spans:
        return None
    # Strongest first, then longest; keep every non-overlapping span of the best strength.
    order = sorted(spans, key=lambda s: (-strength[s], -(s[1] - s[0]), s[0]))
    best = strength[order[0]]
    chosen: list[tuple[int, int]] = []
    for span in order:
        if strength[span] == best and all(span[1] <= c[0] or span[0] >= c[1] for c in chosen):
            chosen.append(span)
    chosen.sort()
    found_people = [index.people[i] for span in chosen for i in spans[span]]
    words = " og ".join(" ".join(t.text for t in tokens[a:b]) for a, b in chosen)
    used = {i for a, b in chosen for i in range(a, b)}
    people = tuple(dict.fromkeys(found_people))
    several = any(span in shared for span in chosen) and len({p.name for p in people}) > 1
    return Speaker(words=words, people=people, by_role=False, shared=several), used


def _in_capitalised_run(tokens: Sequence[_Token], i: int) -> bool:
    """Whether token i stands next to another capitalised word with only a space between."""
    before = i > 0 and tokens[i - 1].text[:1].isupper() and tokens[i - 1].end + 1 == tokens[i].start
    after = (
        i + 1 < len(tokens) and tokens[i + 1].text[:1].isupper() and tokens[i].end + 1 == tokens[i + 1].start
    )
    return before or after


def _match_role(
    text: str, tokens: Sequence[_Token], index: PeopleIndex, lang: Lang
) -> tuple[Speaker | None, set[int]]:
    """A role word (`politidirektøren`, `the mayor`) → everyone whose title has that role noun."""
    if not index.roles:
        return None, set()
    hit: tuple[int, int, str] | None = None
    if lang == "en":
        lowered = text.casefold()
        for phrase, noun in _EN_ROLES:
            m = re.search(rf"\b{re.escape(phrase)}\b", lowered)
            if m and fold(noun) in index.roles:
                span = [i for i, t in enumerate(tokens) if t.start < m.end() and t.end > m.start()]
                hit = (span[0], span[-1] + 1, fold(noun))
                break
    if hit is None:
        for i, token in enumerate(tokens):
            forms = [token.key] + [token.key[: -len(e)] for e in _ROLE_ENDINGS if token.key.endswith(e)]
            role = next((f for f in forms if f in index.roles and len(f) >= 4), None)
            if role is not None:
                hit = (i, i + 1, role)
                break
    if hit is None:
        return None, set()
    start, end, noun = hit
    candidates = index.roles[noun]
    used = set(range(start, end))
    # `direktøren for børn og unge`: title words that follow narrow the role to those titles.
    nearby = {t.key: j for j, t in enumerate(tokens[end : end + 6], start=end)}
    overlap = {i: index.title_words[i] & nearby.keys() for i in candidates}
    top = max(len(words) for words in overlap.values())
    chosen = [i for i in candidates if len(overlap[i]) == top]
    if top:
        for i in chosen:
            used |= {nearby[w] for w in overlap[i]}
        # The little words inside the title phrase ("for", "og") go with it.
        used |= set(range(start, max(used) + 1))
    written = " ".join(t.text for t in tokens[start : max(used) + 1])
    people = tuple(dict.fromkeys(index.people[i] for i in chosen))
    return Speaker(words=written, people=people, by_role=True), used


# ----------------------------------------------------------------------------------- term expansion


def term_alternatives(term: str, vocabulary: Vocabulary, *, lang: Lang = "da") -> tuple[str, ...]:
    """What one topic term may match in the index: vocabulary words, or phrases for several words.

    Empty when nothing in the archive can be meant, which makes the whole question a no-match.
    """
    words = [m.group() for m in re.finditer(r"[^\W_]+", term)]
    if not words:
        return ()
    if len(words) == 1:
        # The word as the index would store it comes too: a word logged after the vocabulary was
        # loaded is still found exactly.
        own = index_form(words[0])
        found = [*vocabulary.expand(words[0])]
        found += [own] if own not in found else []
    else:
        found = list(_phrases(words, vocabulary))
    if lang == "en" or not all(vocabulary.knows(w) for w in words):
        # English questions, and words the Danish minutes never use ("burglary"), try the glossary.
        for danish in glossary(term):
            parts = re.findall(r"[^\W_]+", danish)
            extra = vocabulary.expand(parts[0]) if len(parts) == 1 else _phrases(parts, vocabulary)
            found += [t for t in extra if t not in found]
    return tuple(found[:MAX_EXPANSIONS])


def _phrases(words: Sequence[str], vocabulary: Vocabulary, *, limit: int = 24) -> tuple[str, ...]:
    """Phrase alternatives: each word as indexed (or its closest spelling), the last one inflected."""
    options: list[list[str]] = []
    for position, word in enumerate(words):
        key = fold(word)
        exact = [t for t in vocabulary.expand(word) if fold(t) == key]
        if position == len(words) - 1:
            stem = _stem(key)
            exact += [
                t
                for t in vocabulary.expand(word)
                if fold(t) in {stem + e for e in ENDINGS} and t not in exact
            ]
        if not exact:
            exact = [t for t in vocabulary.expand(word) if fuzz.ratio(fold(t), key) >= FUZZY_CUTOFF][:2]
        if not exact:
            return ()
        options.append(exact[:6])
    phrases = [""]
    for choices in options:
        phrases = [f"{p} {c}".strip() for p in phrases for c in choices][:limit]
    return tuple(phrases)


def glossary(word: str) -> tuple[str, ...]:
    lowered = word.casefold()
    for form in (
        lowered,
        lowered[:-1] if lowered.endswith("s") else "",
        lowered[:-3] + "y" if lowered.endswith("ies") else "",
    ):
        if form and form in EN_DA_GLOSSARY:
            return EN_DA_GLOSSARY[form]
    return ()


def year_asked(question: Question) -> str | None:
    """The year a question's period is, when it is one whole calendar year (`i 2009`)."""
    period = question.period
    if period is None or (period.start.month, period.start.day) != (1, 1):
        return None
    if period.end != period.start.replace(year=period.start.year + 1):
        return None
    return str(period.start.year)
