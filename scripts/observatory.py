"""Grade a site's response headers by the Mozilla HTTP Observatory's rules, offline.

The MDN HTTP Observatory (developer.mozilla.org/en-US/observatory) scans only
public hosts, so it cannot reach a server on this machine. This script makes the
requests it makes (the page over http and over https following redirects, robots.txt
for cookies, a CORS preflight) and applies its tests and scoring as published in
github.com/mdn/mdn-http-observatory at 94042bb (2026-08-20): src/analyzer/tests/*.js
(what each test looks at), src/grader/charts.js (SCORE_TABLE, the modifiers;
GRADE_CHART) and src/scanner/index.js (bonuses count only when the score without
them is 90 or more). The same table, without the cross-origin tests, is
mozilla/http-observatory's httpobs/docs/scoring.md. The Cross-Origin-Opener- and
-Embedder-Policy tests arrived on that main branch after its 1.6.3 release, so the
score is also given without them, as the released scanner would count.

    python -m scripts.observatory https://www.example.gov.cn/
    python -m scripts.observatory http://127.0.0.1:8000/ --behind-proxy

--behind-proxy grades an app server that speaks plain HTTP behind nginx terminating
HTTPS: an https:// address is asked of it with the X-Forwarded-Proto: https header
nginx adds, an http:// one without. Not modelled: certificate checks (taken as
valid) and the browsers' HSTS preload list (taken as not listing the host: no bonus).
"""

import argparse
import http.client
import json
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

CORS_ORIGIN = "https://http-observatory.security.mozilla.org"
MAX_REDIRECTS = 10
TIMEOUT = 10

# src/grader/charts.js, SCORE_TABLE: the modifier of every result these tests give.
MODIFIERS = {
    "csp-implemented-with-no-unsafe-default-src-none": 10,
    "csp-implemented-with-no-unsafe": 5,
    "csp-implemented-with-unsafe-inline-in-style-src-only": 0,
    "csp-implemented-with-insecure-scheme-in-passive-content-only": -10,
    "csp-implemented-with-unsafe-eval": -10,
    "csp-implemented-with-unsafe-inline": -20,
    "csp-implemented-with-insecure-scheme": -20,
    "csp-header-invalid": -25,
    "csp-not-implemented": -25,
    "csp-not-implemented-but-reporting-enabled": -25,
    "csp-implemented-but-duplicate-directives": 0,
    "cookies-secure-with-httponly-sessions-and-samesite": 5,
    "cookies-secure-with-httponly-sessions": 0,
    "cookies-not-found": 0,
    "cookies-without-secure-flag-but-protected-by-hsts": -5,
    "cookies-session-without-secure-flag-but-protected-by-hsts": -10,
    "cookies-without-secure-flag": -20,
    "cookies-samesite-flag-invalid": -20,
    "cookies-anticsrf-without-samesite-flag": -20,
    "cookies-session-without-httponly-flag": -30,
    "cookies-session-without-secure-flag": -40,
    "cross-origin-resource-sharing-not-implemented": 0,
    "cross-origin-resource-sharing-implemented-with-public-access": 0,
    "cross-origin-resource-sharing-implemented-with-restricted-access": 0,
    "cross-origin-resource-sharing-implemented-with-universal-access": -50,
    "redirection-to-https": 0,
    "redirection-not-needed-no-http": 0,
    "redirection-off-host-from-http": -5,
    "redirection-not-to-https-on-initial-redirection": -10,
    "redirection-not-to-https": -20,
    "redirection-missing": -20,
    "referrer-policy-private": 5,
    "referrer-policy-not-implemented": 0,
    "referrer-policy-unsafe": -5,
    "referrer-policy-header-invalid": -5,
    "hsts-implemented-max-age-at-least-six-months": 0,
    "hsts-implemented-max-age-less-than-six-months": -10,
    "hsts-not-implemented": -20,
    "hsts-header-invalid": -20,
    "hsts-not-implemented-no-https": -20,
    "sri-implemented-and-all-scripts-loaded-securely": 5,
    "sri-implemented-and-external-scripts-loaded-securely": 5,
    "sri-not-implemented-response-not-html": 0,
    "sri-not-implemented-but-no-scripts-loaded": 0,
    "sri-not-implemented-but-all-scripts-loaded-from-secure-origin": 0,
    "sri-not-implemented-but-external-scripts-loaded-securely": -5,
    "sri-implemented-but-external-scripts-not-loaded-securely": -20,
    "sri-not-implemented-and-external-scripts-not-loaded-securely": -50,
    "x-content-type-options-nosniff": 0,
    "x-content-type-options-not-implemented": -5,
    "x-content-type-options-header-invalid": -5,
    "x-frame-options-implemented-via-csp": 5,
    "x-frame-options-sameorigin-or-deny": 5,
    "x-frame-options-allow-from-origin": 0,
    "x-frame-options-not-implemented": -20,
    "x-frame-options-header-invalid": -20,
    "cross-origin-resource-policy-not-implemented": 0,
    "cross-origin-resource-policy-implemented-with-same-origin": 10,
    "cross-origin-resource-policy-implemented-with-same-site": 10,
    "cross-origin-resource-policy-implemented-with-cross-origin": 0,
    "cross-origin-resource-policy-header-invalid": -5,
    "coop-implemented-with-same-origin": 10,
    "coop-implemented-with-same-origin-allow-popups": 10,
    "coop-implemented-with-noopener-allow-popups": 10,
    "coop-implemented-with-unsafe-none": 0,
    "coop-not-implemented": 0,
    "coop-header-invalid": -5,
    "coep-implemented-with-require-corp": 10,
    "coep-implemented-with-credentialless": 10,
    "coep-implemented-with-unsafe-none": 0,
    "coep-not-implemented": 0,
    "coep-header-invalid": -5,
}
# GRADE_CHART: the grade of a score rounded down to a multiple of 5 (100 and more: A+).
GRADES = {100: "A+", 95: "A", 90: "A", 85: "A-", 80: "B+", 75: "B", 70: "B", 65: "B-"}
GRADES |= {60: "C+", 55: "C", 50: "C", 45: "C-", 40: "D+", 35: "D", 30: "D", 25: "D-"}
MINIMUM_SCORE_FOR_EXTRA_CREDIT = 90
UNRELEASED_TESTS = {"cross-origin-opener-policy", "cross-origin-embedder-policy"}


@dataclass
class Response:
    url: str
    status: int
    headers: list  # [(lower-case name, value)], in the order received
    body: bytes = b""

    def values(self, name):
        return [value for key, value in self.headers if key == name]

    def first(self, name):
        found = self.values(name)
        return found[0] if found else None


@dataclass
class Scan:
    """What the Observatory retrieves: the redirect chain from http://, the https://
    page ("auto": the page graded), the cookies set on the way and by robots.txt, and
    the answer to a CORS preflight."""

    http_chain: list
    https_chain: list
    cookies: list = field(default_factory=list)  # raw Set-Cookie values
    cors: Response | None = None

    @property
    def auto(self):
        return self.https_chain[-1] if self.https_chain else self.http_chain[-1]


# -- Retrieving ---------------------------------------------------------------------


def fetch(url, *, behind_proxy=False, method="GET", headers=()):
    parts = urlsplit(url)
    request_headers = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    request_headers |= dict(headers)
    if behind_proxy:
        connection = http.client.HTTPConnection(parts.netloc, timeout=TIMEOUT)
        request_headers["X-Forwarded-Proto"] = parts.scheme
    elif parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.netloc, timeout=TIMEOUT)
    else:
        connection = http.client.HTTPConnection(parts.netloc, timeout=TIMEOUT)
    try:
        # Non-ASCII in an address (a Chinese search word) goes percent-encoded.
        path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~")
        query = quote(parts.query, safe="/%:@!$&'()*+,;=~?")
        path = urlunsplit(("", "", path, query, ""))
        connection.request(method, path, headers=request_headers)
        answer = connection.getresponse()
        body = answer.read(2_000_000)
        headers = [(name.lower(), value) for name, value in answer.getheaders()]
        return Response(url, answer.status, headers, body)
    finally:
        connection.close()


def follow(url, *, behind_proxy):
    chain = []
    while len(chain) <= MAX_REDIRECTS:
        response = fetch(url, behind_proxy=behind_proxy)
        chain.append(response)
        location = response.first("location")
        if response.status not in {301, 302, 303, 307, 308} or not location:
            break
        url = urljoin(url, location)
    return chain


def retrieve(address, *, behind_proxy=False):
    parts = urlsplit(address)
    http_chain = follow(urlunsplit(("http",) + tuple(parts[1:])), behind_proxy=behind_proxy)
    https_chain = follow(urlunsplit(("https",) + tuple(parts[1:])), behind_proxy=behind_proxy)
    final = https_chain[-1].url
    robots = fetch(urljoin(final, "/robots.txt"), behind_proxy=behind_proxy)
    cors = fetch(
        final,
        behind_proxy=behind_proxy,
        method="OPTIONS",
        headers={"Origin": CORS_ORIGIN, "Access-Control-Request-Method": "GET"},
    )
    cookies = [
        value for response in https_chain + [robots] for value in response.values("set-cookie")
    ]
    return Scan(http_chain, https_chain, cookies, cors)


# -- The tests ----------------------------------------------------------------------


class _Markup(HTMLParser):
    """The page's <script> elements and <meta http-equiv> values."""

    def __init__(self):
        super().__init__()
        self.scripts = []
        self.equiv = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        elif tag == "meta" and attrs.get("http-equiv") and attrs.get("content") is not None:
            self.equiv.setdefault(attrs["http-equiv"].lower(), []).append(attrs["content"])


def markup(response):
    parser = _Markup()
    if (response.first("content-type") or "").split(";")[0].strip() in {
        "text/html",
        "application/xhtml+xml",
    }:
        parser.feed(response.body.decode("utf-8", "replace"))
    return parser


def parse_csp(policies):
    """{directive: set(sources)} as cspParser.js reads one or more policies: sources
    lower-cased, an empty -src list meaning 'none', a repeated directive invalid
    (ValueError) but for report-uri/report-to; with several policies a source counts
    only where every policy allows it."""
    combined = {}
    for index, policy in enumerate(policies):
        policy = policy.replace("\r", "").replace("\n", "").strip()
        if len(policy) < len("img-src") - 1:
            raise ValueError(policy)
        seen = {}
        for entry in policy.split(";"):
            name, *sources = entry.strip().split()
            name = name.lower() if entry.strip() else ""
            if not name:
                continue
            if name in seen:
                if name in {"report-uri", "report-to"}:
                    continue
                raise ValueError(f"duplicate {name}")
            sources = {source.lower() for source in sources}
            if not sources and name.endswith("-src"):
                sources = {"'none'"}
            seen[name] = sources
        for name, sources in seen.items():
            combined[name] = (
                sources if index == 0 or name not in combined else combined[name] & sources
            )
    return {name: sources or {"'none'"} for name, sources in combined.items()}


BROAD = {"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"}
INLINE = {"'unsafe-inline'", "data:"}
NONCES_HASHES = ("'sha256-", "'sha384-", "'sha512-", "'nonce-")


def csp_test(scan):
    """src/analyzer/tests/csp.js"""
    response = scan.auto
    header = [
        part.strip()
        for value in response.values("content-security-policy")
        for part in value.split(",")
    ]
    equiv = [
        part.strip()
        for value in markup(response).equiv.get("content-security-policy", [])
        for part in value.split(",")
    ]
    try:
        csp = parse_csp(header + equiv)
    except ValueError:
        return "csp-header-invalid", {}
    if not csp:
        if response.values("content-security-policy-report-only"):
            return "csp-not-implemented-but-reporting-enabled", {}
        return "csp-not-implemented", {}
    script_src = set(csp.get("script-src") or csp.get("default-src") or {"*"})
    style_src = set(csp.get("style-src") or csp.get("default-src") or {"*"})
    object_src = csp.get("object-src") or csp.get("default-src") or {"*"}
    for sources in (script_src, style_src):
        if any(source.startswith(NONCES_HASHES) for source in sources):
            sources.discard("'unsafe-inline'")
    result = None
    if "'strict-dynamic'" in script_src:
        if any(source.startswith(NONCES_HASHES) for source in script_src):
            script_src = {
                source
                for source in script_src
                if not source.startswith(tuple(BROAD))
                and source not in {"'self'", "'unsafe-inline'"}
            }
        else:
            result = "csp-header-invalid"
    https = urlsplit(scan.auto.url).scheme == "https"
    active = [
        s
        for d, sources in csp.items()
        if d not in {"img-src", "media-src", "script-src"}
        for s in sources
    ]
    active += list(script_src)
    passive = [
        s for d in ("img-src", "media-src") for s in (csp.get(d) or csp.get("default-src") or ())
    ]
    checks = [
        ("csp-implemented-with-unsafe-inline", script_src & (BROAD | INLINE) or object_src & BROAD),
        (
            "csp-implemented-with-insecure-scheme",
            https and any(s.startswith(("http:", "ftp:")) for s in active),
        ),
        ("csp-implemented-with-unsafe-eval", "'unsafe-eval'" in script_src | style_src),
        (
            "csp-implemented-with-insecure-scheme-in-passive-content-only",
            https and any(s.startswith(("http:", "ftp:")) for s in passive),
        ),
        ("csp-implemented-with-unsafe-inline-in-style-src-only", style_src & (BROAD | INLINE)),
        ("csp-implemented-with-no-unsafe-default-src-none", csp.get("default-src") == {"'none'"}),
        ("csp-implemented-with-no-unsafe", True),
    ]
    for name, failed in checks:
        if result is None and failed:
            result = name
    return result, {"policy": csp}


def cookie_attributes(raw):
    name, _, rest = raw.partition("=")
    attributes = {}
    for part in rest.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        attributes[key.strip().lower()] = value.strip()
    return name.strip(), attributes


COOKIE_ORDER = [
    "cookies-without-secure-flag-but-protected-by-hsts",
    "cookies-without-secure-flag",
    "cookies-session-without-secure-flag-but-protected-by-hsts",
    "cookies-samesite-flag-invalid",
    "cookies-anticsrf-without-samesite-flag",
    "cookies-session-without-httponly-flag",
    "cookies-session-without-secure-flag",
]


def cookies_test(scan):
    """src/analyzer/tests/cookies.js"""
    if not scan.cookies:
        return "cookies-not-found"
    hsts = hsts_test(scan) == "hsts-implemented-max-age-at-least-six-months"
    found = []
    missing_samesite = False
    for raw in scan.cookies:
        name, attributes = cookie_attributes(raw)
        secure, samesite = "secure" in attributes, attributes.get("samesite")
        session = any(word in name.lower() for word in ("login", "sess"))
        if samesite is not None and samesite.lower() not in {"lax", "strict", "none"}:
            found.append("cookies-samesite-flag-invalid")
        if not secure and (samesite or "").lower() == "none":
            found.append("cookies-samesite-flag-invalid")
        if not secure:
            found.append(
                "cookies-without-secure-flag-but-protected-by-hsts"
                if hsts
                else "cookies-without-secure-flag"
            )
        if "csrf" in name.lower() and not samesite:
            found.append("cookies-anticsrf-without-samesite-flag")
        if session and not secure:
            found.append(
                "cookies-session-without-secure-flag-but-protected-by-hsts"
                if hsts
                else "cookies-session-without-secure-flag"
            )
        if session and "httponly" not in attributes:
            found.append("cookies-session-without-httponly-flag")
        missing_samesite = missing_samesite or not samesite
    if found:
        return max(found, key=COOKIE_ORDER.index)
    if missing_samesite:
        return "cookies-secure-with-httponly-sessions"
    return "cookies-secure-with-httponly-sessions-and-samesite"


def cors_test(scan):
    """src/analyzer/tests/cors.js"""
    allowed = scan.cors.first("access-control-allow-origin") if scan.cors else None
    if not allowed:
        return "cross-origin-resource-sharing-not-implemented"
    allowed = allowed.strip().lower()
    credentials = (scan.cors.first("access-control-allow-credentials") or "").strip().lower()
    if allowed == "*":
        return "cross-origin-resource-sharing-implemented-with-public-access"
    if allowed == CORS_ORIGIN and credentials == "true":
        return "cross-origin-resource-sharing-implemented-with-universal-access"
    return "cross-origin-resource-sharing-implemented-with-restricted-access"


def redirection_test(scan):
    """src/analyzer/tests/redirection.js (the host taken as not preloaded)"""
    route = [urlsplit(response.url) for response in scan.http_chain]
    if len(route) == 1:
        return "redirection-missing"
    if route[-1].scheme != "https":
        return "redirection-not-to-https"
    if route[1].scheme == "http":
        return "redirection-not-to-https-on-initial-redirection"
    if route[0].hostname != route[1].hostname:
        return "redirection-off-host-from-http"
    return "redirection-to-https"


def referrer_test(scan):
    """src/analyzer/tests/referrer-policy.js"""
    private = ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"]
    unsafe = ["origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade"]
    values = scan.auto.values("referrer-policy") + markup(scan.auto).equiv.get("referrer", [])
    values += markup(scan.auto).equiv.get("referrer-policy", [])
    if not values:
        return "referrer-policy-not-implemented"
    valid = [
        v.strip().lower()
        for v in ",".join(values).split(",")
        if v.strip().lower() in private + unsafe
    ]
    if valid and valid[-1] in private:
        return "referrer-policy-private"
    if valid:
        return "referrer-policy-unsafe"
    return "referrer-policy-header-invalid"


def hsts_test(scan):
    """src/analyzer/tests/strict-transport-security.js (a valid certificate assumed)"""
    https = scan.https_chain[-1] if scan.https_chain else None
    if https is None:
        return "hsts-not-implemented-no-https"
    header = (https.first("strict-transport-security") or "")[:1024]
    if not header:
        return "hsts-not-implemented"
    max_age = None
    for parameter in (part.strip().lower() for part in header.split(";")):
        if parameter.startswith("max-age="):
            digits = parameter[8:128]
            max_age = int(digits) if digits.isdigit() else None
    if "," in header or max_age is None:
        return "hsts-header-invalid"
    if max_age < 15_552_000:
        return "hsts-implemented-max-age-less-than-six-months"
    return "hsts-implemented-max-age-at-least-six-months"


SRI_ORDER = [
    "sri-implemented-and-all-scripts-loaded-securely",
    "sri-implemented-and-external-scripts-loaded-securely",
    "sri-implemented-but-external-scripts-not-loaded-securely",
    "sri-not-implemented-but-external-scripts-loaded-securely",
    "sri-not-implemented-and-external-scripts-not-loaded-securely",
    "sri-not-implemented-response-not-html",
]


def sri_test(scan):
    """src/analyzer/tests/subresource-integrity.js (a script's registrable domain
    compared by its host name's last two labels)"""
    response = scan.auto
    if (response.first("content-type") or "").split(";")[0].strip() not in {
        "text/html",
        "application/xhtml+xml",
    }:
        return "sri-not-implemented-response-not-html"
    scripts = markup(response).scripts
    if not scripts:
        return "sri-not-implemented-but-no-scripts-loaded"
    page_domain = ".".join((urlsplit(response.url).hostname or "").split(".")[-2:])
    result, foreign = None, False
    for script in scripts:
        src = script.get("src")
        if not src:
            continue
        integrity = script.get("integrity")
        if src.startswith("//") and not src.startswith("///"):
            same, relative_protocol, relative = True, True, False
        elif src.startswith(("http://", "https://")):
            same = ".".join((urlsplit(src).hostname or "").split(".")[-2:]) == page_domain
            relative_protocol = relative = False
        else:
            same, relative_protocol, relative = True, False, True
        secure_scheme = src.startswith("https://") or (
            relative and urlsplit(response.url).scheme == "https"
        )
        if relative or (same and not relative_protocol):
            if integrity and secure_scheme and result is None:
                result = "sri-implemented-and-all-scripts-loaded-securely"
            continue
        foreign = True
        if integrity and not secure_scheme:
            found = "sri-implemented-but-external-scripts-not-loaded-securely"
        elif not integrity and secure_scheme:
            found = "sri-not-implemented-but-external-scripts-loaded-securely"
        elif not integrity:
            found = "sri-not-implemented-and-external-scripts-not-loaded-securely"
        else:
            continue
        result = (
            found if result is None or SRI_ORDER.index(found) > SRI_ORDER.index(result) else result
        )
    if result is None:
        if foreign:
            return "sri-implemented-and-external-scripts-loaded-securely"
        return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"
    return result


def x_content_type_options_test(scan):
    header = scan.auto.first("x-content-type-options")
    if header is None:
        return "x-content-type-options-not-implemented"
    if header.strip().lower() == "nosniff":
        return "x-content-type-options-nosniff"
    return "x-content-type-options-header-invalid"


def x_frame_options_test(scan):
    """src/analyzer/tests/x-frame-options.js: frame-ancestors in the header's CSP wins."""
    _, details = csp_test(scan)
    if details.get("policy") and details["policy"].get("frame-ancestors"):
        return "x-frame-options-implemented-via-csp"
    header = scan.auto.first("x-frame-options")
    if header is None:
        return "x-frame-options-not-implemented"
    value = header.strip().lower()
    if value in {"deny", "sameorigin"}:
        return "x-frame-options-sameorigin-or-deny"
    if value.startswith("allow-from"):
        return "x-frame-options-allow-from-origin"
    return "x-frame-options-header-invalid"


def corp_test(scan):
    values = scan.auto.values("cross-origin-resource-policy")
    if not values:
        return "cross-origin-resource-policy-not-implemented"
    value = ", ".join(values)[:256].strip().lower()
    results = {
        "same-site": "cross-origin-resource-policy-implemented-with-same-site",
        "same-origin": "cross-origin-resource-policy-implemented-with-same-origin",
        "cross-origin": "cross-origin-resource-policy-implemented-with-cross-origin",
    }
    return results.get(value, "cross-origin-resource-policy-header-invalid")


def _policy_token_test(scan, header, prefix, tokens):
    """COOP and COEP: one header, a structured-field token (parameters ignored)."""
    values = scan.auto.values(header)
    if not values:
        return f"{prefix}-not-implemented"
    token = values[0][:1024].strip().split(";")[0].strip()
    if len(values) > 1 or token not in tokens:
        return f"{prefix}-header-invalid"
    return f"{prefix}-implemented-with-{token}"


def coop_test(scan):
    tokens = {"same-origin", "same-origin-allow-popups", "noopener-allow-popups", "unsafe-none"}
    return _policy_token_test(scan, "cross-origin-opener-policy", "coop", tokens)


def coep_test(scan):
    tokens = {"require-corp", "credentialless", "unsafe-none"}
    return _policy_token_test(scan, "cross-origin-embedder-policy", "coep", tokens)


TESTS = {
    "content-security-policy": lambda scan: csp_test(scan)[0],
    "cookies": cookies_test,
    "cross-origin-embedder-policy": coep_test,
    "cross-origin-opener-policy": coop_test,
    "cross-origin-resource-sharing": cors_test,
    "redirection": redirection_test,
    "referrer-policy": referrer_test,
    "strict-transport-security": hsts_test,
    "subresource-integrity": sri_test,
    "x-content-type-options": x_content_type_options_test,
    "x-frame-options": x_frame_options_test,
    "cross-origin-resource-policy": corp_test,
}


# -- Scoring ------------------------------------------------------------------------


@dataclass
class Grade:
    results: dict  # {test: result}
    score: int
    grade: str
    released_score: int  # without the tests the released scanner does not run yet
    released_grade: str


def score_of(modifiers):
    """src/scanner/index.js: penalties always count, bonuses only for an A already."""
    uncurved = 100 + sum(m for m in modifiers if m < 0)
    score = 100 + sum(modifiers) if uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT else uncurved
    score = max(score, 0)
    return score, GRADES.get(min(score - score % 5, 100), "F")


def grade(scan):
    status = scan.auto.status
    if status < 200 or (status >= 400 and status not in {401, 403}):
        # src/scanner/index.js refuses to grade such a page.
        raise ValueError(f"{scan.auto.url} answered {status}")
    results = {name: test(scan) for name, test in TESTS.items()}
    score, letter = score_of([MODIFIERS[result] for result in results.values()])
    released = [MODIFIERS[r] for name, r in results.items() if name not in UNRELEASED_TESTS]
    released_score, released_letter = score_of(released)
    return Grade(results, score, letter, released_score, released_letter)


def report(address, result):
    lines = [f"Mozilla HTTP Observatory rules, applied to {address}"]
    for name, outcome in result.results.items():
        lines.append(f"  {MODIFIERS[outcome]:+4d}  {name}: {outcome}")
    lines.append(f"Score {result.score}, grade {result.grade}")
    lines.append(
        f"(without the opener/embedder-policy tests, as the released scanner counts: "
        f"score {result.released_score}, grade {result.released_grade})"
    )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("address", help="the page to grade, e.g. https://www.example.gov.cn/")
    parser.add_argument(
        "--behind-proxy",
        action="store_true",
        help="the server speaks HTTP behind an HTTPS proxy: send X-Forwarded-Proto instead of TLS",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    arguments = parser.parse_args(argv)
    result = grade(retrieve(arguments.address, behind_proxy=arguments.behind_proxy))
    if arguments.json:
        print(json.dumps(result.__dict__, ensure_ascii=False, indent=2))
    else:
        print(report(arguments.address, result))
    return 0 if result.grade in {"A+", "A"} else 1


if __name__ == "__main__":
    sys.exit(main())
