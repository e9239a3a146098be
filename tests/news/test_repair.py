"""Repairing a damaged report before it becomes a draft (news.repair).

The seed is a real damaged copy of the March 8 report: traditional script, pinyin
annotations such as 聯(lián), ASCII punctuation, and two garbled spots (勇?lián)?dāng)
for 勇担当, 幸?;橐龃笾v堂 for 幸福婚姻大讲堂). news/demo/march8_report.txt is the same
report restored by hand. Whatever can be fixed mechanically must be, and every spot
that cannot must be reported with its line, so that no garbled text is published
unseen.
"""

import hashlib
import re
from pathlib import Path

import pytest

from fedsite.text import decode_text
from news.repair import HAN, repair_line, repair_report

REPO_ROOT = Path(__file__).resolve().parents[2]
# A byte-for-byte copy of ../shared/seed/000_f538281883684f40.txt, kept with the
# tests so they run anywhere (tests/news/test_repair.py checks it has not drifted).
SEED_FILE = REPO_ROOT / "tests" / "data" / "march8_damaged.txt"
DEMO_FILE = REPO_ROOT / "news" / "demo" / "march8_report.txt"
COLUMN_NAMES = ["部门动态", "通知公告", "工作动态"]

# Lines of the seed holding a spot that cannot be repaired mechanically.
DAMAGED_LINES = {2: "勇?lián)?dāng)", 11: "幸?;橐龃笾v堂", 12: "勇?lián)?dāng)"}
TRADITIONAL = "婦聯幗動態現節劃導圍參與構"
PINYIN_ANNOTATION = re.compile(r"\([a-zü\u00e0-\u00fc\u0101-\u01dc]+\)")
ASCII_BETWEEN_CHINESE = re.compile(rf"[{HAN}][,:;][{HAN}]")


@pytest.fixture
def seed_text():
    return SEED_FILE.read_text(encoding="utf-8")


@pytest.fixture
def seed(seed_text):
    return repair_report(seed_text, column_names=COLUMN_NAMES)


@pytest.fixture
def demo():
    return repair_report(DEMO_FILE.read_text(encoding="utf-8"), column_names=COLUMN_NAMES)


def all_text(report):
    return "\n".join([report.title, *(text for _, text in report.blocks)])


def test_seed_title_becomes_simplified(seed):
    assert seed.column_name == "部门动态"
    assert seed.title.startswith("市妇联：巾帼勇")
    assert seed.title.endswith(" 展现新作为")
    assert not set(seed.title) & set(TRADITIONAL)


def test_seed_text_becomes_simplified_without_annotations_or_ascii_punctuation(seed):
    text = all_text(seed)

    assert not set(text) & set(TRADITIONAL)
    assert not PINYIN_ANNOTATION.search(text)
    assert not ASCII_BETWEEN_CHINESE.search(text)
    assert "3月8日，第112个“三八”国际妇女节如期而至。" in text
    assert "10个县（市、区）3179个村（社区）" in text
    assert "着力为广大妇女儿童办实事" in text


def test_every_damaged_spot_is_reported_with_its_line_and_nothing_else(seed):
    assert {problem.line for problem in seed.problems} == set(DAMAGED_LINES)
    # The seed's only "?" are in the garbled spots: every report points at one of them.
    assert all("?" in problem.excerpt for problem in seed.problems)
    for line, garbled in DAMAGED_LINES.items():
        excerpts = "".join(p.excerpt for p in seed.problems if p.line == line)
        assert garbled[:2] in excerpts, f"line {line}: {excerpts}"
        assert any(f"第 {line} 行" in str(p) for p in seed.problems)


def test_restored_demo_report_has_no_problems(demo):
    assert demo.problems == []
    assert demo.column_name == "部门动态"
    assert demo.title == "市妇联：巾帼勇担当 展现新作为"
    assert "幸福婚姻大讲堂" in all_text(demo)
    assert "巾帼勇担当 改革创新绽芳华" in all_text(demo)


def test_demo_report_matches_the_repaired_seed_wherever_the_seed_was_not_damaged(
    seed_text, seed, demo
):
    # Blank lines are skipped, so block i is the seed's (i + 3)th non-blank line:
    # the column name and the title come first.
    non_blank = [n for n, line in enumerate(seed_text.splitlines(), start=1) if line.strip()]
    block_lines = non_blank[2:]
    assert len(seed.blocks) == len(demo.blocks) == len(block_lines)

    compared = 0
    for line, seed_block, demo_block in zip(block_lines, seed.blocks, demo.blocks, strict=True):
        if line in DAMAGED_LINES:
            assert seed_block != demo_block, f"line {line} was damaged yet repaired the same"
            continue
        assert seed_block == demo_block, f"line {line}"
        compared += 1
    assert compared == len(block_lines) - 2  # lines 11 and 12; line 2 is the title


def test_sub_headings_are_recognised(demo):
    headings = [text for tag, text in demo.blocks if tag == "h2"]
    assert headings == [
        "巾帼心向党 弘扬红色主旋律",
        "巾帼显作为 倡导文明新风尚",
        "巾帼展风采 倾情服务暖人心",
        "巾帼勇担当 改革创新绽芳华",
    ]


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("全年累計授課713.5課時,參與講師212人次.", "全年累计授课713.5课时，参与讲师212人次。"),
        ("共有1,000名婦女參加,活動10:30開始.", "共有1,000名妇女参加，活动10:30开始。"),
        ("增長3.9%,達到58.1萬戶;", "增长3.9%，达到58.1万户；"),
    ],
)
def test_numbers_keep_their_ascii_points_commas_and_colons(damaged, repaired):
    line, _ = repair_line(damaged)

    assert line == repaired


@pytest.mark.parametrize(
    "address",
    [
        "https://www.example.gov.cn/news/list.jsp?id=3,4&t=10:30",
        "http://fulian.example.cn/a/b.html",
        "fulian@example.gov.cn",
        "fu.lian-2022@mail.example.cn",
    ],
)
def test_web_and_mail_addresses_are_left_alone(address):
    line, _ = repair_line(f"詳情請見 {address} 謝謝")
    report = repair_report(f"市婦聯通知\n詳情請見 {address} 謝謝\n")

    assert line == f"详情请见 {address} 谢谢"
    assert report.problems == []


def test_ascii_comma_right_after_an_address_still_becomes_full_width():
    """A comma between an address and the next Chinese words belongs to the prose:
    left half-width it is exactly the flattened punctuation the repair removes."""
    line, _ = repair_line("網址https://www.example.gov.cn,歡迎訪問")

    assert line == "网址https://www.example.gov.cn，欢迎访问"


def test_gb18030_report_repairs_like_the_utf8_one(seed_text, seed):
    decoded = decode_text(seed_text.encode("gb18030"))

    assert repair_report(decoded, column_names=COLUMN_NAMES) == seed


def test_html_report_is_repaired_like_text():
    html = (
        "<html><head><title>稿件</title><style>p{color:red}</style></head><body>"
        "<p>部門動態</p>"
        '<h1>市婦聯(lián):召開"三八"表彰大會</h1>'
        "<p style='text-indent:2em'>3月8日,市婦聯(lián)召開大會.</p>"
        "<script>alert(1)</script>"
        "</body></html>"
    )

    report = repair_report(html, column_names=COLUMN_NAMES)

    assert report.column_name == "部门动态"
    assert report.title == "市妇联：召开“三八”表彰大会"
    assert report.blocks == [("p", "3月8日，市妇联召开大会。")]
    assert report.problems == []
    assert "alert" not in report.body_html() and "color" not in report.body_html()


# The SHA-256 of the file the user supplied (shared/seed/000_f538281883684f40.txt),
# taken when the copy was made: the suite reads nothing outside the repository.
SEED_SHA256 = "1bac64d09dbf5c843f4bdf4260da26c97bce97afdac18293d089fbc1206cc9f6"


def test_the_seed_copy_is_the_users_file_byte_for_byte():
    """The copy under tests/data must not drift from the file the user supplied."""
    assert hashlib.sha256(SEED_FILE.read_bytes()).hexdigest() == SEED_SHA256
