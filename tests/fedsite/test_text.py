"""Decoding uploaded text files (fedsite.text)."""

from pathlib import Path

from fedsite.text import decode_text

# The damaged March 8 report (tests/news/test_repair.py): Chinese text with odd characters.
SEED_FILE = Path(__file__).resolve().parents[1] / "data" / "march8_damaged.txt"


def test_gb18030_file_decodes():
    # Chinese Windows and WPS save plain text in GB18030.
    seed_text = SEED_FILE.read_text(encoding="utf-8")
    assert decode_text(seed_text.encode("gb18030")) == seed_text
    assert decode_text(seed_text.encode("utf-8-sig")) == seed_text
