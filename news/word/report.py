"""The report of what an imported article does not keep as the document had it
(issue 14): tracked changes (accepted, and each shown), comments, text boxes,
SmartArt, charts, shapes, embedded objects, equations, Chinese automatic numbering,
page headers and footers, fonts and colours, and pictures left out. Read from the
XML of the checked package (news.word.package), since mammoth does not look at
these."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
A_GRAPHIC_DATA = "{http://schemas.openxmlformats.org/drawingml/2006/main}graphicData"
O_OLE_OBJECT = "{urn:schemas-microsoft-com:office:office}OLEObject"
M_MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}oMath"
WPS_SHAPE = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}wsp"
WPS_TEXT = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}txbx"
DIAGRAM_URI = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"


@dataclass
class Note:
    """Something of the document that the article does not keep as it was: what it
    is, what became of it, and the text concerned."""

    what: str
    outcome: str
    items: list = field(default_factory=list)


def picture_notes(pictures):
    dropped = [picture for picture in pictures if not picture.kept]
    if not dropped:
        return []
    items = [
        _("第 %(n)d 张%(alt)s：%(problem)s")
        % {
            "n": picture.position,
            "alt": f"（{picture.alt[:40]}）" if picture.alt else "",
            "problem": picture.problem,
        }
        for picture in dropped
    ]
    return [Note(_("图片"), _("有 %(count)d 张图片未导入。") % {"count": len(dropped)}, items)]


MAX_ITEMS = 20


def _walk(element):
    """Elements in document order, without the fallback copies of
    mc:AlternateContent (which repeat what its first choice says)."""
    yield element
    for child in element:
        if child.tag != MC_FALLBACK:
            yield from _walk(child)


def _joined(element, tags):
    return "".join(node.text or "" for node in element.iter() if node.tag in tags).strip()


def _shorten(text, length=60):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _listed(items):
    if len(items) > MAX_ITEMS:
        return items[:MAX_ITEMS] + [_("……共 %(count)d 处") % {"count": len(items)}]
    return items


def inspect(package, body_text):
    """The report of what the article does not keep as the document had it."""
    tree = package.xml(package.main)
    elements = list(_walk(tree))
    notes = []

    inserted = [_joined(e, {f"{W}t"}) for e in elements if e.tag in {f"{W}ins", f"{W}moveTo"}]
    deleted = [
        _joined(e, {f"{W}delText", f"{W}t"})
        for e in elements
        if e.tag in {f"{W}del", f"{W}moveFrom"}
    ]
    formatting = sum(e.tag in {f"{W}rPrChange", f"{W}pPrChange"} for e in elements)
    if any(inserted) or any(deleted) or formatting:
        items = [_("插入：“%(text)s”") % {"text": _shorten(t)} for t in inserted if t]
        items += [_("删除：“%(text)s”") % {"text": _shorten(t)} for t in deleted if t]
        if formatting:
            items.append(_("格式修订 %(count)d 处（格式本来就不保留）") % {"count": formatting})
        notes.append(
            Note(
                _("修订"),
                _(
                    "文档中有未处理的修订，已按“接受全部修订”导入：插入的文字保留，"
                    "删除的文字不保留。请核对下列修订是否都应接受："
                ),
                _listed(items),
            )
        )

    comments_part = package.part_of_type("comments")
    comments = package.xml(comments_part) if comments_part else None
    if comments is not None:
        items = [
            f"{comment.get(f'{W}author') or _('（无名）')}：{_shorten(_joined(comment, {f'{W}t'}))}"
            for comment in comments.iter(f"{W}comment")
        ]
        if items:
            notes.append(Note(_("批注"), _("批注不导入正文："), _listed(items)))

    boxes = [_joined(e, {f"{W}t"}) for e in elements if e.tag == f"{W}txbxContent"]
    boxes = [box for box in boxes if box]
    if boxes:
        compact = "".join(body_text.split())
        kept = [box for box in boxes if "".join(box.split()) in compact]
        lost = [box for box in boxes if box not in kept]
        if kept:
            notes.append(
                Note(
                    _("文本框"),
                    _(
                        "%(count)d 个文本框的文字已放入正文（在它所在段落之后），"
                        "边框和位置不保留，请核对位置："
                    )
                    % {"count": len(kept)},
                    _listed([_shorten(box) for box in kept]),
                )
            )
        if lost:
            notes.append(
                Note(
                    _("文本框"),
                    _("%(count)d 个文本框的文字未能导入，需要的话请手工补上：")
                    % {"count": len(lost)},
                    _listed([_shorten(box) for box in lost]),
                )
            )

    uris = [e.get("uri", "") for e in elements if e.tag == A_GRAPHIC_DATA]
    for uri, what in ((DIAGRAM_URI, _("SmartArt 图形")), (CHART_URI, _("图表"))):
        count = uris.count(uri)
        if count:
            notes.append(
                Note(
                    what,
                    _(
                        "%(count)d 个%(what)s不能导入。"
                        "需要的话请在 Word 中右键“另存为图片”，再用编辑器上传。"
                    )
                    % {"count": count, "what": what},
                )
            )
    shapes = sum(1 for e in elements if e.tag == WPS_SHAPE and e.find(WPS_TEXT) is None)
    if shapes:
        notes.append(
            Note(
                _("图形"),
                _("%(count)d 个绘制的图形（线条、箭头、形状等）不导入。") % {"count": shapes},
            )
        )
    objects = [e.get("ProgID") or _("未知类型") for e in elements if e.tag == O_OLE_OBJECT]
    if objects:
        notes.append(
            Note(
                _("嵌入对象"),
                _("%(count)d 个嵌入对象本身不能导入（文档里显示的预览图按图片处理）：")
                % {"count": len(objects)},
                _listed(objects),
            )
        )
    equations = sum(1 for e in elements if e.tag == M_MATH)
    if equations:
        notes.append(
            Note(_("公式"), _("%(count)d 个公式不能导入，请手工补上。") % {"count": equations})
        )

    numbered = _chinese_numbered(package, tree)
    if numbered:
        notes.append(
            Note(
                _("自动编号"),
                _(
                    "%(count)d 段用了 Word 的中文自动编号（如“一、”），"
                    "网站上显示为 1. 2. 3. 的列表。"
                    "如要保留原样，请在 Word 中改为手工输入的编号后再导入。"
                )
                % {"count": len(numbered)},
                _listed([_shorten(text) for text in numbered]),
            )
        )

    margins = []
    for name in sorted(package.names()):
        if re.fullmatch(r"word/(header|footer)\d*\.xml", name):
            text = _joined(package.xml(name), {f"{W}t"})
            if text:
                margins.append(_shorten(text))
    if margins:
        notes.append(Note(_("页眉页脚"), _("页眉和页脚不导入："), _listed(margins)))

    fonts = sorted(
        {
            e.get(f"{W}eastAsia") or e.get(f"{W}ascii")
            for e in elements
            if e.tag == f"{W}rFonts" and (e.get(f"{W}eastAsia") or e.get(f"{W}ascii"))
        }
    )
    colours = sorted(
        {
            e.get(f"{W}val")
            for e in elements
            if e.tag in {f"{W}color", f"{W}highlight"}
            and e.get(f"{W}val", "").lower() not in {"auto", "000000", "none", "black", ""}
        }
    )
    sizes = any(e.tag == f"{W}sz" for e in elements)
    if fonts or colours or sizes:
        items = []
        if fonts:
            items.append(_("字体：%(fonts)s") % {"fonts": "、".join(fonts)})
        if colours:
            items.append(_("颜色：%(colours)s") % {"colours": "、".join(colours)})
        notes.append(
            Note(
                _("字体、字号和颜色"),
                _("不保留：网站使用统一的字体和排版。"),
                items,
            )
        )
    return notes


# Word's numbering formats that write Chinese numerals (ECMA-376 ST_NumberFormat).
CHINESE_NUMBER_FORMATS = {
    "chineseCounting",
    "chineseCountingThousand",
    "chineseLegalSimplified",
    "ideographDigital",
    "ideographTraditional",
    "ideographLegalTraditional",
    "taiwaneseCounting",
    "taiwaneseCountingThousand",
}


def _chinese_numbered(package, tree):
    """The texts of the paragraphs whose automatic numbering writes Chinese numerals
    (一、 （一）): mammoth makes them an ordered list, which shows 1. 2. 3."""
    part = package.part_of_type("numbering")
    numbering = package.xml(part) if part else None
    if numbering is None:
        return []
    formats = {}
    for abstract in numbering.iter(f"{W}abstractNum"):
        for level in abstract.iter(f"{W}lvl"):
            key = (abstract.get(f"{W}abstractNumId"), level.get(f"{W}ilvl"))
            formats[key] = _value(level.find(f"{W}numFmt"))
    abstract_of = {
        num.get(f"{W}numId"): _value(num.find(f"{W}abstractNumId"))
        for num in numbering.iter(f"{W}num")
    }
    # A list style (List Number, 编号) carries its numbering itself.
    styles_part = package.part_of_type("styles")
    styles = package.xml(styles_part) if styles_part else None
    style_numbers = {
        style.get(f"{W}styleId"): style.find(f"{W}pPr/{W}numPr")
        for style in ([] if styles is None else styles.iter(f"{W}style"))
        if style.find(f"{W}pPr/{W}numPr") is not None
    }
    found = []
    for paragraph in tree.iter(f"{W}p"):
        number = paragraph.find(f"{W}pPr/{W}numPr")
        if number is None:
            number = style_numbers.get(_value(paragraph.find(f"{W}pPr/{W}pStyle")))
        if number is None:
            continue
        num_id = _value(number.find(f"{W}numId"))
        level = _value(number.find(f"{W}ilvl")) or "0"
        if formats.get((abstract_of.get(num_id), level)) in CHINESE_NUMBER_FORMATS:
            found.append(_joined(paragraph, {f"{W}t"}))
    return found


def _value(element):
    return None if element is None else element.get(f"{W}val")
