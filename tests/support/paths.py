"""Where the repository's own test material lives: tests read nothing outside the repository."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
IMPORT_FIXTURES = FIXTURES / "import"
# A published referat of a kredsrådsmøde, kept verbatim; FORMAT.md beside it describes its form.
REFERENCE = FIXTURES / "reference" / "kredsraad-holstebro-2024-03-19.txt"
EXAMPLES = REPO / "examples"
