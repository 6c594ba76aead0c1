"""The body of a referat, walked line by line: item headings, labels, paragraphs, and who said what.

Every paragraph lands in an item, in the opening remarks (item 0) or, when it cannot be placed,
in the list of unplaced sentences the import report names; nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.importing.dates import find_due
from bot.importing.imported import ImportedEntry
from bot.importing.labels import (
    ACTION_LABEL,
    BACK_DECISION,
    BACKGROUND_LABEL,
    BODY_LABEL,
    DECISION_LABEL,
    DECISION_SENTENCE,
    FIRST_NAME_START,
    IMPERSONAL,
    NOTHING,
    OWNER_INITIALS,
    OWNER_LABEL,
    reads_as_sentence,
    says_more,
    similar_titles,
    split_heading,
    split_sentences,
    title_and_text,
    titles_match,
)
from bot.importing.people import People, name_at, speakers, unknown_speaker
from bot.importing.prose import action_in, is_prose_decision, is_strong_decision
from bot.importing.vocabulary import BULLET, INITIALS_START, Heading, heading
from storage.records import OPENING_ITEM, EntryKind

if TYPE_CHECKING:
    from bot.importing.parse import Parser


_LAST_ITEM = re.compile(r"^(?:evt\.?|eventuelt)\s*:?$", re.IGNORECASE)
_VERDICT = re.compile(
    r"^(?:godkendt|vedtaget|enstemmigt\s+vedtaget|forkastet|nedstemt)\s*[.!]?$", re.IGNORECASE
)
_LIST_LINE_MAX = 80


def _listed(text: str) -> bool:
    """A short line without a sentence's end: an entry of the list a sentence ending in `:` opens."""
    return len(text) <= _LIST_LINE_MAX and not text.endswith((".", "!", "?", ":")) and heading(text) is None


# A heading line that stops on a word no title ends with (`… repræsentanter til det`): a PDF wrapped it.
_CUT_TITLE = re.compile(
    r"\s(?:det|den|de|af|til|og|for|i|på|med|om|fra|ved|en|et|samt|eller)$", re.IGNORECASE
)


@dataclass
class DraftItem:
    """An agenda item while the document is read: numbers and titles may still change."""

    number: int
    title: str
    bullets: list[str]
    background: list[str]


class Body:
    """Walks the referat part line by line: headings, labels, paragraphs, and who said what."""

    def __init__(
        self, parser: Parser, agenda: list[DraftItem], with_opening: bool, meeting_date: dt.date
    ) -> None:
        self.p = parser
        self.agenda = agenda
        self.by_number = {item.number: item for item in agenda}
        self.extra_items: list[DraftItem] = []
        self.people = People(parser.participants)
        self.meeting_date = meeting_date
        self.with_opening = with_opening
        self.opening: list[str] = []
        self.entries: list[ImportedEntry] = []
        self.item = OPENING_ITEM  # text before the first heading is the opening remarks (`ad 0`)
        self.last_number = 0
        self.seen_items: set[int] = set()
        self.collapsed = False
        self.reset()

    def reset(self) -> None:
        self.mode = "normal"  # "decision", "action", "background"
        self.prefix: str | None = None
        self.speaker: str | None = None
        self.co: tuple[str, ...] = ()
        self.actions_in_block = 0

    def run(self, span: tuple[int, int]) -> tuple[str | None, list[DraftItem], list[ImportedEntry]]:
        lines = self.p.lines
        used = self.p.used
        candidates = [h for i in range(*span) if lines[i] and not used[i] and (h := heading(lines[i]))]
        self.collapsed = len(candidates) > 1 and all(h.number == 1 for h in candidates)
        paragraph: list[str] = []
        any_heading = False
        wrapped: DraftItem | None = None  # an item whose heading line may go on, wrapped, on the next

        # `Datoerne blev aftalt til:` and the short lines after it, one per paragraph, are one entry:
        # the list belongs to the sentence that announces it.
        held: list[str] = []

        def release() -> None:
            if held:
                self.paragraph(" ".join([held[0], "; ".join(held[1:])]).strip())
                held.clear()

        def flush(hold: bool = False) -> None:
            """End the paragraph; `hold` (at a blank line) lets a list line join the sentence above."""
            if paragraph:
                text = " ".join(paragraph)
                paragraph.clear()
                if held and _listed(text):
                    held.append(text)
                else:
                    release()
                    if hold and text.endswith(":"):
                        held.append(text)
                    else:
                        self.paragraph(text)
            if not hold:
                release()

        for i in range(*span):
            line = lines[i]
            if used[i]:
                continue
            if not line:
                flush(hold=True)
                if self.mode == "action" and self.actions_in_block:
                    nxt = next((lines[k] for k in range(i + 1, span[1]) if lines[k]), "")
                    if not BULLET.match(nxt):
                        self.mode = "normal"
                continue
            if wrapped is not None and line[:1].islower() and not BULLET.match(line):
                # `39. Evt. afholdelse … til det` / `nye Handicapråd`: a PDF wrapped the heading.
                wrapped.title = f"{wrapped.title} {line}".rstrip(" :.")
                wrapped = None
                continue
            wrapped = None
            h = heading(line)
            if h is None and self.last_number and _LAST_ITEM.match(line):
                # `Evt:` without a number after numbered items: the last item, as a reader numbers it.
                title = line.rstrip(" :")
                known = next((i.number for i in self.agenda if titles_match(i.title, title)), None)
                flush()
                self.start_item(
                    known or self.last_number + 1,
                    Heading("bare", known or self.last_number + 1, title, title),
                )
                continue
            if h is not None and (number := self.accept(h)) is not None:
                flush()
                any_heading = True
                if rest := self.start_item(number, h):
                    paragraph.append(rest)
                elif (
                    (item := self.by_number.get(number))
                    and item.title == h.title
                    and _CUT_TITLE.search(h.title)
                ):
                    wrapped = item
                continue
            if m := DECISION_LABEL.match(line):
                flush()
                self.mode, self.prefix = "decision", None
                if m.group("text"):
                    self.paragraph(m.group("text").strip())
                continue
            if m := ACTION_LABEL.match(line):
                flush()
                self.mode, self.prefix, self.actions_in_block = "action", None, 0
                if m.group("text"):
                    self.paragraph(m.group("text").strip())
                continue
            if m := BACKGROUND_LABEL.match(line):
                flush()
                self.mode = "background"
                self.speaker, self.co = None, ()
                if m.group("text"):
                    self.prefix = None
                    self.paragraph(line)
                else:
                    self.prefix = m.group("label")
                continue
            if BODY_LABEL.match(line):
                flush()
                self.mode, self.prefix = "normal", None
                continue
            if b := BULLET.match(line):
                flush()
                self.paragraph(b.group("text"))
                continue
            if h is not None and h.style == "bare" and self.last_number and h.number <= self.last_number:
                # `1. SEAS-NVE – senest 10. marts (Jørgen søger)` inside an item: a numbered list's line,
                # one entry each as a bullet's, never run into the lines around it.
                flush()
                self.paragraph(line)
                continue
            if paragraph and paragraph[-1][-1] in ".!?" and (line[0].isupper() or line[0].isdigit()):
                flush()  # one paragraph per line in sources that never leave a blank line
            paragraph.append(line)
        flush()
        if not any_heading and self.agenda:
            self.p.warnings.append(
                "Referatet har ingen overskrifter for punkterne; teksten er gemt som indledning."
            )
        opening = "\n\n".join(self.opening) or None
        return opening, self.extra_items, self.entries

    def accept(self, h: Heading) -> int | None:
        """The item number a heading opens, or None when the line is content (a numbered list)."""
        for item in self.agenda:
            if titles_match(item.title, h.title) and (h.style == "bare" or self.collapsed):
                return item.number
        if self.collapsed:
            return self.last_number + 1
        if h.style != "bare":
            return h.number
        if h.number == self.last_number + 1 or (self.last_number == 0 and not self.agenda):
            return h.number
        return None

    def start_item(self, number: int, h: Heading) -> str | None:
        """Open item `number`; what the heading line says beyond the item's title is returned as text."""
        self.item = number
        self.last_number = number
        self.reset()
        if number in self.seen_items:
            self.p.warnings.append(
                f"Punkt {number} står flere gange i referatet; teksten er samlet under ét."
            )
        self.seen_items.add(number)
        title, rest = split_heading(h.raw or h.title)
        if rest is None:
            title = h.title  # without a `(B)` code or a trailing colon
        if (known := self.by_number.get(number)) is not None:
            if says_more(known.title, h.title):
                # `4. Næste bestyrelsesmøde bliver efter generalforsamlingen` under a `Referat:` label:
                # the item's title opens the minutes' sentence, which is kept whole.
                return h.raw or h.title
            if not h.title or titles_match(known.title, h.title) or similar_titles(known.title, h.title):
                return None
            if rest is not None and (titles_match(known.title, title) or similar_titles(known.title, title)):
                return rest
            return h.raw or h.title  # `1. Bestyrelsen har godkendt regnskabet.` under a `Referat:` label
        if rest is None and reads_as_sentence(h.raw or title):
            title, rest = title_and_text(h.raw or title)
        title = title or f"Punkt {number}"
        item = DraftItem(number, title, [], [])
        self.by_number[number] = item
        self.extra_items.append(item)
        if self.agenda:
            self.p.warnings.append(f"Punkt {number} ({title}) i referatet står ikke på dagsordenen.")
        return rest

    def emit(
        self,
        kind: EntryKind,
        text: str,
        speaker: str | None = None,
        co: tuple[str, ...] = (),
        owner: str | None = None,
    ) -> None:
        due: dt.date | None = None
        if kind is EntryKind.ACTION:
            owner = owner or self.owner(text)
            due = find_due(text, self.meeting_date)
        self.entries.append(ImportedEntry(self.item, kind, text, speaker, owner, due, co if speaker else ()))

    def paragraph(self, text: str) -> None:
        if NOTHING.match(text):
            # `Intet.` is what the minutes say of the item: kept as written, credited to no one; under
            # a `Beslutning` label it is what was decided (`Ingen.`: no changes to the agenda).
            self.emit(EntryKind.DECISION if self.mode == "decision" else EntryKind.STATEMENT, text)
            self.speaker, self.co = None, ()
            return
        if self.prefix:
            text = f"{self.prefix}: {text}"
            self.prefix = None
        if self.mode == "action":
            self.actions_in_block += 1
            self.emit(EntryKind.ACTION, text)
            return
        speaker, co = speakers(text, self.people)
        if speaker is None and self.mode == "decision" and self.decided_with_tasks(text):
            return
        if speaker is None and self.mode in ("decision", "background"):
            kind = EntryKind.DECISION if self.mode == "decision" else EntryKind.STATEMENT
            self.emit(kind, text)
            return
        self.mode = "normal"
        self.statement(text, speaker, co)

    def statement(self, text: str, speaker: str | None, co: tuple[str, ...]) -> None:
        """One paragraph in reported speech; decision sentences inside it become their own entries."""
        sentences = split_sentences(text)
        if speaker is not None:
            self.speaker, self.co = speaker, co
        elif IMPERSONAL.search(sentences[0]):
            self.speaker, self.co = None, ()
        else:
            unknown = unknown_speaker(text)
            if unknown is not None:
                self.p.warnings.append(
                    f"Punkt {self.item}: taleren »{unknown}« findes ikke på deltagerlisten."
                )
                self.speaker, self.co = None, ()
        pending: list[str] = []
        for k, sentence in enumerate(sentences):
            if BACK_DECISION.match(sentence):
                # `… optaget som punkt 55. Herefter godkendt.`: what was approved is the sentence before,
                # unless someone said it (then it stays theirs).
                if pending and self.speaker is None:
                    before = pending[:]
                    pending.clear()
                else:
                    self.flush_statement(pending)
                    before = self.unspoken_statement()
                self.emit(EntryKind.DECISION, " ".join([*before, sentence]))
                self.speaker, self.co = None, ()
                continue
            is_decision = is_strong_decision(sentence) or (
                not (k == 0 and speaker is not None)
                and (DECISION_SENTENCE.search(sentence) is not None or is_prose_decision(sentence))
                and (k == 0 or speakers(sentence, self.people)[0] is None)
            )
            if is_decision:
                if pending and _VERDICT.match(sentence):
                    # `Dirigenten foreslår rokering af punkterne. Vedtaget.`: what was adopted is the
                    # sentence before the verdict.
                    sentence = f"{pending.pop()} {sentence}"
                self.flush_statement(pending)
                self.emit(EntryKind.DECISION, sentence)
                self.speaker, self.co = None, ()
                continue
            if (action := action_in(sentence)) is not None:
                self.flush_statement(pending)
                self.emit(EntryKind.ACTION, sentence, owner=self.resolve_owner(action.owner))
                continue
            if k > 0 and not pending:  # the paragraph goes on after a decision sentence
                own, own_co = speakers(sentence, self.people)
                if own is not None:
                    self.speaker, self.co = own, own_co
                elif IMPERSONAL.search(sentence):
                    self.speaker, self.co = None, ()
            pending.append(sentence)
        self.flush_statement(pending)

    def decided_with_tasks(self, text: str) -> bool:
        """Under `Beslutning`: `… enige om X. Birgit finder en dato. Birgit sender en mail rundt.` The
        sentences that give someone a task are actions, the rest the decision; False (nothing emitted)
        when no sentence gives a task."""
        sentences = split_sentences(text)
        tasks = [action_in(sentence) for sentence in sentences]
        if not any(tasks):
            return False
        decided: list[str] = []
        for sentence, task in zip(sentences, tasks, strict=True):
            if task is None:
                decided.append(sentence)
                continue
            if decided:
                self.emit(EntryKind.DECISION, " ".join(decided))
                decided.clear()
            self.emit(EntryKind.ACTION, sentence, owner=self.resolve_owner(task.owner))
        if decided:
            self.emit(EntryKind.DECISION, " ".join(decided))
        return True

    def unspoken_statement(self) -> list[str]:
        """The statement just before, in this item and credited to no one, taken back (a sentence
        after it refers to it); empty when the last entry is anything else."""
        last = self.entries[-1] if self.entries else None
        if (
            last is None
            or last.item_number != self.item
            or last.kind is not EntryKind.STATEMENT
            or last.speaker
        ):
            return []
        self.entries.pop()
        return [last.text]

    def flush_statement(self, pending: list[str]) -> None:
        if pending:
            self.emit(EntryKind.STATEMENT, " ".join(pending), self.speaker, self.co)
            pending.clear()

    def resolve_owner(self, who: str) -> str:
        """`Kirsten Vej Petersen`, `BH`, `Mette`, `Formanden` → the participant meant, else as written."""
        who = who.strip().rstrip(".,")
        if (name := self.people.by_name(who)) is not None:
            return name
        role = who.casefold().removesuffix("en").removesuffix("n")
        holders = [p.name for p in self.p.participants if p.role and p.role.casefold() == role]
        return holders[0] if len(holders) == 1 else who

    def owner(self, text: str) -> str | None:
        if m := OWNER_INITIALS.search(text):
            initials = m.group("ini")
            if initials in self.people.initials:
                return self.people.initials[initials]
        if m := OWNER_LABEL.search(text):
            who = m.group("who").strip()
            return self.people.by_name(who) or who
        found = name_at(text[:120], self.people)
        if found is not None and found[1] == 0:
            return found[0]
        if (m := INITIALS_START.match(text)) and m.group("ini") in self.people.initials:
            return self.people.initials[m.group("ini")]
        if (m := FIRST_NAME_START.match(text)) and m.group("first") in self.people.first_names:
            return self.people.first_names[m.group("first")]
        if m := OWNER_INITIALS.search(text):
            self.p.warnings.append(
                f"Punkt {self.item}: initialerne ({m.group('ini')}) passer ikke til nogen deltager."
            )
            return m.group("ini")
        return None
