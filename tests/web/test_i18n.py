import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def test_every_russian_message_is_translated_and_none_is_fuzzy():
    # given the catalogue's entries after the header (each starts at a msgid line)
    text = CATALOGUE.read_text(encoding="utf-8")
    entries = re.split(r"\n\n+", text.split("\n\n", 1)[1])
    # then each has a non-empty translation (every plural form too) and no fuzzy flag
    empty = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""$(?!\n")', e, flags=re.M)]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert (empty, fuzzy) == ([], [])
    assert len(entries) > 250
