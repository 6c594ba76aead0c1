"""The corpus of real minutes (tests/fixtures/real/): each file, what a careful reader finds in it, and
how the archive compares.

Every `<name>.txt` (or `.pdf`) there is a referat published on the web, kept verbatim; a text file
carries its source as its first line (`Kilde: <url>`), a PDF names it in its expectation. Beside it,
`<name>.expect.yaml` says what a careful reader of the minutes finds (written by hand from the text,
not from what the importer makes of it):

    source: <url>                  # where the text was published
    kind: skolebestyrelse          # which kind of body held the meeting
    note: ...                      # optional: how the file was obtained (an excerpt, a PDF made from text)
    refused: <substring>           # only for a file that must be refused (a scanned PDF): the reason
    meeting: {title, date, place, time}   # substrings of the stored frame; date as YYYY-MM-DD
    people:                        # each: name, and optionally role, initials, absent
      - {name: Anne Mikkelsen, role: referent}
    not_people: [Ingen]            # labels and words that must not be read as a person
    items:                         # [number, title] as the minutes number them; the list is complete
      - [1, Godkendelse af referat]
    unnumbered: true               # instead of items: minutes without numbered items
    decisions: [<substring of a decision>]
    actions:                       # each: text (substring of an action), optionally owner, due
      - {text: ..., owner: ..., due: 2016-03-01}
    frame: [<line start>]          # lines the meeting's frame is read from (heading, date, people);
                                   # `=<line>` matches only a line that is exactly that
    labels: [<line start>]         # layout labels (`Sagsfremstilling`, `Beslutning`): like frame lines
    debris: [<line start>]         # page furniture that must never be stored as a statement
    questions:                     # five questions; every substring of `a` must be in the answer
      - {q: hvem var referent?, a: [Anne Mikkelsen]}

"Every body sentence is kept": each line of the file after the source line, except `frame` and
`debris` lines, is cut into sentences, and each sentence must be found (words in order, case and
punctuation aside) in what the import stored (titles, item text, entries, opening remark, people,
place and time) or in the import's report. Numbering and bullets in front of a line are not part of
its sentence.

The checks are plain functions returning what is wrong (empty when the case holds), so the tests
(tests/unit/test_real_minutes.py) and the figures (bench/bench_corpus.py) share them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.archive.ask import answer_question
from bot.importing.run import import_paths
from storage.records import EntryKind, MeetingDocument
from storage.search import EVERYTHING
from storage.store import Store, StoreOpener

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
SUFFIXES = (".txt", ".pdf", ".docx")
# Imports and questions run at a fixed instant: nothing here reads the wall clock.
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
SOURCE_LINE = re.compile(r"^Kilde: \S+")
# Numbering and bullets in front of a line: `1.`, ` 1)`, `Ad 1.`, `Pkt. 1`, `Punkt 1:`, `a)`, `•`, `-`, and
# numbering glued to its title by its punctuation (`6:Årsberetning`).
_LEAD = re.compile(
    r"^\s*(?:(?:ad\.?|pkt\.?|punkt|sag nr\.?)\s*)?(?:\d+(?:\.\d+)*[.):]?|[a-zæøå]\))(?=\s|$)\s*"
    r"|^\s*(?:(?:ad\.?|pkt\.?|punkt)\s*)?\d+[.):](?=[^\W\d_])"
    r"|^\s*[•·*\-–—]\s*",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+")
MORE_TITLE_WORDS = 3  # an item's title may keep a short remark after it (`Se bilag.`)


def words(text: str) -> str:
    """`text` as lower-case words joined by one space: what a sentence and the archive are compared by."""
    return " ".join(_WORD.findall(text.casefold()))


def contains(haystack: str, needle: str) -> bool:
    """Whether the words of `needle` occur in order, whole, in `haystack` (both already `words`)."""
    return f" {needle} " in f" {haystack} "


@dataclass(frozen=True)
class Case:
    """One file of the corpus and what a careful reader expects of it."""

    name: str
    path: Path
    expect: dict[str, Any]

    @property
    def refused(self) -> str | None:
        reason = self.expect.get("refused")
        return str(reason) if reason is not None else None

    @property
    def questions(self) -> list[dict[str, Any]]:
        return list(self.expect.get("questions") or [])


def cases(folder: Path = REAL) -> list[Case]:
    """Every file of the corpus with its expectation, in name order."""
    found = []
    for expect_path in sorted(folder.glob("*.expect.yaml")):
        name = expect_path.name.removesuffix(".expect.yaml")
        [path] = [folder / f"{name}{suffix}" for suffix in SUFFIXES if (folder / f"{name}{suffix}").exists()]
        found.append(Case(name, path, yaml.safe_load(expect_path.read_text(encoding="utf-8"))))
    return found


@dataclass
class Imported:
    """What importing one file left: its report, and the stored meeting when there is one."""

    code: int
    report: str
    store: Store
    document: MeetingDocument | None = None
    meetings: int = 0
    _haystack: str | None = field(default=None, repr=False)

    @property
    def haystack(self) -> str:
        """Everything the import kept, as words: where each sentence of the body must be found."""
        if self._haystack is None:
            parts: list[str] = [self.report]
            if (doc := self.document) is not None:
                m = doc.meeting
                parts += [m.title, m.place or "", m.time_of_day or "", m.opening or ""]
                for p in doc.participants:
                    parts.append(
                        " ".join(x for x in (p.title, p.name, p.role, p.initials, p.organisation) if x)
                    )
                for item in doc.agenda:
                    parts += [item.title, *item.bullets, *item.background]
                for entry in doc.entries:
                    parts += [entry.text, entry.owner or ""]
            self._haystack = " \n ".join(words(part) for part in parts)
        return self._haystack


def migrated_template(folder: Path) -> Path:
    """An empty, migrated archive to copy per file: migrating takes longer than importing a file."""
    path = folder / "template.db"
    opener = StoreOpener(path)
    opener()
    opener.close()
    return path


def import_case(case: Case, template: Path, folder: Path) -> Imported:
    """Import one file into a fresh archive, exactly as `referat import FILE` does."""
    db = folder / f"{case.name}.db"
    shutil.copyfile(template, db)
    store = StoreOpener(db)()
    out, err = io.StringIO(), io.StringIO()
    code = import_paths(store, [case.path], out=out, err=err, now=NOW)
    meetings = store.meetings()
    document = store.document(meetings[0].id) if len(meetings) == 1 else None
    return Imported(code, out.getvalue() + err.getvalue(), store, document, len(meetings))


def ask(imported: Imported, question: str) -> str:
    """The answer `referat ask QUESTION` prints over the archive holding this one meeting."""
    return answer_question(imported.store, question, now=NOW, scope=EVERYTHING).text


# --- the checks: each returns what is wrong, an empty list when the case holds ---------------------


def check_import(case: Case, got: Imported) -> list[str]:
    if case.refused is not None:
        wrong = []
        if got.code == 0 or got.meetings:
            wrong.append(f"imported, but should be refused ({case.refused})")
        if words(case.refused) not in words(got.report):
            wrong.append(f"the refusal does not say {case.refused!r}: {got.report.strip()!r}")
        return wrong
    if got.code != 0 or got.document is None:
        return [f"not imported: {got.report.strip()!r}"]
    return []


def _imported(got: Imported) -> MeetingDocument:
    assert got.document is not None, f"not imported: {got.report.strip()!r}"
    return got.document


def _title_words(actual: str, expected: str) -> bool:
    """Each expected word starts a word of the title, in order: `Skolebestyrelsesmøde` fits `…mødet`."""
    have = words(actual).split()
    at = 0
    for word in words(expected).split():
        while at < len(have) and not have[at].startswith(word):
            at += 1
        if at == len(have):
            return False
        at += 1
    return True


def check_frame(case: Case, got: Imported) -> list[str]:
    """The meeting's title, date, place and time as the minutes state them."""
    doc = _imported(got)
    meeting = case.expect.get("meeting") or {}
    wrong = []
    if "date" in meeting and doc.meeting.date != meeting["date"]:
        wrong.append(f"date {doc.meeting.date}, expected {meeting['date']}")
    if "title" in meeting and not _title_words(doc.meeting.title, str(meeting["title"])):
        wrong.append(f"title {doc.meeting.title!r}, expected {meeting['title']!r}")
    for key, actual in {"place": doc.meeting.place, "time": doc.meeting.time_of_day}.items():
        if key in meeting and not contains(words(actual or ""), words(str(meeting[key]))):
            wrong.append(f"{key} {actual!r} does not contain {meeting[key]!r}")
    return wrong


def check_people(case: Case, got: Imported) -> list[str]:
    """People with their roles, initials and absence; labels and "Ingen" are nobody."""
    doc = _imported(got)
    by_name = {words(p.name): p for p in doc.participants}
    wrong = []
    for person in case.expect.get("people") or []:
        p = by_name.get(words(person["name"]))
        if p is None:
            wrong.append(f"{person['name']} is not among {sorted(x.name for x in doc.participants)}")
            continue
        if "role" in person and not contains(words(f"{p.role or ''} {p.title or ''}"), words(person["role"])):
            wrong.append(f"{p.name}: role {p.role!r} / title {p.title!r}, expected {person['role']!r}")
        if "initials" in person and p.initials != person["initials"]:
            wrong.append(f"{p.name}: initials {p.initials!r}, expected {person['initials']!r}")
        if "absent" in person and p.absent != person["absent"]:
            wrong.append(f"{p.name}: absent {p.absent}, expected {person['absent']}")
    for label in case.expect.get("not_people") or []:
        if words(label) in by_name:
            wrong.append(f"{label!r} is read as a person")
    return wrong


def check_items(case: Case, got: Imported) -> list[str]:
    """The items as the minutes number them: all of them, none made of a list line or a sub-point.

    A title may keep a few trailing words (`… Se bilag.`); minutes without numbered items
    (`unnumbered: true`) may make at most one item of their text.
    """
    doc = _imported(got)
    if "items" not in case.expect and not case.expect.get("unnumbered"):
        return []  # items without numbers or titles (`• Sagsid.:`): how many is the importer's reading
    if case.expect.get("unnumbered"):
        return (
            [f"unnumbered minutes read as items {[i.number for i in doc.agenda]}"]
            if len(doc.agenda) > 1
            else []
        )
    expected = [(int(number), str(title)) for number, title in case.expect.get("items") or []]
    actual = {item.number: item.title for item in doc.agenda}
    wrong = []
    if sorted(actual) != [number for number, _ in expected]:
        wrong.append(f"items numbered {sorted(actual)}, expected {[n for n, _ in expected]}")
    for number, title in expected:
        have, want = words(actual.get(number, "")).split(), words(title).split()
        if number in actual and (have[: len(want)] != want or len(have) > len(want) + MORE_TITLE_WORDS):
            wrong.append(f"item {number} is titled {actual[number]!r}, expected {title!r}")
    return wrong


def check_decisions(case: Case, got: Imported) -> list[str]:
    doc = _imported(got)
    decisions = [words(e.text) for e in doc.entries if e.kind is EntryKind.DECISION]
    return [
        f"no decision says {text!r}"
        for text in case.expect.get("decisions") or []
        if not any(contains(d, words(text)) for d in decisions)
    ]


def check_actions(case: Case, got: Imported) -> list[str]:
    doc = _imported(got)
    actions = [e for e in doc.entries if e.kind is EntryKind.ACTION]
    wrong = []
    for action in case.expect.get("actions") or []:
        matches = [e for e in actions if contains(words(e.text), words(action["text"]))]
        if not matches:
            wrong.append(f"no action says {action['text']!r}")
            continue
        entry = matches[0]
        if "owner" in action and not contains(words(entry.owner or ""), words(action["owner"])):
            wrong.append(f"{action['text']!r}: owner {entry.owner!r}, expected {action['owner']!r}")
        if "due" in action and entry.due != action["due"]:
            wrong.append(f"{action['text']!r}: due {entry.due}, expected {action['due']}")
    return wrong


def _starts(line: str, starts: Iterable[str]) -> bool:
    """Whether the line's words begin with one of `starts` (`=…`: the line is exactly that)."""
    said = words(line).split()
    for start in starts:
        exact = start.startswith("=")
        want = words(start.removeprefix("=")).split()
        if want and (said == want if exact else said[: len(want)] == want):
            return True
    return False


def body_text(case: Case) -> str:
    """The text of the file: a PDF's is kept beside it in pdf-sources/ (the text it was made from)."""
    if case.path.suffix == ".txt":
        return case.path.read_text(encoding="utf-8")
    source = case.path.parent / "pdf-sources" / f"{case.name}.txt"
    return source.read_text(encoding="utf-8") if source.exists() else ""


def body_sentences(case: Case) -> Iterator[str]:
    """The sentences of the file's body (as words): every line but the source, frame and label lines,
    less the page debris on it (debris can be glued to a sentence: `lejrskole.Sidst opdateret …`)."""
    text = body_text(case)
    lines = text.splitlines()
    if lines and SOURCE_LINE.match(lines[0]):
        lines = lines[1:]
    frame = [*(case.expect.get("frame") or []), *(case.expect.get("labels") or [])]
    debris = [str(d) for d in case.expect.get("debris") or []]
    glued = [" ".join(d.split()) for d in debris if not d.startswith("=")]
    for line in lines:
        if _starts(line, [d for d in debris if d.startswith("=")]):
            continue
        line = " ".join(line.split())
        for piece in glued:
            line = line.replace(piece, " ")
        if not line.strip() or _starts(line, frame):
            continue
        for sentence in _SENTENCE_END.split(_unlead(line)):
            if said := words(sentence):
                yield said


def _unlead(line: str) -> str:
    """The line without the numbering and bullets in front of it (`• Pkt. 42 Titel` → `Titel`)."""
    while (shorter := _LEAD.sub("", line, count=1)) != line:
        line = shorter
    return line


def check_sentences(case: Case, got: Imported) -> list[str]:
    """Every body sentence is kept: stored somewhere, or named in the import's report."""
    haystack = got.haystack
    return [f"lost: {s!r}" for s in body_sentences(case) if not contains(haystack, s)]


def check_debris(case: Case, got: Imported) -> list[str]:
    """Page furniture (cookie notices, comment forms, menus) is never stored as a statement."""
    doc = _imported(got)
    entries = [words(e.text) for e in doc.entries]
    return [
        f"stored as a statement: {line!r}"
        for line in (str(d).removeprefix("=") for d in case.expect.get("debris") or [])
        if any(contains(e, words(line)) for e in entries)
    ]


def check_question(case: Case, got: Imported, number: int) -> list[str]:
    question = case.questions[number]
    answer = ask(got, question["q"])
    missing = [a for a in question["a"] if not contains(words(answer), words(str(a)))]
    return [f"{question['q']!r} → {answer!r} lacks {missing}"] if missing else []


CHECKS = {
    "frame": check_frame,
    "people": check_people,
    "items": check_items,
    "decisions": check_decisions,
    "actions": check_actions,
    "sentences": check_sentences,
    "debris": check_debris,
}
