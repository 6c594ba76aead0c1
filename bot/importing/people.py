"""Who is who in an imported referat: participant lines, and the speaker a sentence opens with.

A participant list comes as `Titel Navn` lines (grouped `Fra <org>:`), as a comma list, or in a
table; a statement names its speaker by full name, first name or initials. These rules find them
without ever rewriting the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final

from bot.importing.imported import ImportedParticipant
from bot.importing.vocabulary import (
    INITIALS_START,
    PAREN,
    PARTICLES,
    TITLE_WORD,
    is_name_token,
    name_like,
)
from bot.text.danish import ABBREVIATION

_TITLE_CONNECTORS: Final = frozenset({"og", "for", "i", "af", "ved", "på", "med", "under", "til", "fra"})
_NOT_NAMES: Final = frozenset({"ingen", "intet", "alle", "nn", "n.n."})
_ROLES: Final = frozenset(
    {"formand", "næstformand", "referent", "sekretær", "kasserer", "ordstyrer", "mødeleder", "dirigent",
     "tovholder", "suppleant", "observatør", "gæst", "ordfører", "forkvinde", "næstforkvinde", "kasser"}
)  # fmt: skip
_INITIALS = re.compile(r"^[A-ZÆØÅ]{2,4}$")
_HOUSE_NUMBER = re.compile(r"^(?P<who>[^#]+?)\s+#\s?(?P<no>\d{1,4})\b(?P<rest>.*)$")

_SPEECH_VERBS: Final = (
    "orienterede|oplyste|bemærkede|takkede|fortalte|redegjorde|spurgte|svarede|foreslog|gennemgik|"
    "nævnte|understregede|præsenterede|tilføjede|supplerede|udtalte|kommenterede|påpegede|berettede|"
    "indledte|bød|pointerede|gjorde|mente|tilkendegav|opfordrede|ønskede|anbefalede|konstaterede"
)
_UNKNOWN_SPEAKER = re.compile(
    rf"^(?:(?P<appos>[A-ZÆØÅ][^,.]{{0,80}}),\s+)?(?P<who>(?:[A-ZÆØÅ][\w.'’-]*\s+){{2,5}}?)"
    rf"(?:\([A-ZÆØÅ]{{2,4}}\)\s+)?,?\s*(?:{_SPEECH_VERBS})\b"
)
_SPEAKER_SUFFIX = re.compile(r"(?:\s*\([A-ZÆØÅ]{2,4}\))?(?:\s*[,:]|\s+(?:og\s+)?[a-zæøå]|$)")
_CO_SPEAKER = re.compile(r"(?:\s*\([A-ZÆØÅ]{2,4}\))?,?\s+og\s+")
_PREFIX_VERB = re.compile(rf"\s(?:{_SPEECH_VERBS}|[a-zæøå]+ede)\b")
_PREFIX_STOP = re.compile(r"\s(?:og|at|som|men|da|når|hvor|eller|hvis|mens)\s*$")
LIST_SEPARATORS = re.compile(r",\s*|;\s*|\s+og\s+")


def _split_title_name(text: str) -> tuple[str | None, str]:
    """`Formand Mette Lund Jensen` → ("Formand", "Mette Lund Jensen"); the name is the trailing capitals."""
    tokens = text.split()
    j = 0
    while j < len(tokens):
        token = tokens[-1 - j]
        inner_particle = token in PARTICLES and 0 < j < len(tokens) - 1 and is_name_token(tokens[-2 - j])
        if not (is_name_token(token) or inner_particle):
            break
        j += 1
    name = tokens[len(tokens) - j :]
    title = tokens[: len(tokens) - j]
    while len(name) > 1 and (TITLE_WORD.search(name[0]) or len(name) > 4):
        title.append(name.pop(0))
    if title and title[-1].lower() in _TITLE_CONNECTORS and len(name) > 2:
        title.append(name.pop(0))  # `Direktør for Børn og Unge Helle Støve`
    if len(name) == 1 and (TITLE_WORD.search(name[0]) or name[0].lower() in _NOT_NAMES):
        title.append(name.pop())
    return (" ".join(title).strip(" ,") or None), " ".join(name)


@dataclass
class _Tags:
    role: str | None = None
    initials: str | None = None
    extra: str | None = None


def _strip_tags(line: str) -> tuple[str, _Tags]:
    tags = _Tags()
    extras: list[str] = []

    def take(m: re.Match[str]) -> str:
        inner = m.group("inner").strip()
        if _INITIALS.match(inner):
            tags.initials = inner
        elif inner.lower() in _ROLES:
            tags.role = inner.lower()
        else:
            extras.append(inner)
        return ""

    text = PAREN.sub(take, line).strip()
    tags.extra = ", ".join(extras) or None
    return text, tags


def participant_of(line: str, organisation: str | None, absent: bool) -> ImportedParticipant | None:
    if m := _HOUSE_NUMBER.match(line.strip()):
        # `Anna Hallgren #72 Formand`: a member listed by house or garden number, title after it.
        person = participant_of(m.group("who"), organisation, absent)
        if person is None:
            return None
        rest = m.group("rest").strip(" ,")
        shown = ", ".join(x for x in (person.title, rest, f"#{m.group('no')}") if x)
        return replace(person, title=shown, role=person.role or role_of(rest))
    text, tags = _strip_tags(line)
    text = text.strip(" .;,")
    title: str | None
    name = ""
    for sep in (", ", " – ", " - "):
        if sep in text:
            left, right = text.split(sep, 1)
            if name_like(left):
                name, title = left, right.strip()
                break
            head, _, last = text.rpartition(sep)
            if name_like(last):
                name, title = last, head.strip()
                break
    if not name:
        title, name = _split_title_name(text)
    if not name:
        return None
    if tags.extra:
        title = f"{title} ({tags.extra})" if title else tags.extra
    return ImportedParticipant(
        name, title or None, organisation, absent, tags.role or role_of(title), tags.initials
    )


def role_of(title: str | None) -> str | None:
    """`Formand`, `kasserer`, `formand, referent`: the role a title names, if it is one."""
    if not title:
        return None
    for word in re.split(r"[\s,/]+", title.casefold()):
        if word in _ROLES:
            return word
    return None


def persons_inline(value: str, organisation: str | None, absent: bool) -> list[ImportedParticipant]:
    """`Kirsten Mølgaard (formand), Bent Hvid og Mie Thygesen.`; a part without a name is a title."""
    people: list[ImportedParticipant] = []
    for part in LIST_SEPARATORS.split(value.strip().rstrip(".")):
        if not part.strip():
            continue
        person = participant_of(part, organisation, absent)
        if person is None and people and people[-1].title is None:
            people[-1] = replace(people[-1], title=part.strip(), role=people[-1].role or role_of(part))
        elif person is None and people:
            people[-1] = replace(
                people[-1], title=f"{people[-1].title}, {part.strip()}", role=people[-1].role or role_of(part)
            )
        elif person is not None:
            people.append(person)
    return people


def persons_block_group(
    blocks: list[list[str]], organisation: str | None, absent: bool
) -> list[ImportedParticipant]:
    """A `Fra <org>:` group: either names-block + titles-block (two columns flattened) or one per line."""
    people: list[ImportedParticipant] = []
    k = 0
    while k < len(blocks):
        block = blocks[k]
        half = len(block) // 2
        pairs: list[tuple[str, str]] = []
        following = blocks[k + 1] if k + 1 < len(blocks) else None
        if (
            following is not None
            and len(following) == len(block)
            and all(map(name_like, block))
            and not all(map(name_like, following))
        ):
            pairs = list(zip(block, following, strict=True))
            k += 2
        elif (
            len(block) % 2 == 0
            and half > 0
            and all(map(name_like, block[:half]))
            and not any(map(name_like, block[half:]))
        ):
            pairs = list(zip(block[:half], block[half:], strict=True))
            k += 1
        else:
            for line in block:
                person = participant_of(line, organisation, absent)
                if person is not None:
                    people.append(person)
            k += 1
        for name_line, title_line in pairs:
            name, name_tags = _strip_tags(name_line)
            title, title_tags = _strip_tags(title_line)
            people.append(
                ImportedParticipant(
                    name=name,
                    title=title or None,
                    organisation=organisation,
                    absent=absent,
                    role=title_tags.role or name_tags.role,
                    initials=name_tags.initials or title_tags.initials,
                )
            )
    return people


class People:
    """Participant lookup by name variant, initials and unique first name."""

    def __init__(self, participants: list[ImportedParticipant]) -> None:
        variants: dict[str, str | None] = {}
        firsts: dict[str, str | None] = {}
        self.initials: dict[str, str] = {}
        for p in participants:
            tokens = p.name.split()
            for variant in {p.name, f"{tokens[0]} {tokens[-1]}"}:
                variants[variant] = p.name if variants.get(variant, p.name) == p.name else None
            firsts[tokens[0]] = p.name if firsts.get(tokens[0], p.name) == p.name else None
            if p.initials:
                self.initials[p.initials] = p.name
        self.variants = sorted(((v, n) for v, n in variants.items() if n), key=lambda vn: -len(vn[0]))
        self.first_names = {f: n for f, n in firsts.items() if n}

    def by_name(self, text: str) -> str | None:
        text = _strip_tags(text)[0].strip(" .,")
        for variant, name in self.variants:
            if variant == text:
                return name
        if text in self.initials:
            return self.initials[text]
        return self.first_names.get(text)


def _prefix_ok(prefix: str) -> bool:
    """What may stand before a speaker's name: nothing, a title, or a title and a comma (appositive)."""
    if not prefix:
        return True
    if not prefix[0].isupper() or len(prefix.split()) > 10 or _PREFIX_STOP.search(prefix):
        return False
    # `Formanden takkede Bo Hansen for ...`: a verb before the name makes the name an object.
    if _PREFIX_VERB.search(prefix):
        return False
    return all(
        not token.endswith((".", "!", "?")) or bool(ABBREVIATION.match(token)) or len(token) <= 4
        for token in prefix.split()
    )


def name_at(head: str, people: People, start: int = 0) -> tuple[str, int, int] | None:
    """The earliest participant name in `head[start:]` that reads as the subject of the sentence."""
    best: tuple[str, int, int] | None = None
    for variant, name in people.variants:
        pos = head.find(variant, start)
        while pos != -1 and (best is None or pos < best[1]):
            end = pos + len(variant)
            bounded = (pos == 0 or not head[pos - 1].isalnum()) and (
                end == len(head) or not head[end].isalnum()
            )
            if bounded and _prefix_ok(head[start:pos]) and _SPEAKER_SUFFIX.match(head, end):
                best = (name, pos, end)
                break
            pos = head.find(variant, pos + 1)
    return best


def speakers(text: str, people: People) -> tuple[str | None, tuple[str, ...]]:
    head = text[:240]
    if (m := INITIALS_START.match(head)) and m.group("ini") in people.initials:
        return people.initials[m.group("ini")], ()
    found = name_at(head, people)
    if found is None:
        return None, ()
    speaker, _, end = found
    co: list[str] = []
    while (m := _CO_SPEAKER.match(head, end)) and (more := name_at(head, people, m.end())):
        if more[0] != speaker and more[0] not in co:
            co.append(more[0])
        end = more[2]
    return speaker, tuple(co)


def unknown_speaker(text: str) -> str | None:
    m = _UNKNOWN_SPEAKER.match(text)
    if m is None:
        return None
    _, name = _split_title_name(m.group("who").strip())
    return name if len(name.split()) >= 2 else None
