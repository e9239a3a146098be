"""Regenerate the LibreOffice-saved documents of the Word import tests (issue 14):

    cd tests/data/word && python make_libreoffice_files.py

libreoffice.fodt is the source (a flat OpenDocument text written by hand: a title
in the Title style, a 供稿 line, a heading, a footnote, tracked changes, a comment,
a text box, a described picture, a list, a table with merged cells and a date
line). LibreOffice saves it as libreoffice.docx, .odt and .doc. The outputs are
committed, so the tests read what LibreOffice really writes without needing it; only
tests/news/test_word_libreoffice.py runs LibreOffice itself."""

import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    for target in ("docx", "odt", "doc"):
        subprocess.run(
            [
                "soffice",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(HERE),
                str(HERE / "libreoffice.fodt"),
            ],
            check=True,
        )
