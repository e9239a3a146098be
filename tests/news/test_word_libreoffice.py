"""从 Word 导入 of .doc, .wps and .odt files (issue 14): LibreOffice converts them
where it is installed, and where it is not, staff are told what to install.

The conversions need LibreOffice (`soffice`). Off CI they are skipped where it is
missing; .ci/run installs it (libreoffice-writer-nogui), so under CI=true a missing
LibreOffice fails these tests instead of passing them as skipped."""

import os

import pytest

from news.sanitize import clean_html, html_to_text
from news.word import libreoffice
from news.word.importing import read_word
from news.word.package import WordRefused
from tests.helpers import ole_compound_file
from tests.news.word_files import DATA

needs_libreoffice = pytest.mark.skipif(
    libreoffice.soffice() is None and os.environ.get("CI", "").lower() != "true",
    reason="LibreOffice (soffice) is not installed: apt install libreoffice-writer-nogui",
)


def text(document):
    return html_to_text(clean_html(document.body))


@needs_libreoffice
@pytest.mark.parametrize("name", ["libreoffice.odt", "libreoffice.doc"])
def test_old_word_and_opendocument_files_read_as_their_docx_does(name):
    saved_as_docx = read_word((DATA / "libreoffice.docx").read_bytes(), "libreoffice.docx")

    converted = read_word((DATA / name).read_bytes(), name)

    assert (converted.title, converted.source, converted.date) == (
        saved_as_docx.title,
        saved_as_docx.source,
        saved_as_docx.date,
    )
    assert text(converted) == text(saved_as_docx)
    assert "<sup>[1]</sup>" in clean_html(converted.body)
    assert [picture.size for picture in converted.pictures] == [(120, 80)]


def test_without_libreoffice_staff_are_told_what_to_install(settings):
    settings.LIBREOFFICE_PATH = "/nonexistent/soffice"

    with pytest.raises(WordRefused) as refused:
        read_word((DATA / "libreoffice.doc").read_bytes(), "总结.doc")

    message = str(refused.value)
    assert "没有安装 LibreOffice" in message
    assert "另存为 .docx" in message
    assert "apt install libreoffice-writer-nogui" in message


def test_an_old_word_file_with_macros_is_refused_before_libreoffice_opens_it(settings):
    settings.LIBREOFFICE_PATH = "/nonexistent/soffice"  # it must not get that far

    with pytest.raises(WordRefused) as refused:
        read_word(ole_compound_file(storages=["Macros"]), "总结.doc")

    assert "含有宏" in str(refused.value)


def test_a_file_that_is_not_what_its_name_says_is_refused():
    with pytest.raises(WordRefused) as refused:
        read_word(b"plain text, not a Word 97 file", "总结.wps")
    assert "不是 .wps 文档" in str(refused.value)
