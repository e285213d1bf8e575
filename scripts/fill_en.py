"""Fill locale/en from locale/en/translations.tsv (Danish msgid <TAB> English), after makemessages.
A plural string has three columns: the Danish singular msgid, the English singular and the English plural.

The TSV is the source of the English wording: one line per string, appended by whoever adds a string,
so the generated .po file never needs hand edits. Prints the Danish strings still without English.
"""

import csv
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "en"
PO_FILE = LOCALE / "LC_MESSAGES" / "django.po"

with (LOCALE / "translations.tsv").open(encoding="utf-8") as handle:
    english = {row[0]: row[1:] for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if row}

catalogue = polib.pofile(str(PO_FILE))
missing = []
for entry in catalogue:
    if entry.msgid in english and (not entry.msgid_plural or len(english[entry.msgid]) == 2):
        if entry.msgid_plural:
            entry.msgstr_plural = dict(enumerate(english[entry.msgid]))
        else:
            entry.msgstr = english[entry.msgid][0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    elif not entry.msgstr or entry.msgid_plural or "fuzzy" in entry.flags:
        # msgmerge's fuzzy guesses are wrong more often than not: no English is better than a wrong one.
        entry.msgstr = ""
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        missing.append(entry.msgid)
catalogue.save()
for msgid in missing:
    print(f"no English yet: {msgid!r}")
