"""The plan search box without PostgreSQL's full text (the embedded SQLite default): the same query language as
`websearch_to_tsquery` — every word must appear, anywhere; "quoted words" as a phrase; -word excludes; `or`
between alternatives — matched as case-insensitive substrings of the plan's search text."""

import re
from dataclasses import dataclass

from django.db.models import Q

# A term: -"a quoted phrase" (the closing quote may be missing), or a run of anything but spaces.
_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")
# PostgreSQL's `english` configuration ignores these words, so a query that contains them finds the same plans.
_STOP_WORDS_TEXT = """
a about above after again against all am an and any are as at be because been before being below between both but
by can did do does doing don down during each few for from further had has have having he her here hers herself him
himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or
other our ours ourselves out over own s same she should so some such t than that the their theirs them themselves
then there these they this those through to too under until up very was we were what when where which while who
whom why will with you your yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True)
class Term:
    """One word or phrase of a query, and whether the plan must not contain it."""

    text: str
    excluded: bool = False


def search_terms(query: str) -> list[list[Term]]:
    """The query as alternatives (split at `or`), each a list of terms that must all hold."""
    alternatives: list[list[Term]] = [[]]
    for match in _TERM.finditer(query):
        excluded_phrase, phrase, word = match.groups()
        if word is None:
            text = " ".join(phrase.split())
            excluded = bool(excluded_phrase)
        elif word.lower() == "or":
            if alternatives[-1]:
                alternatives.append([])
            continue
        else:
            excluded = word.startswith("-") and len(word) > 1
            text = _EDGE_PUNCTUATION.sub("", word[1:] if excluded else word)
            if text.lower() in STOP_WORDS:
                continue
        if text:
            alternatives[-1].append(Term(text, excluded))
    return [terms for terms in alternatives if terms]


def substring_filter(query: str, field: str = "search_document") -> Q | None:
    """The query as a filter on `field` (None: the query holds no word to look for, so it matches nothing)."""
    combined: Q | None = None
    for terms in search_terms(query):
        condition = Q()
        for term in terms:
            contains = Q(**{f"{field}__icontains": term.text})
            condition &= ~contains if term.excluded else contains
        combined = condition if combined is None else combined | condition
    return combined
