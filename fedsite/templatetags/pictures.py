"""{% picture %}: a stored picture with its renditions (fedsite.uploads), for the
pictures templates place themselves (an article's cover, the site's logo). Bodies
get theirs from news.sanitize on save."""

from django import template
from django.utils.html import format_html, format_html_join

from fedsite.uploads import rendition_extensions, sizes, srcset, stored_rendition_widths

register = template.Library()


@register.simple_tag
def picture(file, width=None, height=None, shown_width=None, alt="", css_class="", loading=""):
    """<picture> with a WebP <source> and the original's format in the <img>, both
    with srcset and sizes; a plain <img> of the original while the picture has no
    renditions (stored before issue 11, until `manage.py make_renditions`).

    `width` and `height` are the original's, stored with it (an article's
    cover_width), so that nothing is opened here; `shown_width` is how wide the
    page shows it when that is narrower (the logo in the header)."""
    name, storage = file.name, file.storage
    widths = stored_rendition_widths(name, width, storage)
    extensions = rendition_extensions(name)
    shown = shown_width or width
    attributes = [
        ("class", css_class),
        ("src", file.url),
        ("srcset", srcset(name, widths, extensions[-1], storage, width) if widths else ""),
        ("sizes", sizes(shown) if widths else ""),
        ("alt", alt),
        ("width", shown_width or width or ""),
        ("height", _shown_height(width, height, shown_width) or ""),
        ("loading", loading),
    ]
    image = format_html(
        "<img{}>",
        format_html_join("", ' {}="{}"', ((k, v) for k, v in attributes if v != "" or k == "alt")),
    )
    if not widths or extensions == ("webp",):
        return image
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">{}</picture>',
        srcset(name, widths, "webp", storage),
        sizes(shown),
        image,
    )


def _shown_height(width, height, shown_width):
    if not shown_width:
        return height
    if width and height:
        return round(height * shown_width / width)
    return shown_width  # a square, as the logo is asked to be
