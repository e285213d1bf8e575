"""Names folded for search: lower case, accents off, Danish letters spelled the way people type them without
a Danish keyboard, so that "Soren Jorgensen", "Søren Jørgensen" and "SØREN JOERGENSEN" find the same person,
and "Aase" finds "Åse".

The stored, folded name is a generated column (`Folded`): the database computes it on every write, so bulk
inserts, the import and the admin need no code of their own. The search term is folded by `fold`; the two
must agree:
- PostgreSQL: REPLACE for the letters spelled with two (æ → ae), TRANSLATE for the others, then LOWER, then
  the digraphs; all immutable, as a generated column requires.
- SQLite: its parser cannot nest that deep and its LOWER only knows ASCII, so the column calls `fold` itself,
  registered as the deterministic SQL function sof_fold on every connection (cases/apps.py).
Changing the folding changes stored values: add a migration that recreates the columns.
"""

import unicodedata

from django.db.models import CharField, Func

# Letters with no decomposition to a base letter, and how they are typed without them.
_SPELLED = {"æ": "ae", "ø": "o", "ß": "ss", "đ": "d", "ł": "l", "ı": "i", "œ": "oe", "ð": "d", "þ": "th"}


def _letter_folds() -> dict[str, str]:
    """Every letter of Latin-1 and Latin Extended-A (é, ü, å, ç, ş, ń …) and its plain lower-case spelling."""
    folds = {}
    for code in range(0xC0, 0x180):
        letter = chr(code)
        if not letter.isalpha():
            continue
        base = unicodedata.normalize("NFKD", letter)[0].lower()
        plain = _SPELLED.get(letter.lower(), base)
        if plain.isascii() and plain != letter:
            folds[letter] = plain
    return folds


LETTER_FOLDS = _letter_folds()
# After the letters: the Danish digraphs written for å and ø ("Aagaard", "Joergensen").
DIGRAPH_FOLDS = {"aa": "a", "oe": "o"}


def fold(text: str) -> str:
    """The search form of a text (Python side of `Folded`)."""
    for letter, plain in LETTER_FOLDS.items():
        text = text.replace(letter, plain)
    text = text.lower()
    for digraph, plain in DIGRAPH_FOLDS.items():
        text = text.replace(digraph, plain)
    return text


def fold_or_none(text: str | None) -> str | None:
    """`fold` as SQLite's sof_fold (NULL stays NULL)."""
    return None if text is None else fold(text)


class Folded(Func):
    """The database side of `fold` (see the module's docstring); the letters are this module's constants,
    none of them a quote, so they are written into the SQL as literals."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        singles = {letter: plain for letter, plain in LETTER_FOLDS.items() if len(plain) == 1}
        for letter, plain in LETTER_FOLDS.items():
            if letter not in singles:
                sql = f"REPLACE({sql}, '{letter}', '{plain}')"
        sql = f"LOWER(TRANSLATE({sql}, '{''.join(singles)}', '{''.join(singles.values())}'))"
        for digraph, plain in DIGRAPH_FOLDS.items():
            sql = f"REPLACE({sql}, '{digraph}', '{plain}')"
        return sql, params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"sof_fold({sql})", params
