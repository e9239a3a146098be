"""Article bodies are cleaned on the server, whatever the editor in the browser sent.

Hostile markup is tried both through clean_html and through Article.save, since
the page serves the saved body as it is (`|safe`).
"""

import re

import pytest

from news.sanitize import absolutize_urls, clean_html, html_to_text
from tests.factories import ArticleFactory

# Markers that must not survive in any form: they would run script or load
# something other than an image in a reader's browser.
DANGEROUS = re.compile(
    r"<script|<iframe|<svg|<form|<input|<object|<embed|<style|\son\w+\s*=|javascript:|data:",
    re.IGNORECASE,
)

HOSTILE_BODIES = {
    "script": '<p>正文</p><script>alert("x")</script>',
    "script-in-paragraph": "<p>正文<script>document.location='//evil.example'</script></p>",
    "img-onerror": '<p>正文</p><img src="x" onerror="alert(1)">',
    "onclick": '<p onclick="alert(1)">正文</p>',
    "onmouseover-unquoted": "<p><a href=/x onmouseover=alert(1)>正文</a></p>",
    "javascript-href": '<p><a href="javascript:alert(1)">正文</a></p>',
    "mixed-case-scheme": '<p><a href="JaVaScRiPt:alert(1)">正文</a></p>',
    "scheme-with-tab": '<p><a href="java\tscript:alert(1)">正文</a></p>',
    "scheme-with-leading-space": '<p><a href="  javascript:alert(1)">正文</a></p>',
    "decimal-entities": '<p><a href="&#106;avascript&#58;alert(1)">正文</a></p>',
    "hex-entities": '<p><a href="&#x6A;&#x61;vascript&#x3A;alert(1)">正文</a></p>',
    "data-href": (
        '<p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">正文</a></p>'
    ),
    "data-img": '<p>正文</p><img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "javascript-img": '<p>正文</p><img src="javascript:alert(1)">',
    "iframe": '<p>正文</p><iframe src="https://evil.example/"></iframe>',
    "svg-onload": "<p>正文</p><svg onload=alert(1)><circle r=1></circle></svg>",
    "form": '<form action="https://evil.example/login"><input name="password"></form><p>正文</p>',
    "object": '<object data="https://evil.example/x.swf"></object><embed src="x.swf"><p>正文</p>',
    "style-element": "<style>body{display:none}</style><p>正文</p>",
    "math": (
        '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction>'
        "</math><p>正文</p>"
    ),
}


@pytest.mark.parametrize("raw", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_hostile_markup_is_removed_and_the_text_kept(raw):
    cleaned = clean_html(raw)

    assert not DANGEROUS.search(cleaned), cleaned
    assert "正文" in cleaned


@pytest.mark.django_db
@pytest.mark.parametrize("raw", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_saved_article_body_is_clean(raw):
    article = ArticleFactory(body=raw)

    article.refresh_from_db()
    assert not DANGEROUS.search(article.body), article.body
    assert "alert" not in article.body_text


def test_content_of_style_script_and_iframe_does_not_turn_into_text():
    cleaned = clean_html(
        "<style>.x{color:red}</style><script>var secret = 1;</script>"
        "<iframe>框架内容</iframe><p>正文</p>"
    )

    assert cleaned == "<p>正文</p>"


def test_links_keep_their_address_and_lose_their_hostile_attributes():
    cleaned = clean_html(
        '<p><a href="javascript:alert(1)" onclick="steal()">坏链接</a>'
        '<a href="https://www.example.gov.cn/" target="_blank" rel="opener">好链接</a></p>'
    )

    assert "steal" not in cleaned
    assert "javascript" not in cleaned
    assert '<a href="https://www.example.gov.cn/" rel="noopener noreferrer">好链接</a>' in cleaned
    assert "target" not in cleaned


def test_style_class_and_id_are_dropped():
    cleaned = clean_html(
        '<p style="position:fixed;top:0;left:0;width:100%" class="banner" id="main">通知</p>'
        '<table class="MsoTable" style="border:0"><tr><td style="color:red">数据</td></tr></table>'
    )

    assert "style" not in cleaned
    assert "class" not in cleaned
    assert "id=" not in cleaned
    assert "<p>通知</p>" in cleaned


def test_ordinary_article_markup_is_kept():
    raw = (
        "<h2>一、工作概况</h2><h3>（一）宣传活动</h3>"
        "<p><strong>重点</strong>与<em>强调</em>、<u>下划线</u>。</p>"
        '<ul><li>甲</li><li>乙</li></ul><ol start="3"><li>丙</li></ol>'
        "<blockquote><p>引用</p></blockquote><hr>"
    )

    assert clean_html(raw) == raw


def test_tables_keep_their_structure_and_merged_cells():
    cleaned = clean_html(
        '<table><caption>活动统计</caption><thead><tr><th scope="col">项目</th>'
        '<th colspan="2">数量</th></tr></thead><tbody><tr><td rowspan="2">宣讲</td>'
        '<td colspan="2">535</td></tr></tbody></table>'
    )

    assert "<caption>活动统计</caption>" in cleaned
    assert '<th scope="col">项目</th>' in cleaned
    assert '<th colspan="2">数量</th>' in cleaned
    assert '<td rowspan="2">宣讲</td>' in cleaned
    assert '<td colspan="2">535</td>' in cleaned


def test_table_spans_must_be_numbers():
    cleaned = clean_html('<table><tr><td colspan="2 onmouseover=alert(1)">x</td></tr></table>')

    assert "colspan" not in cleaned
    assert "alert" not in cleaned


def test_images_keep_address_and_description_and_load_lazily():
    cleaned = clean_html(
        '<p><img src="/media/uploads/2025/03/a.jpg" alt="巾帼大宣讲现场" width="640" '
        'height="480" style="float:left" onload="x()"></p>'
    )

    img = re.search(r"<img [^>]*>", cleaned).group(0)
    assert 'src="/media/uploads/2025/03/a.jpg"' in img
    assert 'alt="巾帼大宣讲现场"' in img
    assert 'width="640"' in img
    assert 'height="480"' in img
    assert 'loading="lazy"' in img
    assert "style" not in img
    assert "onload" not in img


def test_images_from_other_https_sites_are_kept():
    cleaned = clean_html('<img src="https://www.example.gov.cn/a.png" alt="图">')

    assert 'src="https://www.example.gov.cn/a.png"' in cleaned


def test_heading_1_in_the_body_becomes_heading_2():
    """The page title is the only h1."""
    cleaned = clean_html('<h1>大标题</h1><p>正文</p><H1 class="x">另一个</H1>')

    assert "<h1" not in cleaned.lower()
    assert cleaned == "<h2>大标题</h2><p>正文</p><h2>另一个</h2>"


# A body pasted from Word/WPS the way the editor receives it: conditional comments,
# Office namespaces, classes and inline styles everywhere, empty paragraphs made of
# &nbsp;, and paragraphs indented by typing two full-width spaces.
WORD_PASTE = """\
<html xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word">
<head><meta charset="utf-8"><title>关于开展活动的通知</title>
<style>p.MsoNormal{margin:0cm;font-size:10.5pt;font-family:等线}</style>
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings><o:AllowPNG/>
</o:OfficeDocumentSettings></xml><![endif]-->
</head>
<body lang=ZH-CN style='tab-interval:21.0pt'>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]-->
<div class=WordSection1>
<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0'><span
style='font-size:16.0pt;font-family:仿宋_GB2312'>\u3000\u3000为庆祝“三八”国际妇女节，市妇联开展系列活动。<span
lang=EN-US><o:p></o:p></span></span></p>
<p class=MsoNormal><span lang=EN-US style='font-size:16.0pt'><o:p>&nbsp;</o:p></span></p>
<p class=MsoNormal><span style='font-family:黑体'>一、活动情况</span></p>
<p class=MsoNormal style='text-indent:32.0pt'>&nbsp;&nbsp;全市共开展活动<span lang=EN-US
style='font-family:"Times New Roman"'>535</span>场次。<o:p></o:p></p>
<p class=MsoNormal>&nbsp;</p>
<p class=MsoNormal><span style='font-size:16.0pt'>\u3000</span></p>
</div>
</body>
</html>"""


def paragraphs(cleaned):
    return re.findall(r"<p>(.*?)</p>", cleaned, re.DOTALL)


def test_word_paste_becomes_plain_paragraphs():
    cleaned = clean_html(WORD_PASTE)

    assert paragraphs(cleaned) == [
        "为庆祝“三八”国际妇女节，市妇联开展系列活动。",
        "一、活动情况",
        "全市共开展活动535场次。",
    ]
    for residue in ("Mso", "mso", "o:p", "<span", "style", "[if", "endif", "<xml", "&nbsp;"):
        assert residue not in cleaned
    # The document's <title> is not part of the text.
    assert "关于开展活动的通知" not in cleaned


@pytest.mark.django_db
def test_word_paste_saved_as_an_article_reads_cleanly():
    article = ArticleFactory(body=WORD_PASTE, summary="")

    assert (
        article.body_text
        == "为庆祝“三八”国际妇女节，市妇联开展系列活动。\n一、活动情况\n全市共开展活动535场次。"
    )
    assert article.excerpt.startswith("为庆祝“三八”国际妇女节")


def test_word_paste_empty_line_that_kept_its_bold_is_removed():
    """Word keeps a heading's bold on the empty line after it."""
    cleaned = clean_html(
        "<p class=MsoNormal><b><span>一、活动情况</span></b></p>"
        "<p class=MsoNormal><b><span lang=EN-US>&nbsp;<o:p></o:p></span></b></p>"
        "<p class=MsoNormal><span>全市共开展活动535场次。</span></p>"
    )

    assert cleaned == "<p><b>一、活动情况</b></p><p>全市共开展活动535场次。</p>"


def test_word_paste_indentation_typed_inside_a_bold_heading_is_removed():
    """The stylesheet indents every paragraph; typed spaces would indent it twice."""
    cleaned = clean_html(
        "<p class=MsoNormal><b><span style='font-family:黑体'>\u3000\u3000一、活动情况"
        "</span></b></p>"
    )

    assert cleaned == "<p><b>一、活动情况</b></p>"


# -- Plain text and absolute addresses -------------------------------------------------


def test_plain_text_has_one_line_per_block_and_no_markup():
    cleaned = clean_html(
        "<h2>标题</h2><p>第一段<strong>加粗</strong>文字&amp;符号</p>"
        "<ul><li>甲</li><li>乙</li></ul><p>第二行<br>换行</p>"
    )

    assert html_to_text(cleaned) == "标题\n第一段加粗文字&符号\n甲\n乙\n第二行\n换行"


def test_plain_text_of_an_empty_body_is_empty():
    assert html_to_text(clean_html("")) == ""
    assert html_to_text(clean_html("<p>&nbsp;</p>")) == ""


def test_site_addresses_become_absolute_for_feed_readers():
    cleaned = '<p><a href="/articles/7/">链接</a><img src="/media/uploads/a.jpg" alt=""></p>'

    result = absolutize_urls(cleaned, "https://www.fulian.example/")

    assert 'href="https://www.fulian.example/articles/7/"' in result
    assert 'src="https://www.fulian.example/media/uploads/a.jpg"' in result


def test_addresses_that_are_already_absolute_are_left_alone():
    cleaned = (
        '<a href="https://other.example/a">a</a><a href="http://other.example/b">b</a>'
        '<img src="//cdn.example/c.png"><a href="mailto:fl@example.com">d</a>'
    )

    assert absolutize_urls(cleaned, "https://www.fulian.example") == cleaned
