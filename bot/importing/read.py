"""Read a document's text: .txt in UTF-8, UTF-16 or cp1252, .docx paragraphs and tables in order,
.pdf text page by page (pypdf; a scanned PDF without text is refused by name).

Word keeps list numbering outside the paragraph text; it is put back here, so the parser sees the
numbers a reader sees. Text that is not text (a binary file renamed) is refused.

A folder to import may hold anything, so every limit is checked before the expensive step: the
size of a text file before it is read, the declared uncompressed size of a Word file's parts (a
zip bomb announces its size, and Python's zip reader holds it to that) and its paragraph count
before python-docx builds a tree of it. A referat is tens of kilobytes and a few hundred
paragraphs; the limits are a hundred times that.

Text without a byte-order mark that is not UTF-8 is read as Windows-1252 only if a charset detector
(charset-normalizer) agrees that it is; text from an old Mac (Mac Roman) or DOS (cp850/cp865) would
otherwise import as mojibake such as `KredsrŒdsm¿de`, so it is refused with the encoding named.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from bot.importing.imported import NotAReferat
from bot.importing.vocabulary import BULLET, heading

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph


MAX_TEXT_BYTES = 4 * 1024 * 1024
MAX_PARAGRAPHS = 50_000
MAX_PART_BYTES = 32 * 1024 * 1024  # uncompressed, per part of a Word file
MAX_DOCX_BYTES = 128 * 1024 * 1024  # uncompressed, all parts together (images included)
MAX_DOCX_PARTS = 2_000
MAX_PDF_BYTES = 64 * 1024 * 1024
MAX_PDF_PAGES = 2_000
MIN_PDF_LETTERS = 20  # fewer letters than a title: a scan with at most a stamp or page number on it
# Legacy encodings a Danish text file may come in; only Windows-1252 is read.
_LEGACY = ["cp1252", "mac_roman", "cp850", "cp865"]
_LEGACY_NAMES = {"mac_roman": "Mac Roman", "cp850": "DOS (cp850)", "cp865": "DOS nordisk (cp865)"}
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_PARAGRAPH = re.compile(rb"<w:p[\s/>]")

_CELL_NUMBER = re.compile(r"\d{1,2}\.?")
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")


def looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:20000]
    return len(_BINARY.findall(sample)) > max(2, len(sample) // 100)


def read_document(path: Path) -> str:
    """The text of a .txt (UTF-8, else cp1252) or .docx file; NotAReferat when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        text = decode_text(_read_bytes(path))
        if text.count("\n") > MAX_PARAGRAPHS:
            raise NotAReferat(
                f"filen har over {MAX_PARAGRAPHS:,} linjer; det er ikke et referat".replace(",", ".")
            )
        return text
    if suffix == ".docx":
        _check_docx(path)
        return _read_docx(path)
    if suffix == ".pdf":
        return _read_pdf(path)
    shown = suffix or "uden endelse"
    raise NotAReferat(f"filtypen {shown} kan ikke læses; brug .txt, .docx eller .pdf")


def _read_pdf(path: Path) -> str:
    """The text of a PDF's pages, a form feed between pages; a PDF with no text (a scan) is refused."""
    # Imported here: only PDF imports pay for pypdf's start-up.
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise NotAReferat(f"filen kunne ikke læses ({exc.strerror or exc})") from exc
    if size > MAX_PDF_BYTES:
        raise NotAReferat(f"PDF-filen er over {MAX_PDF_BYTES // (1024 * 1024)} MB; det er ikke et referat")
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise NotAReferat("PDF-filen er krypteret med en adgangskode; gem den uden og importér igen")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise NotAReferat(f"PDF-filen har over {MAX_PDF_PAGES} sider; det er ikke et referat")
        pages = [page.extract_text() or "" for page in reader.pages]
    except NotAReferat:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise NotAReferat("filen er ikke en gyldig PDF") from exc
    text = "\f".join(pages)
    if sum(c.isalpha() for c in text) < MIN_PDF_LETTERS:
        raise NotAReferat(
            "PDF-filen indeholder ingen tekst, kun billeder – formentlig et scannet dokument. "
            "Kør tekstgenkendelse (OCR) på den, eller importér referatet som .docx eller .txt"
        )
    return text


def _read_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_TEXT_BYTES + 1)
    except OSError as exc:
        raise NotAReferat(f"filen kunne ikke læses ({exc.strerror or exc})") from exc
    if len(raw) > MAX_TEXT_BYTES:
        raise NotAReferat(f"filen er over {MAX_TEXT_BYTES // (1024 * 1024)} MB; det er ikke et referat")
    return raw


def decode_text(raw: bytes) -> str:
    """UTF-8 or UTF-16/32 with a byte-order mark, UTF-8, or Windows-1252 when a detector agrees."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding).removeprefix("\ufeff")
            except UnicodeDecodeError as exc:
                raise NotAReferat(f"filen er ikke gyldig {encoding.upper()}-tekst") from exc
    if b"\x00" in raw:
        raise NotAReferat("filen indeholder ikke læsbar tekst")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=_LEGACY).best()
    if best is None:
        raise NotAReferat("filen er hverken UTF-8, UTF-16 eller Windows-1252 tekst")
    if best.encoding != "cp1252":
        shown = _LEGACY_NAMES.get(best.encoding, best.encoding)
        raise NotAReferat(
            f"teksten ser ud til at være gemt som {shown} og ville blive til volapyk (fx «KredsrŒdsm¿de»); "
            "gem den som UTF-8 og importér igen"
        )
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise NotAReferat("filen er hverken UTF-8, UTF-16 eller Windows-1252 tekst") from exc


def _check_docx(path: Path) -> None:
    """Refuse a Word file whose declared sizes or paragraph count no referat has, before parsing it."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_DOCX_PARTS:
                raise NotAReferat(f"Word-filen har over {MAX_DOCX_PARTS} dele; det er ikke et referat")
            if sum(p.file_size for p in parts) > MAX_DOCX_BYTES or any(
                p.file_size > MAX_PART_BYTES for p in parts
            ):
                raise NotAReferat("Word-filen fylder for meget, når den pakkes ud; det er ikke et referat")
            try:
                body = archive.read("word/document.xml")
            except KeyError:
                return  # python-docx names what is missing
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise NotAReferat("filen er ikke et gyldigt Word-dokument (.docx)") from exc
    if len(_PARAGRAPH.findall(body)) > MAX_PARAGRAPHS:
        raise NotAReferat(
            f"Word-filen har over {MAX_PARAGRAPHS:,} afsnit; det er ikke et referat".replace(",", ".")
        )


def _read_docx(path: Path) -> str:
    # Imported here: python-docx (and lxml) cost a noticeable start-up time that plain text never needs.
    from zipfile import BadZipFile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, BadZipFile, KeyError, ValueError, OSError) as exc:
        raise NotAReferat("filen er ikke et gyldigt Word-dokument (.docx)") from exc
    return "\n\n".join(_docx_blocks(document))


def _docx_blocks(document: DocxDocument) -> list[str]:
    """Paragraphs and table rows in document order; list numbering that Word keeps outside the text."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    numbering = _DocxNumbering(document)
    blocks: list[str] = []
    for child in document.element.body.iterchildren():
        tag = str(child.tag).rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            text = paragraph.text.strip()
            if text:
                blocks.append(numbering.prefix(paragraph, text) + text)
            else:
                blocks.append("")
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is returned once per grid column
                        continue
                    seen.add(id(cell._tc))
                    if cell_text := cell.text.strip():
                        cells.append(cell_text)
                blocks.extend(_join_cells(cells))
    return blocks


def _join_cells(cells: list[str]) -> list[str]:
    """A table row as text: `Dato: 19. marts 2024`, `1. Orientering`, `Navn, Titel`."""
    if not cells:
        return []
    if len(cells) == 1 or any("\n" in c for c in cells):
        return cells
    first, rest = cells[0], cells[1:]
    if first.endswith(":"):
        return [f"{first} {' '.join(rest)}"]
    if _CELL_NUMBER.fullmatch(first):
        return [f"{first.rstrip('.')}. {' '.join(rest)}"]
    return [", ".join(cells)]


class _DocxNumbering:
    """Turns Word's list numbering (kept in numbering.xml, not in the text) into `1. ` / `- ` prefixes."""

    def __init__(self, document: DocxDocument) -> None:
        self.counters: dict[str, int] = {}
        self.formats: dict[tuple[str, int], str] = {}
        try:
            self.root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            self.root = None

    def _format(self, num_id: str, level: int) -> str:
        key = (num_id, level)
        if key not in self.formats:
            fmt = "decimal"
            if self.root is not None:
                abstract = self.root.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
                if abstract:
                    found = self.root.xpath(
                        f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]/w:lvl[@w:ilvl="{level}"]/w:numFmt/@w:val'
                    )
                    fmt = str(found[0]) if found else fmt
            self.formats[key] = fmt
        return self.formats[key]

    def prefix(self, paragraph: Paragraph, text: str) -> str:
        if BULLET.match(text) or heading(text) is not None:
            return ""  # the number or bullet is already part of the text
        num_ids = paragraph._p.xpath("./w:pPr/w:numPr/w:numId/@w:val")
        levels = paragraph._p.xpath("./w:pPr/w:numPr/w:ilvl/@w:val")
        style = (paragraph.style.name if paragraph.style is not None else None) or ""
        if num_ids and str(num_ids[0]) != "0":  # numId 0 means "numbering switched off"
            num_id = str(num_ids[0])
            level = int(levels[0]) if levels else 0
            fmt = self._format(num_id, level)
        elif style.startswith("List Number"):
            num_id, level, fmt = f"style:{style}", 0, "decimal"
        elif style.startswith("List Bullet"):
            num_id, level, fmt = f"style:{style}", 0, "bullet"
        else:
            return ""
        if fmt in ("bullet", "none") or level > 0:
            return "- "
        self.counters[num_id] = self.counters.get(num_id, 0) + 1
        return f"{self.counters[num_id]}. "
