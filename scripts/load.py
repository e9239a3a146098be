"""Readers for the fault and soak runs: threads that request a mix of public pages
through nginx, one after another, and record every answer (time, page kind, status
or the kind of failure, latency). Standard library only."""

import http.client
import random
import re
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote

SEARCH_WORDS = ["妇联", "家庭", "巾帼", "儿童", "培训", "表彰"]


@dataclass(frozen=True)
class Answer:
    at: float  # time.monotonic() when the request ended
    kind: str  # the page kind: home, list, article, feed, search, stats, ...
    outcome: str  # "200", "304", "503", ... or "refused", "reset", "timeout"
    seconds: float


def discover(get):
    """The addresses readers visit, found the way a reader finds them: from the home
    page, the news list and the stats page. `get(path)` returns the page's text."""
    home = get("/")
    articles = sorted(set(re.findall(r'href="(/articles/\d+/)"', home + get("/news/"))))
    columns = sorted(set(re.findall(r'href="(/news/[a-z0-9-]+/)"', home)))
    stats = get("/stats/")
    indicators = sorted(set(re.findall(r'href="(/stats/[a-z0-9-]+/)"', stats)))
    return {
        "home": ["/"],
        "list": ["/news/", "/news/?page=2", "/news/?page=3", *columns],
        "article": articles,
        "feed": ["/feed/", "/feed/atom/", *[f"{column}feed/" for column in columns[:2]]],
        "search": [f"/search/?q={quote(word)}" for word in SEARCH_WORDS],
        "stats": ["/stats/", "/stats/export.json", *indicators[:4]],
    }


# How often each kind is read: mostly the home page, lists and articles.
WEIGHTS = {"home": 3, "list": 3, "article": 5, "feed": 1, "search": 1, "stats": 1}


class Readers:
    """`count` threads reading `pages` from HOST:port until stop()."""

    def __init__(self, host, port, pages, count=6, timeout=10, seed=20220308):
        self.host, self.port = host, port
        self.pages = {kind: list(paths) for kind, paths in pages.items() if paths}
        self.count = count
        self.timeout = timeout
        self.answers = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []
        self._random = random.Random(seed)

    def add_pages(self, kind, paths):
        with self._lock:
            self.pages.setdefault(kind, []).extend(paths)

    def start(self):
        for _ in range(self.count):
            seed = self._random.random()
            thread = threading.Thread(target=self._read, args=(seed,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self.timeout + 5)

    def _choose(self, chooser):
        with self._lock:
            kinds = list(self.pages)
            kind = chooser.choices(kinds, [WEIGHTS.get(k, 1) for k in kinds])[0]
            return kind, chooser.choice(self.pages[kind])

    def _read(self, seed):
        chooser = random.Random(seed)
        while not self._stop.is_set():
            kind, path = self._choose(chooser)
            started = time.monotonic()
            outcome = request(self.host, self.port, path, self.timeout)
            ended = time.monotonic()
            with self._lock:
                self.answers.append(Answer(ended, kind, outcome, ended - started))

    def between(self, start, end):
        with self._lock:
            return [answer for answer in self.answers if start <= answer.at < end]


def request(host, port, path, timeout):
    """The status of GET path, or what kind of failure stopped it."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        response.read()
        return str(response.status)
    except TimeoutError:
        return "timeout"
    except ConnectionRefusedError:
        return "refused"
    except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError):
        return "reset"
    except OSError as error:
        return type(error).__name__
    finally:
        connection.close()


def summary(answers, seconds):
    """Counts and latencies of `answers` spread over `seconds`."""
    outcomes = Counter(answer.outcome for answer in answers)
    latencies = sorted(answer.seconds for answer in answers)
    ok = sum(n for outcome, n in outcomes.items() if outcome in {"200", "304"})
    server_errors = sum(n for outcome, n in outcomes.items() if outcome.startswith("5"))
    failures = sum(n for outcome, n in outcomes.items() if not outcome.isdigit())
    return {
        "requests": len(answers),
        "per_second": len(answers) / seconds if seconds else 0,
        "ok": ok,
        "server_errors": server_errors,
        "failures": failures,
        "outcomes": dict(sorted(outcomes.items())),
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "max": latencies[-1] if latencies else 0,
    }


def percentile(ordered, p):
    if not ordered:
        return 0.0
    if len(ordered) == 1 or p >= 100:
        return ordered[-1] if p >= 100 else ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[p - 1]


def milliseconds(seconds):
    return f"{seconds * 1000:,.0f}"
