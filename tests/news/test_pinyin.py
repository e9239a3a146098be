"""Pinyin readings after characters, told apart from English in brackets (news.pinyin,
issue 13, items 3 and 4). A reading is removed in every style a damaged report
carries it; an English gloss an editor wrote is never taken for one."""

import pytest

from news.pinyin import find_annotations, find_fragments, is_pinyin, strip_annotations


@pytest.mark.parametrize(
    ("annotated", "plain"),
    [
        ("市婦聯(lián)", "市婦聯"),  # tone marks, ASCII brackets
        ("市婦聯(lian2)", "市婦聯"),  # tone numbers
        ("市婦聯（lián）", "市婦聯"),  # full-width brackets
        ("市婦聯（lian2）", "市婦聯"),
        ("婦聯(fù lián)會議", "婦聯會議"),  # two syllables
        ("婦聯(fùlián)會議", "婦聯會議"),  # run together
        ("婦聯(fu4lian2)會議", "婦聯會議"),
        ("女(nǚ)性", "女性"),  # ü
        ("女(nv3)性", "女性"),
        ("領(lĭng)導", "領導"),  # a breve typed for the third tone
        ("社區(qū)", "社區"),
        ("縣(市、區(qū))", "縣(市、區)"),  # a reading inside Chinese brackets
    ],
)
def test_every_style_of_reading_is_removed(annotated, plain):
    text, annotations = strip_annotations(annotated)

    assert text == plain
    assert len(annotations) == 1


@pytest.mark.parametrize(
    "glossed",
    [
        "下载小程序(app)报名",
        "电子邮箱(email)报名",
        "关注微信(wechat)公众号",
        "扫码(QR)签到",
        "文件(pdf)下载",
        # English words that spell pinyin syllables: without a tone they are not readings.
        "男士(man)和女士",
        "可以(can)",
        "中文(chinese)",
    ],
)
def test_english_in_brackets_is_kept(glossed):
    text, annotations = strip_annotations(glossed)

    assert text == glossed
    assert annotations == []
    assert find_fragments(glossed) == []


@pytest.mark.parametrize(
    ("reading", "expected"),
    [
        ("lián", True),
        ("lian2", True),
        ("zhuàng", True),
        ("shuāng", True),
        ("ér", True),
        ("lu:4", True),
        ("fù lián", True),
        ("lian", False),  # no tone
        ("app", False),
        ("email", False),
        ("wechat", False),
        ("ok", False),
        ("mp3", False),
        ("Lián", False),  # readings are lower case
        ("liáng2", False),  # one tone per syllable
        ("qiōng", True),
        ("qiòn", False),  # not a syllable of Mandarin
        ("lan6", False),
    ],
)
def test_a_reading_is_made_of_mandarin_syllables_with_a_tone(reading, expected):
    assert is_pinyin(reading) is expected


def test_offsets_point_at_the_brackets_in_the_text_given():
    text = "市婦聯（lián）召開會議"

    (annotation,) = find_annotations(text)

    assert text[annotation.start : annotation.end] == "（lián）"
    assert annotation.reading == "lián"


def test_leftovers_of_a_reading_whose_character_was_lost_are_found():
    """勇?lián)?dāng): the character and an opening bracket were lost."""
    leftovers = find_fragments("巾幗勇?lián)?dāng) 展現新作為 勇?(dān)")

    assert [fragment.reading for fragment in leftovers] == ["lián", "dāng", "dān"]
