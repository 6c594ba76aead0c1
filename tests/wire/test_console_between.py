"""The console between meetings: `/hjem` shows App Home, `/genvej Tilføj til referat` fills the form."""

from __future__ import annotations

from pathlib import Path

from test_console import run_script

SCRIPT = """\
/som Camilla Slumstrup
/referat start Kredsrådsmøde | 19. marts 2024 | rådhuset
/referat deltager @Helle Kyndesen | Politidirektør | politiet
/referat dagsorden
1. Orientering
2. Trekanten
/referat ad 1 opgave: Indkald til møde @Helle Kyndesen frist 1. december 2030
/som Helle Kyndesen
@referat hvad blev besluttet om Trekanten?
/genvej Tilføj til referat
Trekanten
Opgave
-
Følge op på Trekanten
Helle
1. juni 2030
/genvej Tilføj til referat
2
Beslutning
-
-
-
1. juni 2030
/hjem
"""


def test_app_home_and_the_shortcut_in_the_console(tmp_path: Path) -> None:
    code, output = run_script(SCRIPT, tmp_path / "referat.db")
    assert code == 0
    assert "Traceback" not in output
    assert "Slack afviste" not in output
    assert "┌ Tilføj til referat" in output
    assert (
        "Nr. 2 gemt under Ad 2 – Trekanten: Opgave (ansvarlig: Helle Kyndesen) (frist: 1. juni 2030)"
        in output
    )
    # A refused form says why beside the field, and nothing is stored.
    assert "Vinduet blev ikke sendt" in output
    assert "Ansvarlig og frist hører til en opgave" in output
    assert "Nr. 3 gemt" not in output
    home = output.split("┌ Hjem hos referat – Helle Kyndesen", 1)[1]
    assert "== Mine opgaver ==" in home
    assert "#2 Følge op på Trekanten" in home
    assert "#1 Indkald til møde" in home
    assert "== Seneste møder ==" in home
    assert "Kredsrådsmøde, 19. marts 2024 (åbent)" in home
