"""How well and how fast proofreading works (issue 15), printed for the README:

- recall: errors of every kind planted, one per copy, in the real sentences of the
  restored March 8 report and the demo articles; each must be found (and nothing
  else reported in the copy);
- false alarms: the March 8 report, the demo articles and a generated corpus of
  10,000 articles (news generate_corpus's own builder, in memory) must give no
  finding of kinds 1, 2 and 4;
- speed: a 10,000-character article (the report's paragraphs repeated), and the
  whole corpus.

Reads the database only to look up links; changes nothing."""

import csv
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import opencc
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.html import escape

from news.demo import samples
from news.management.commands import generate_corpus
from news.models import Article, Column
from news.repair import repair_report
from proofreading.checker import Checker
from proofreading.findings import COMMON_ERROR, FIGURE, KINDS, LINK, MECHANICS, SENSITIVE, WORDING
from proofreading.lexicon import Entry, common_errors, matcher_for
from proofreading.text import ArticleText
from stats import figures
from stats.models import Indicator, YearlyValue

ROOT = Path(__file__).resolve().parents[3]
REPORT = ROOT / "news" / "demo" / "march8_report.txt"
FIGURES = ROOT / "stats" / "demo" / "march8_figures.csv"

# The staff lists the recall run uses: the example 规范表述 the migration ships, and a
# sensitive-word list of the kind an office keeps (nothing is built in).
STAFF = (
    Entry(WORDING, "三八妇女节", "“三八”国际妇女节", "节日全称"),
    Entry(WORDING, "全国妇女联合会", "中华全国妇女联合会", "组织全称"),
    Entry(WORDING, "反家暴法", "反家庭暴力法", "法律简称"),
    Entry(WORDING, "妇联主任", "妇联主席", "职务名称"),
    Entry(SENSITIVE, "内部资料", ""),
    Entry(SENSITIVE, "未经核实", ""),
    Entry(SENSITIVE, "小道消息", ""),
)
CLEAN_KINDS = {COMMON_ERROR, WORDING, MECHANICS}


@dataclass
class Case:
    kind: str
    what: str
    title: str
    body: str
    values: tuple = ()
    wrong: str = ""  # the planted text the finding must cover (empty: no place)


def report():
    """The restored March 8 report: (title, [paragraphs with their tag])."""
    repaired = repair_report(REPORT.read_text(encoding="utf-8"), column_names=["部门动态"])
    return repaired.title, repaired.blocks


def report_values():
    """The report's 33 work figures (stats/demo/march8_figures.csv), unsaved."""
    values = []
    with FIGURES.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            number, qualifier, scale = figures.parse_figure(row["value"])
            values.append(
                YearlyValue(
                    indicator=Indicator(name=row["indicator"], unit=row["unit"]),
                    year=int(row["year"]),
                    kind=row["kind"],
                    value=number,
                    qualifier=qualifier,
                    scale=scale,
                )
            )
    return tuple(values)


def html(blocks):
    return "\n".join(f"<{tag}>{escape(text)}</{tag}>" for tag, text in blocks)


def demo_articles():
    """(title, body) of the March 8 report and the demo samples, as loaded."""
    title, blocks = report()
    found = [(title, html(blocks))]
    for sample in samples.ARTICLES:
        paragraphs = [samples.NOTE, *sample["paragraphs"]]
        found.append((sample["title"], "".join(f"<p>{escape(p)}</p>" for p in paragraphs)))
    return found


def _holding(blocks, text):
    return next(index for index, (_tag, block) in enumerate(blocks) if text in block)


def _plant(blocks, index, old, new, count=1):
    changed = list(blocks)
    tag, text = changed[index]
    assert old in text, (old, text)
    changed[index] = (tag, text.replace(old, new, count))
    return changed


def planted_cases():
    """Errors planted in real sentences, one per copy of an article, of all six kinds."""
    title, blocks = report()
    values = report_values()
    cases = []
    prose = [index for index, (tag, _text) in enumerate(blocks) if tag == "p"]

    def case(kind, what, new_blocks, wrong, values=values, new_title=title):
        cases.append(Case(kind, what, new_title, html(new_blocks), values, wrong))

    # 1. 易错词: every 12th entry of the list, written into a sentence of the report
    # after its first comma (过去的一年，再接再励，市妇联围绕中心……).
    for number, entry in enumerate(common_errors()[::12]):
        index = prose[number % len(prose)]
        text = blocks[index][1]
        comma = text.index("，") + 1
        planted = list(blocks)
        planted[index] = ("p", f"{text[:comma]}{entry.wrong}，{text[comma:]}")
        case(COMMON_ERROR, f"{entry.wrong}→{entry.right}", planted, entry.wrong)
    # 2. 规范表述 and 3. 敏感词: each staff entry, twice, in two paragraphs.
    for entry in STAFF:
        for index in prose[1:3]:
            text = blocks[index][1]
            planted = list(blocks)
            planted[index] = ("p", f"{entry.wrong}，{text}")
            case(entry.kind, entry.wrong, planted, entry.wrong)
    # 4. 文字规范: the kinds of the issue, each planted at least twice.
    to_traditional = opencc.OpenCC("s2t")
    for word in ("妇联组织", "妇女儿童", "妇女群众"):
        new = to_traditional.convert(word)
        case(MECHANICS, "繁体字", _plant(blocks, _holding(blocks, word), word, new), new[:2])
    for index in prose[:3]:
        case(MECHANICS, "半角逗号", _plant(blocks, index, "，", ","), ",")
        case(MECHANICS, "标点重复", _plant(blocks, index, "，", "，，"), "，，")
    for old, new, what, wrong in (
        ("；", ";", "半角分号", ";"),
        ("工作；创新", "工作;创新", "半角分号", ";"),
        ("（市、区）", "(市、区)", "半角括号", "(市、区)"),
        ("村（社区）全部", "村(社区)全部", "半角括号", "(社区)"),
        ("“美丽庭院创建活动专栏”", "“美丽庭院创建活动专栏", "引号不配对", "“"),
        ("“最美家庭”", "“最美家庭", "引号不配对", "“"),
        ("（社区）妇联换届", "（社区妇联换届", "括号不配对", "（"),
        ("乡镇（街道）妇联圆满", "乡镇（街道妇联圆满", "括号不配对", "（"),
        ("的政治性", "的的政治性", "叠字", "的的"),
        ("了新活力", "了了新活力", "叠字", "了了"),
        ("是妇联", "是是妇联", "叠字", "是是"),
        ("全市妇联组织", "全市妇 联组织", "多余空格", " "),
        ("妇女儿童", "妇女 儿童", "多余空格", " "),
        ("技能培训", "技能 培训", "多余空格", " "),
        ("妇联系统", "妇联(lián)系统", "拼音注音", "(lián)"),
        ("婚姻家庭", "婚姻家(jiā)庭", "拼音注音", "(jiā)"),
        ("母婴护理", "母婴护(hù)理", "拼音注音", "(hù)"),
        ("勇担当", "勇?当", "丢字", "?"),
        ("幸福婚姻", "幸?婚姻", "丢字", "?"),
        ("建党100周年", "建党１００周年", "全角数字", "１００"),
        ("713.5课时", "７１３．５课时", "全角数字", "７１３．５"),
    ):
        case(MECHANICS, what, _plant(blocks, _holding(blocks, old), old, new), wrong)
    for old, new in (("3月8日", "2022-03-08"), ("3月8日", "2022/3/8")):
        planted = _plant(blocks, _holding(blocks, old), old, new)
        # One date written otherwise among Chinese ones.
        planted.append(("p", "2022年3月8日，全市妇联系统召开座谈会；3月9日，活动结束。"))
        case(MECHANICS, "日期写法混用", planted, new)
    # 5. Figures against the data: a figure changed in the text; a figure taken out.
    for old, new in (("535场次", "536场次"), ("106场次", "107场次"), ("2782户", "2728户")):
        case(FIGURE, f"{old}写成{new}", _plant(blocks, _holding(blocks, old), old, new), new)
    for old in ("、读书班106场次", "，精品庭院11.6万户", "，参与8万余人次"):
        case(FIGURE, f"删去{old[1:]}", _plant(blocks, _holding(blocks, old), old, ""), "")
    # 6. Links and pictures.
    for what, extra, wrong in (
        ("图片没有替换文本", '<p><img src="/static/img/emblem.svg"></p>', ""),
        ("图片没有替换文本", '<p><img src="/static/img/emblem-512.png" alt=" "></p>', ""),
        ("盗链图片", '<p><img src="https://mmbiz.qpic.cn/a.png" alt="现场"></p>', ""),
        ("失效站内链接", '<p>详见<a href="/articles/987654/">往期报道</a>。</p>', "往期报道"),
        ("失效栏目链接", '<p>详见<a href="/news/no-such-column/">专题栏目</a>。</p>', "专题栏目"),
    ):
        cases.append(Case(LINK, what, title, html(blocks) + extra, values, wrong))
    return cases


def _covers(finding, case):
    if finding.kind != case.kind:
        return False
    if not case.wrong:
        return True
    return bool(finding.wrong) and (case.wrong in finding.wrong or finding.wrong in case.wrong)


def recall(checker):
    """(found, missed, extra findings) over the planted cases."""
    found, missed, extra = Counter(), [], []
    for case in planted_cases():
        article = Article(title=case.title, body=case.body, summary="")
        findings = checker.check(article, values=list(case.values), ignored=())
        hit = [finding for finding in findings if _covers(finding, case)]
        if hit:
            found[case.kind] += 1
        else:
            missed.append(case)
        extra += [(case, finding) for finding in findings if finding not in hit[:1]]
    return found, missed, extra


def corpus_articles(count, seed=20220308):
    """`count` articles as `manage.py generate_corpus` writes them, in memory."""
    command = generate_corpus.Command()

    class NoIndex:
        def article_index(self, *args):
            return {}, []  # the index and a long article's parts (news.search)

    command.backend = NoIndex()
    rng = random.Random(seed)
    columns = [Column(name="部门动态", slug="bmdt")]
    bank = generate_corpus._report_sentences()
    now = timezone.now()
    return [command._article(rng, columns, bank, now) for _ in range(count)]


def long_article(length=10_000):
    title, blocks = report()
    paragraphs = []
    while sum(len(text) for _tag, text in paragraphs) < length:
        paragraphs += blocks
    return Article(title=title, body=html(paragraphs), summary="")


class Command(BaseCommand):
    help = "校对的查全率、误报和速度（README“发布前校对”一节的数字）。"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10_000, help="生成文章数（默认 1 万）")

    def handle(self, *args, count, **options):
        write = self.stdout.write
        checker = Checker(matcher=matcher_for(STAFF))
        checker.check(Article(title="预热", body="<p>预热。</p>"), values=[], ignored=())

        found, missed, extra = recall(checker)
        planted = sum(found.values()) + len(missed)
        write(f"查全率：埋入 {planted} 处错误，找到 {sum(found.values())} 处。")
        for kind, label in KINDS.items():
            total = found[kind] + sum(case.kind == kind for case in missed)
            write(f"  {label}：{found[kind]}/{total}")
        for case in missed:
            write(f"  漏报：{KINDS[case.kind]} {case.what}")
        write(f"  埋入错误之外的报告：{len(extra)} 处")
        for case, finding in extra[:10]:
            write(f"    {case.what}：{finding.kind_label} {finding.why}")

        false_alarms = Counter()
        for title, body in demo_articles():
            for finding in checker.check(Article(title=title, body=body), values=[], ignored=()):
                false_alarms[finding.kind] += finding.kind in CLEAN_KINDS
        write(
            f"演示内容（三八报道和 {len(samples.ARTICLES)} 篇示例）：易错词、规范表述、"
            f"文字规范问题 {sum(false_alarms.values())} 处"
        )

        article = long_article()
        times = []
        for _ in range(30):
            started = time.perf_counter()
            checker.check(article, values=[], ignored=())
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        write(
            f"一篇 {len(ArticleText.of(article).text)} 字的文章（30 次）：中位数 "
            f"{statistics.median(times):.1f} ms，第 27 快 {times[26]:.1f} ms，"
            f"最慢 {times[-1]:.1f} ms"
        )

        articles = corpus_articles(count)
        started = time.perf_counter()
        kinds = Counter()
        for generated in articles:
            for finding in checker.check(generated, values=[], ignored=()):
                kinds[finding.kind] += 1
        elapsed = time.perf_counter() - started
        characters = sum(len(ArticleText.of(generated).text) for generated in articles)
        write(
            f"生成的 {count} 篇文章（共 {characters} 字）：用时 {elapsed:.1f} 秒，"
            f"每篇 {elapsed / count * 1000:.2f} ms；"
            + "，".join(f"{KINDS[kind]} {kinds[kind]} 处" for kind in KINDS)
        )
