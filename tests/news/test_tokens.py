"""How search reads text (news.tokens, issue 13): which characters it indexes, how it
folds them, and what a word or a number is. The pages built on it are tested in
test_search.py, the whole against a brute-force scan in test_search_truth.py."""

import unicodedata

import pytest

from news.search import parse_query
from news.tokens import document_chunks, normalize, tsvector_parts

# Planes 2 and 3: CJK Unified Ideographs Extensions B–I and the compatibility
# supplement (2F800–2FA1F, canonical duplicates of unified ideographs).
SUPPLEMENTARY = range(0x20000, 0x40000)
COMPATIBILITY_SUPPLEMENT = range(0x2F800, 0x2FA20)


def assigned_ideographs(codes):
    for code in codes:
        char = chr(code)
        if unicodedata.category(char) == "Lo":
            yield char


def tokens_of(text):
    return [token for tokens in document_chunks(text) for token in tokens]


def test_no_compatibility_folding_changes_an_ideograph_of_the_supplementary_planes():
    """NFKC maps only the compatibility supplement's duplicates onto the ideographs
    they duplicate; every Ext B–I ideograph stays itself, so 𠮷 never becomes 吉."""
    changed = [
        char
        for char in assigned_ideographs(SUPPLEMENTARY)
        if ord(char) not in COMPATIBILITY_SUPPLEMENT and unicodedata.normalize("NFKC", char) != char
    ]

    assert changed == []


def test_every_ideograph_of_the_supplementary_planes_is_indexed_as_one_character():
    missing = [
        char
        for char in assigned_ideographs(SUPPLEMENTARY)
        if ord(char) not in COMPATIBILITY_SUPPLEMENT and len(tokens_of(char)) != 1
    ]

    assert missing == []


@pytest.mark.parametrize(
    ("char", "not_this"),
    [
        ("𠮷", "吉"),  # U+20BB7, the 吉 of many family names, written with 土
        ("髙", "高"),
        ("﨑", "崎"),
        ("昇", "升"),  # 王昇 is not 王升 (a standard character in names since 2013)
        ("陞", "升"),
        ("乾", "干"),  # 乾县, 乾隆
        ("氾", "泛"),
        ("吒", "咤"),  # 哪吒
        ("堃", "坤"),
        ("喆", "哲"),
        ("〇", "零"),
    ],
)
def test_characters_used_in_names_are_matched_as_written(char, not_this):
    assert normalize(char) == char
    assert normalize(f"王{char}女士") != normalize(f"王{not_this}女士")
    assert tokens_of(f"{char}女士") == [f"{char}女", "女士", "士"]


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [("婦聯", "妇联"), ("巾幗", "巾帼"), ("１２３３８", "12338"), ("ＷＰＳ", "wps"), ("⼥", "女")],
)
def test_other_spellings_of_the_same_word_are_folded_together(traditional, simplified):
    assert normalize(traditional) == normalize(simplified)


def test_emoji_and_their_sequences_are_indexed_like_characters():
    assert tokens_of("点赞👍") == ["点赞", "赞👍", "👍"]
    # A variation selector chooses a glyph: ❤️ and ❤ are the same heart.
    assert tokens_of("❤️服务") == tokens_of("❤服务")
    # A family is one sequence, joined by zero-width joiners, and found as one.
    family = "👩\u200d👩\u200d👧"
    assert tokens_of(family) == ["👩\u200d", "\u200d👩", "👩\u200d", "\u200d👧", "👧"]
    assert parse_query(family).terms[0].text == family


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("增长3.5%", ["增长", "长", "3.5", "%"]),
        ("达到4,500人", ["达到", "到", "4,500", "人"]),
        ("COVID-19疫情", ["covid", "-", "19", "疫情", "情"]),
        ("拨打12338热线", ["拨打", "打", "12338", "热线", "线"]),
        ("2021.3.8", ["2021.3.8"]),
        ("www.nwccw.gov.cn", ["www", ".", "nwccw", ".", "gov", ".", "cn"]),
        # A full-width comma separates clauses, never thousands.
        ("分别为120，340人", ["分别", "别为", "为", "120", "340", "人"]),
        # A comma before other than three digits, or a point ending a sentence, too.
        ("第1,23项", ["第", "1", "23", "项"]),
        ("共3.", ["共", "3"]),
    ],
)
def test_numbers_keep_their_points_separators_and_percent_signs(text, tokens):
    assert tokens_of(text) == tokens


@pytest.mark.parametrize(
    ("query", "phrase"),
    [
        ("3.5%", ("3.5", "%")),
        ("4,500", ("4,500",)),
        ("COVID-19", ("covid", "-", "19")),
        ("12338", ("12338",)),
        ("𠮷女士", ("𠮷女", "女士")),
        ("二〇二一年", ("二〇", "〇二", "二一", "一年")),
    ],
)
def test_a_number_or_word_in_a_query_is_one_phrase_with_no_prefix(query, phrase):
    (term,) = parse_query(query).terms

    assert term.tokens == phrase
    assert not term.prefix_last


def test_a_single_character_is_a_prefix_of_the_pairs_it_begins():
    (term,) = parse_query("𠮷").terms

    assert term.tokens == ("𠮷",) and term.prefix_last


def test_every_term_is_searched_and_what_is_past_the_limit_is_named():
    eight = parse_query("妇联 巾帼 家政 培训 会议 活动 通知 公告")
    long = parse_query("妇联" * 20 + " 巾帼 家政 培训 12338热线 最后一个词")

    assert len(eight.terms) == 8 and not eight.dropped
    assert len(normalize(long.typed)) <= 50
    assert long.dropped.endswith("最后一个词")
    assert "最后一个词" not in long.text


def test_a_word_is_not_cut_in_two_at_the_length_limit():
    query = parse_query("妇" * 45 + " abcdefghij")

    assert query.terms[-1].text == "妇" * 45
    assert query.dropped == "abcdefghij"


def test_a_long_article_is_indexed_in_parts_that_each_fit_a_tsvector():
    """16,383 positions, 256 per token, 1 MB: parts share enough tokens that any
    phrase of a query lies whole in one of them."""
    text = "、".join(f"妇联干部{n:05d}号" for n in range(6000)) + "。最后：𠮷祥云。"

    parts = tsvector_parts([text])

    assert len(parts) > 1
    for literal in parts:
        assert len(literal.encode()) < 1_000_000
        for entry in literal.split(" "):
            positions = entry.rsplit(":", 1)[1].split(",")
            assert len(positions) <= 256
            assert max(int(p) for p in positions) <= 16383
    assert "'𠮷祥':" in parts[-1]
