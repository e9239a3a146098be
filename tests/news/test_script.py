"""Which script a text is in, and converting only what is traditional (news.script,
issue 13, item 1). OpenCC's tw2s turns 显著 into 显着 and 乾县 into 干县 when it is
given simplified text, and 專著 into 专着 even from traditional text."""

import opencc
import pytest

from news.script import SIMPLIFIED, TRADITIONAL, detect_script, to_simplified

KEPT = "显著 卓著 著称 专著 编著 论著 著作 原著 土著 乾县 乾隆 乾坤".split()


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("市婦聯：巾幗勇擔當 展現新作為", TRADITIONAL),
        ("市妇联：巾帼勇担当 展现新作为", SIMPLIFIED),
        ("取得显著成效，以形式多样著称", SIMPLIFIED),
        ("專著、編著、論著", TRADITIONAL),
        # Characters both scripts write decide nothing.
        ("乾隆", None),
        ("2021年", None),
        ("", None),
    ],
)
def test_the_script_is_told_by_the_characters_only_one_script_writes(text, script):
    assert detect_script(text) == script


@pytest.mark.parametrize("word", KEPT)
def test_traditional_spelling_of_a_kept_word_becomes_its_simplified_form(word):
    traditional = opencc.OpenCC("s2t").convert(word)

    assert to_simplified(f"出版{traditional}三部")[0] == f"出版{word}三部"


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("專著", "专著"),
        ("編著", "编著"),
        ("論著", "论著"),
        ("顯著", "显著"),
        ("卓著", "卓著"),
        ("著稱", "著称"),
        ("乾縣", "乾县"),
        # The verb 着 and the dry 干 still convert.
        ("著力為廣大婦女兒童辦實事", "着力为广大妇女儿童办实事"),
        ("穿著", "穿着"),
        ("乾燥", "干燥"),
        ("於是", "于是"),
        # 於 as a family name stays; the preposition does not.
        ("部長於文同志介紹", "部长於文同志介绍"),
        ("由於王主任出差", "由于王主任出差"),
    ],
)
def test_traditional_text_converts_with_the_kept_words(traditional, simplified):
    assert to_simplified(traditional)[0] == simplified


def test_every_conversion_that_chose_a_meaning_is_named():
    text = "著力推進，於是部長於文同志說"

    converted, conversions = to_simplified(text)

    assert converted == "着力推进，于是部长於文同志说"
    ambiguous = [(c.start, c.before, c.after) for c in conversions if c.ambiguous]
    assert ambiguous == [(0, "著", "着"), (5, "於", "于"), (9, "於", "於")]
    for conversion in conversions:
        assert text[conversion.start : conversion.end] == conversion.before
