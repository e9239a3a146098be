"""Plain-text hygiene for everything the site stores (issue 9, item 9), and the
decoding of uploaded text files (reports, CSV).

Word's manual line break arrives as a vertical tab, terminals paste escapes, and old
spreadsheets carry bells and NULs. XML 1.0 forbids most control characters, so one
of them in a title made every feed answer 500; PostgreSQL refuses NUL outright.
Text is therefore cleaned once, on its way into the database: every CharField and
TextField of the apps that call `clean_text_fields_on_save` (news, stats), from the
admin, the importers and the commands alike.
"""

import re

from django.db import models
from django.db.models.signals import pre_save

# Line-ending and line-breaking controls become a newline: they separated lines
# for whoever typed them (\v is Word's manual line break, \x85 is NEL, U+2028/9
# the Unicode line and paragraph separators).
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# The rest of C0 (but tab and newline), DEL, C1, lone surrogates and the
# noncharacters: nothing a writer means, and poison for XML and databases.
_UNWANTED = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane | 0xFFFE) + chr(plane | 0xFFFF) for plane in range(0, 0x110000, 0x10000))
    + "]"
)


def clean_text(value):
    """The text without control characters (tab and newline kept, line endings
    normalised to newline)."""
    if not value or not isinstance(value, str):
        return value
    return _UNWANTED.sub("", _LINE_BREAKS.sub("\n", value))


def _clean_instance(sender, instance, update_fields=None, **kwargs):
    # Only the fields this save writes: reading a deferred one would load it, one
    # query per field (issue 10, item 3: pinning from the article list).
    written = instance.__dict__ if update_fields is None else update_fields
    for model_field in sender._meta.concrete_fields:
        if model_field.attname in written and isinstance(
            model_field, models.CharField | models.TextField
        ):
            value = getattr(instance, model_field.attname)
            cleaned = clean_text(value)
            if cleaned is not value:
                setattr(instance, model_field.attname, cleaned)


def clean_text_fields_on_save(app_config):
    """Clean the text fields of every model of an app before each save."""
    for model in app_config.get_models():
        pre_save.connect(_clean_instance, sender=model, dispatch_uid=f"text-{model._meta.label}")


def decode_text(raw):
    """Decode a file's bytes: UTF-16 when it starts with its byte-order mark (Excel's
    "Unicode text"), UTF-8 (with or without BOM), else GB18030, the encoding Chinese
    Windows and WPS save plain text in."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")
