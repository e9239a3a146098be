"""Kinds 1 to 4 on real sentences (the March 8 report's and the demo's): each error
found where it is, with its suggestion; the correct writings that look like errors
left alone."""

import pytest

from proofreading.findings import COMMON_ERROR, MECHANICS, SENSITIVE, SERIOUS, WORDING
from proofreading.lexicon import common_errors, doubled_characters, exceptions


def only(findings):
    assert len(findings) == 1, [(f.kind, f.wrong, f.why) for f in findings]
    return findings[0]


def test_a_common_error_is_found_with_its_correction_and_its_source(check_text):
    finding = only(check_text("<p>全市妇联干部将再接再励，为全市发展奉献巾帼力量。</p>"))
    assert (finding.kind, finding.wrong) == (COMMON_ERROR, "再接再励")
    assert finding.suggestion == "再接再厉"
    assert finding.severity == SERIOUS
    assert "《咬文嚼字》" in finding.why
    assert finding.sentence == "全市妇联干部将再接再励，为全市发展奉献巾帼力量。"
    assert finding.before == "全市妇联干部将" and finding.field == "body"


@pytest.mark.parametrize(
    ("sentence", "wrong", "right"),
    [
        ("广大妇女迫不急待地走进直播间。", "迫不急待", "迫不及待"),
        ("各项工作按步就班地推进。", "按步就班", "按部就班"),
        ("面对困难不能一愁莫展。", "一愁莫展", "一筹莫展"),
        ("泊来品并不一定更好。", "泊来品", "舶来品"),
        ("要大力宏扬红色家风。", "宏扬", "弘扬"),
        ("市妇联对工作作出布署。", "布署", "部署"),
        ("截止目前，全市共创建美丽庭院58.1万户。", "截止目前", "截至目前"),
    ],
)
def test_listed_errors_are_found_in_sentences(check_text, sentence, wrong, right):
    finding = only(check_text(f"<p>{sentence}</p>"))
    assert (finding.wrong, finding.suggestion) == (wrong, right)


@pytest.mark.parametrize(
    "sentence",
    [
        "全市妇联干部将再接再厉，为全市发展奉献巾帼力量。",
        "截至目前，全市共创建美丽庭院58.1万户。",
        "破除一切不合理的清规戒律。",  # 规戒 is listed, 清规戒律 is an exception
        "这是家风建设的良好象征。",  # 好象 is listed, 好象征 is not it
        "公布署名文章三篇。",  # 布署 is listed
    ],
)
def test_correct_writings_are_not_flagged(check_text, sentence):
    assert check_text(f"<p>{sentence}</p>") == []


def test_the_list_is_data_with_hundreds_of_real_corrections():
    entries = common_errors()
    assert len(entries) >= 500
    assert all(entry.wrong != entry.right and entry.note for entry in entries)
    assert len({entry.wrong for entry in entries}) == len(entries)
    # No correct form is itself flagged by another entry.
    wrongs = {entry.wrong for entry in entries}
    assert not [e.right for e in entries if any(w in e.right for w in wrongs)]


def test_a_wording_rule_is_found_but_not_inside_its_own_right_form(check_text):
    finding = only(check_text("<p>市妇联举办庆祝三八妇女节大会。</p>"))
    assert (finding.kind, finding.suggestion) == (WORDING, "“三八”国际妇女节")
    assert check_text("<p>3月8日，第112个“三八”国际妇女节如期而至。</p>") == []
    assert check_text("<p>中华全国妇女联合会发来贺信。</p>") == []
    assert only(check_text("<p>全国妇女联合会发来贺信。</p>")).wrong == "全国妇女联合会"


def test_a_sensitive_word_is_reported_without_a_suggestion(check_text):
    finding = only(check_text("<p>本文附件为内部资料。</p>"))
    assert (finding.kind, finding.suggestion, finding.severity) == (SENSITIVE, None, SERIOUS)
    assert "不得公开" in finding.why


@pytest.mark.parametrize(
    ("body", "wrong", "suggestion"),
    [
        ("<p>市婦聯开展巾帼大宣讲。</p>", "婦聯", "妇联"),
        ("<p>2021年,全市妇联系统开展巾帼大宣讲535场次。</p>", ",", "，"),
        ("<p>市县两级已全部成立调解委员会;创新形式组织开展活动。</p>", ";", "；"),
        ("<p>联系人:某某某。</p>", ":", "："),
        ("<p>10个县(市、区)全部完成换届。</p>", "(市、区)", "（市、区）"),
        ('<p>以"巾帼心向党"为主题。</p>', '"巾帼心向党"', "“巾帼心向党”"),
        ("<p>受益群众3.9万人次。。</p>", "。。", "。"),
        ("<p>读书班106场次，，专题培训113场次。</p>", "，，", "，"),
        ("<p>不断增强妇联组织的的政治性。</p>", "的的", "的"),
        ("<p>不断为妇联工作注入了了新活力。</p>", "了了", "了"),
        ("<p>全市妇 联组织着力为妇女儿童办实事。</p>", " ", ""),
        ("<p>全市妇联(lián)系统开展活动。</p>", "(lián)", ""),
        ("<p>开展巾帼大宣讲５３５场次。</p>", "５３５", "535"),
    ],
)
def test_writing_mechanics_are_found_with_the_fix(check_text, body, wrong, suggestion):
    finding = only(check_text(body))
    assert (finding.kind, finding.wrong, finding.suggestion) == (MECHANICS, wrong, suggestion)


@pytest.mark.parametrize(
    ("body", "wrong", "why"),
    [
        ("<p>开设“美丽庭院创建活动专栏等专栏。</p>", "“", "没有配对"),
        ("<p>书名是《家庭教育促进法。</p>", "《", "没有配对"),
        ("<p>村（社区妇联全部完成换届。</p>", "（", "没有配对"),
        ("<p>详见附件】。</p>", "】", "没有配对"),
        ("<p>选举产生巾帼勇?当的基层队伍。</p>", "?", "原字可能已丢失"),
        ("<p>幸\ufffd婚姻大讲堂。</p>", "\ufffd", "原字已丢失"),
    ],
)
def test_unmatched_marks_and_lost_characters_are_found(check_text, body, wrong, why):
    finding = only(check_text(body))
    assert finding.kind == MECHANICS and finding.wrong == wrong and why in finding.why


def test_a_lost_character_is_serious_and_stray_typography_is_not(check_text):
    assert only(check_text("<p>巾帼勇?当。</p>")).severity == SERIOUS
    assert only(check_text("<p>妇联,全市。</p>")).severity != SERIOUS


def test_a_date_written_another_way_than_the_rest_of_the_article(check_text):
    body = (
        "<p>2022年3月8日，市妇联召开表彰大会。</p><p>3月9日，各县妇联传达会议精神。</p>"
        "<p>活动将于2022-03-20结束。</p>"
    )
    finding = only(check_text(body))
    assert (finding.wrong, finding.suggestion) == ("2022-03-20", "2022年3月20日")
    assert check_text("<p>2022年3月8日至3月20日，开展巾帼大宣讲。</p>") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "看看孩子，常常回家，天天锻炼，人人参与，个个争先。",  # words, not doubled typing
        "这件事不了了之，的的确确需要反思。",
        "为了了解群众需求，工作组进行了了解和走访。",
        "取得了实实在在的成效，她现在在北京学习。",
        "著名作家讲述乾坤之大，哨兵在瞭望塔上瞭望。",  # 著/乾 are simplified; 瞭 too
        "开展B超检查和两癌筛查，发放T恤。",
        "以“巾帼心向党 奋斗新征程”为主题。",  # a quoted slogan's two phrases
        "联系电话：0000-00000000，时间10:30，共1,000人，增长3.5%。",
        "访问https://www.women.org.cn/了解详情。",
    ],
)
def test_good_text_gives_no_mechanics_finding(check_text, sentence):
    assert check_text(f"<p>{sentence}</p>") == []


def test_a_title_and_a_heading_may_set_two_phrases_apart(check_text):
    body = "<h2>巾帼心向党 弘扬红色主旋律</h2><p>全市妇联组织开展活动。</p>"
    assert check_text(body, title="市妇联：巾帼勇担当 展现新作为") == []
    assert only(check_text("<p>全市妇联组织开展 活动。</p>")).wrong == " "


def test_a_quotation_over_several_paragraphs_opens_each_and_closes_the_last(check_text):
    body = "<p>“第一段引文，</p><p>“第二段引文。”</p>"
    assert check_text(body) == []


def test_the_data_files_explain_themselves():
    assert "的" in doubled_characters() and "看" not in doubled_characters()
    assert "不了了" in exceptions() and "清规戒律" in exceptions()
