"""The query parameters public pages read, each checked by one rule.

The views read a parameter through its rule, and the page cache (fedsite.cache) uses the
same rules to decide whether a response may be stored: only a page whose view reads
every parameter given, each with a valid value, is stored. Junk (/?page=<uuid>,
/feed/?year=…, /news/?script=x, ?page=٣) is answered, or refused with a 404, but never
fills the cache with one entry per value (issue 9).
"""

from django.http import Http404

from .reader import SCRIPTS


class InvalidParameter(ValueError):
    pass


def page_number(raw):
    """?page= (and a sitemap's ?p=): 1 to 9999 in ASCII digits, written as the pager
    writes it. Unicode digits (٣, ２) and leading zeros are refused, so each page has
    one address."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4 and raw[0] != "0"):
        raise InvalidParameter(raw)
    return int(raw)


def year(raw):
    """?year=: four ASCII digits. Whether the year has anything is the view's question."""
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
        raise InvalidParameter(raw)
    return int(raw)


def script(raw):
    """?script=: a one-response script choice for feed readers (fedsite.reader)."""
    if raw not in SCRIPTS:
        raise InvalidParameter(raw)
    return raw


RULES = {"page": page_number, "p": page_number, "year": year, "script": script}


def read(request, name, default=None):
    """The value of ?name= by its rule; `default` when it is absent, a 404 when it is
    invalid (empty included)."""
    raw = request.GET.get(name)
    if raw is None:
        return default
    try:
        return RULES[name](raw)
    except InvalidParameter:
        raise Http404 from None


def canonical(request, names):
    """The request's query as ((name, value), ...) in a fixed order, or None when it
    has a parameter that is not in `names`, is repeated, or is invalid: a request
    that should not be stored."""
    values = []
    for name in sorted(request.GET):
        given = request.GET.getlist(name)
        if name not in names or len(given) != 1:
            return None
        try:
            values.append((name, RULES[name](given[0])))
        except InvalidParameter:
            return None
    return tuple(values)
