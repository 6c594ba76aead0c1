"""People as a referat writes them: labels, Slack mentions turned into names, and who a sentence names.

A referat names people by title and name (`Politidirektør Helle Kyndesen`), never by a Slack id. Logged
text may carry Slack mentions (`<@U123>`, or `&lt;@U123&gt;` once escaped), so every output (draft,
files, exports, approved text, answers) passes user text through `render_mentions`: the person's title
and name where the mention starts a sentence, the name elsewhere. The same module recognises who the
opening words of a sentence name (`find_subject`): names, a title or role on its own (also in the
definite form, `Kommunaldirektøren`), mentions, and several of them joined by `og`. Speaker resolution
(what is stored) and the compiler (what is printed) both read sentences through it, so they agree.

Pure: no Slack, no store.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from storage.records import Participant

# `<@U123>`, `<@U123|helle>`, and the same after HTML escaping (`&lt;@U123&gt;`).
MENTION_RE = re.compile(r"(?:<|&lt;)@(?P<uid>[UW][A-Z0-9]{1,20})(?:\|(?P<label>[^<>&|]{0,80}))?(?:>|&gt;)")

UNKNOWN_PERSON = "ukendt person"

# Only the first words name the speaker; a name deep inside a long statement is not the subject.
_HEAD_LIMIT = 240
_ROLE_TAG = re.compile(r"\((?:referent|formand)\)", re.IGNORECASE)
_TITLE_WORD = re.compile(r"[A-ZÆØÅ][\w.-]*")
_TITLE_FILLERS = frozenset({"for", "og", "i", "af", "of", "and", "the", "fg.", "fg", "&"})
_DEFINITE = r"(?:en|n|et|t|ene|ne)?"
_ROLES = {"referent": "referent", "formand": "formand", "forperson": "formand", "chairman": "formand"}
# Between two people in one subject: `,`, `og`, `and`, `&`, `samt`.
_JOIN = re.compile(r",?\s+(?:og|and|samt|&)\s+|,\s*", re.IGNORECASE)
# A person's initials as Danish minutes write them after the name: `Ida Holm (IH)`.
INITIALS = re.compile(r"[A-ZÆØÅ]{2,4}")
_INITIALS_TAG = re.compile(r"\(\s*(?P<ini>[A-ZÆØÅ]{2,4})\s*\)")


@dataclass(frozen=True)
class Person:
    """Whom a Slack user id stands for in a document."""

    name: str
    title: str | None = None


def people_of(
    participants: Iterable[Participant], extra: Mapping[str, str] | None = None
) -> dict[str, Person]:
    """Slack user id → Person for every participant linked to Slack, plus `extra` names (id → name)."""
    people = {uid: Person(name) for uid, name in (extra or {}).items()}
    for p in participants:
        if p.slack_user_id:
            people[p.slack_user_id] = Person(p.name, plain_title(p.title) or None)
    return people


def split_initials(text: str) -> tuple[str, str | None]:
    """`Ida Holm (IH)` → (`Ida Holm`, `IH`): the initials in parentheses taken out of a name or title.

    Initials are a field of their own, so they never become part of the name a referat or an approval
    line shows. Text without them comes back unchanged, with None.
    """
    m = _INITIALS_TAG.search(text)
    if m is None:
        return text, None
    rest = " ".join((text[: m.start()] + " " + text[m.end() :]).split())
    return rest, m["ini"]


def with_initials(name: str, initials: str | None) -> str:
    """`Ida Holm (IH)`: a name as the participant list writes it."""
    return f"{name} ({initials})" if initials else name


def by_initials(text: str, participants: Iterable[Participant]) -> Participant | None:
    """The one present participant whose initials `text` is (`IH`), else None."""
    if INITIALS.fullmatch(text) is None:
        return None
    found = [p for p in participants if p.initials == text and not p.absent]
    return found[0] if len(found) == 1 else None


def plain_title(title: str | None) -> str:
    """The title without a role tag: `Juridisk konsulent (referent)` → `Juridisk konsulent`."""
    return " ".join(_ROLE_TAG.sub(" ", title or "").split())


def sentence_title(title: str | None) -> str:
    """The title as a sentence writes it: `Vicepolitiinspektør, fg., Holstebro-Thisted …` → `Vicepolitiinspektør`.

    The participant list keeps the whole title; inside a sentence the reference uses its first part.
    """
    return plain_title(title).split(",")[0].strip()


def in_sentence(name: str, title: str | None) -> str:
    """`Vicepolitiinspektør Frederik Sundtoft`: title (its first part) and name, as a sentence names someone."""
    shown = sentence_title(title)
    return f"{shown} {name}" if shown else name


def is_long_title(title: str) -> bool:
    """Long titles take the appositive form: `Direktør for Børn og Unge, Helle Støve`."""
    return len(title.split()) > 2 or "," in title


def label(name: str, title: str | None) -> str:
    """`Politidirektør Helle Kyndesen`; a long title is set off by a comma: `Direktør for …, Navn`."""
    shown = plain_title(title)
    if not shown:
        return name
    if is_long_title(shown):
        return f"{shown}, {name}"
    return f"{shown} {name}"


def starts_sentence(text: str, index: int) -> bool:
    """Does position `index` of `text` open a sentence (text start, new line, or after . ! ?)?"""
    before = text[:index].rstrip(" \t")
    if not before.strip(" -–•*\n"):
        return True
    return before.endswith(("\n", ".", "!", "?"))


def render_mentions(
    text: str, people: Mapping[str, Person], *, unknown: str = UNKNOWN_PERSON, mid_sentence: bool = False
) -> str:
    """Every Slack mention in `text` as the person: title and name at a sentence's start, else the name.

    An id nobody knows shows the label Slack sent with it (`<@U1|helle>` → `helle`), else `unknown`.
    Nothing else in the text changes. `mid_sentence`: `text` continues a sentence (its start is not one).
    """
    if "@" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        person = people.get(match["uid"])
        if person is None:
            return (match["label"] or "").strip() or unknown
        opens = starts_sentence(text, match.start()) and not (
            mid_sentence and not text[: match.start()].strip()
        )
        return in_sentence(person.name, person.title) if opens else person.name

    return MENTION_RE.sub(replace, text)


# --------------------------------------------------------------------------------------------
# Who the opening words of a sentence name


@dataclass(frozen=True)
class Ref:
    """One person named in a sentence's subject, and how: `mention`, `name`, `titled`, `title` or
    `initials` (`IH orienterede …`: the participant list says who IH is)."""

    participant: Participant
    start: int
    end: int
    how: str


@dataclass(frozen=True)
class Subject:
    refs: tuple[Ref, ...]
    end: int  # where the subject ends in the text (0 when it names nobody)

    @property
    def participants(self) -> tuple[Participant, ...]:
        return tuple(dict.fromkeys(r.participant for r in self.refs))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("\u00a0", " ").casefold()


# Built once per name or title: a statement tests every present participant's (hundreds of patterns a
# second under a meeting's load), and building each pattern string was most of logging one.
@functools.lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    tokens = unicodedata.normalize("NFC", name).split()
    return re.compile(r"(?<![\w-])" + r"\s+".join(map(re.escape, tokens)) + r"(?![\w-])", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _title_pattern(title: str) -> re.Pattern[str] | None:
    """A title alone, also in the definite form: `Kommunaldirektør(en)`, `Direktør(en) for Børn og Unge`."""
    words = title.split()
    if not words:
        return None
    first = re.escape(words[0].rstrip(",")) + _DEFINITE
    rest = "".join(r"\s+" + re.escape(w) for w in words[1:])
    return re.compile(first + rest + r"(?![\w-])", re.IGNORECASE)


def _looks_like_title(prefix: str, person: Participant) -> bool:
    """Is `prefix` (the words before a name) a title, as in `Politidirektør Helle Kyndesen`?

    Titles in the text may differ from the list (`Afdelingsleder` for `Afdelingschef`): a short run of
    capitalised words counts, but nothing that reads like the start of a sentence.
    """
    if not prefix:
        return True
    if _fold(prefix) == _fold(plain_title(person.title)):
        return True
    words = prefix.split()
    return (
        len(words) <= 5
        and _TITLE_WORD.fullmatch(words[0]) is not None
        and all(_TITLE_WORD.fullmatch(w) or w.casefold() in _TITLE_FILLERS for w in words[1:])
    )


def with_referent(participants: Sequence[Participant], minute_taker: str | None) -> list[Participant]:
    """The participant list with the minute-taker marked `referent`, whether or not it was typed."""
    if not minute_taker:
        return list(participants)
    return [
        dataclasses.replace(p, role="referent") if p.slack_user_id == minute_taker and not p.role else p
        for p in participants
    ]


def _short_titles(person: Participant) -> tuple[str, ...]:
    """The titles that name `person` alone: the whole title, its part before a comma, and a role."""
    return _titles_of(person.title, person.role)


# Cached like the patterns: every statement asks it of every present participant, and a canvas or a
# draft of a long meeting asks it of every participant once per statement.
@functools.lru_cache(maxsize=4096)
def _titles_of(title: str | None, role: str | None) -> tuple[str, ...]:
    full = plain_title(title)
    titles = [full, full.split(",")[0].strip()] if full else []
    if role and role.casefold() in _ROLES:
        titles.append(role)
    return tuple(t for t in dict.fromkeys(titles) if t)


_INITIALS_WORD = re.compile(r"[A-ZÆØÅ]{2,4}(?![\w-])")


def _ref_at(text: str, pos: int, present: Sequence[Participant]) -> Ref | None:
    if m := MENTION_RE.match(text, pos):
        linked = next((p for p in present if p.slack_user_id == m["uid"]), None)
        return Ref(linked, pos, m.end(), "mention") if linked else None
    if (m := _INITIALS_WORD.match(text, pos)) and (person := by_initials(m.group(0), present)):
        return Ref(person, pos, m.end(), "initials")
    window = text[pos : pos + 120]
    best: tuple[int, int, Ref] | None = None
    for person in present:
        # A one-word name (`Per`) is too often an ordinary word (`Per 1. januar …`) to name a speaker.
        if len(person.name.split()) < 2:
            continue
        for found in _name_pattern(person.name).finditer(window):
            prefix = window[: found.start()].strip().rstrip(",").strip()
            if not _looks_like_title(prefix, person):
                continue
            # The name that starts first wins (a title prefix is shorter), then the longer name.
            rank = (found.start(), -len(person.name))
            if best is None or rank < best[:2]:
                best = (*rank, Ref(person, pos, pos + found.end(), "titled" if prefix else "name"))
            break
    if best is not None:
        return best[2]
    # A title or role alone names the one present participant who holds it.
    holders: dict[str, list[tuple[Participant, int]]] = {}
    for person in present:
        for title in _short_titles(person):
            pattern = _title_pattern(title)
            if pattern is not None and (m := pattern.match(text, pos)):
                holders.setdefault(_fold(title), []).append((person, m.end()))
    for matches in sorted(holders.values(), key=lambda ms: -max(end for _, end in ms)):
        people = {p.id for p, _ in matches}
        if len(people) == 1:
            person, end = max(matches, key=lambda pe: pe[1])
            return Ref(person, pos, end, "title")
    return None


def find_subject(text: str, participants: Sequence[Participant]) -> Subject:
    """The present participants the opening words of `text` name, in order, and where they end.

    `Claus Hilborg og Vicepolitiinspektør Frederik Sundtoft orienterede …` names two; `Borgmesteren
    takkede …` names the one present mayor; `<@U1> oplyste …` the participant linked to U1. Text that
    opens otherwise (`De forskellige indsatser …`) names nobody. Absent participants are never named.
    """
    present = [p for p in participants if not p.absent]
    head = unicodedata.normalize("NFC", text[:_HEAD_LIMIT]).replace("\u00a0", " ")
    pos = len(head) - len(head.lstrip(" \t\n-–•*"))
    refs: list[Ref] = []
    end = 0
    while True:
        ref = _ref_at(head, pos, present)
        if ref is None:
            break
        refs.append(ref)
        end = ref.end
        join = _JOIN.match(head, ref.end)
        if join is None:
            break
        pos = join.end()
    return Subject(tuple(refs), end)
