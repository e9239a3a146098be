"""What a check finds: plain values, so the checker needs no database and a finding
can be stored as JSON on the article's check (models.ArticleCheck) and shown as it
was found."""

import hashlib
from dataclasses import asdict, dataclass

from django.utils.translation import gettext_lazy as _

# The six kinds of issue 15, in the order the panel lists them.
COMMON_ERROR = "common_error"
WORDING = "wording"
SENSITIVE = "sensitive"
MECHANICS = "mechanics"
FIGURE = "figure"
LINK = "link"

KINDS = {
    COMMON_ERROR: _("易错词"),
    WORDING: _("规范表述"),
    SENSITIVE: _("敏感词"),
    MECHANICS: _("文字规范"),
    FIGURE: _("数据核对"),
    LINK: _("链接与图片"),
}

# Serious: what an inspection of a government website counts as an error of the site
# (a wrong word, a wrong official formulation, a sensitive word, a wrong figure, a lost
# character, a dead link); `manage.py proofread` exits 1 on one. The rest is typography.
SERIOUS = "serious"
MINOR = "minor"
SEVERITIES = {SERIOUS: _("严重"), MINOR: _("一般")}


@dataclass(frozen=True)
class Finding:
    """One problem: where (`start`/`end` in the article's text, None for something
    that has no place in it, such as a picture), what (`wrong`), why, and the fix
    (`suggestion` replaces `wrong`; "" deletes it; None: no one-click fix)."""

    kind: str
    severity: str
    wrong: str
    why: str
    suggestion: str | None = None
    start: int | None = None
    end: int | None = None
    field: str = ""  # title, summary or body: where an accepted suggestion is written
    sentence: str = ""  # the sentence around it, as shown to staff
    at: int = 0  # where `wrong` starts in `sentence`
    key: str = ""  # this finding in this article (Checker sets it): accept/ignore name it
    ignored: bool = False

    @property
    def spot(self):
        """The place as staff judge it: this wrong text, in this sentence. "Ignore here"
        is recorded by it, so an edit elsewhere in the article keeps the ignore."""
        return spot_digest(self.kind, self.wrong, self.sentence or self.why)

    @property
    def kind_label(self):
        return KINDS[self.kind]

    @property
    def severity_label(self):
        return SEVERITIES[self.severity]

    @property
    def is_serious(self):
        return self.severity == SERIOUS

    @property
    def before(self):
        return self.sentence[: self.at]

    @property
    def after(self):
        return self.sentence[self.at + len(self.wrong) :]

    @property
    def shown(self):
        """The spot as it reads in the sentence (the wrong text, or for a stray space
        the space itself)."""
        return self.sentence[self.at : self.at + len(self.wrong)]

    def summary(self):
        """One line for the audit trail: 易错词“再接再励”→“再接再厉”."""
        if not self.wrong.strip():
            where = f"（{self.sentence}）" if self.sentence else ""
            return f"{self.kind_label}：{self.why}{where}"
        what = f"{self.kind_label}“{self.wrong}”"
        if self.suggestion is None and self.wrong in self.why:
            return f"{self.kind_label}：{self.why}"
        if self.suggestion:
            return f"{what}→“{self.suggestion}”"
        return what + ("（建议删去）" if self.suggestion == "" else f"：{self.why}")

    def as_json(self):
        return asdict(self)

    @classmethod
    def from_json(cls, data):
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})


def spot_digest(kind, wrong, sentence):
    return hashlib.sha1(f"{kind}\n{wrong}\n{sentence}".encode()).hexdigest()[:16]
