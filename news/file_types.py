"""The attachment file types we accept, read by the Attachment model (its label) and
by the checks of news.attachments (its content type). A module of its own so that
the model need not import the checks, which import the model."""

# extension -> (content type, label shown to readers)
TYPES = {
    "pdf": ("application/pdf", "PDF"),
    "doc": ("application/msword", "Word"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    "xls": ("application/vnd.ms-excel", "Excel"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    "wps": ("application/vnd.ms-works", "WPS 文字"),
    "et": ("application/vnd.ms-excel", "WPS 表格"),
    "dps": ("application/vnd.ms-powerpoint", "WPS 演示"),
    "jpg": ("image/jpeg", "图片"),
    "png": ("image/png", "图片"),
    "gif": ("image/gif", "图片"),
    "webp": ("image/webp", "图片"),
}
IMAGE_EXTENSIONS = {"jpg", "png", "gif", "webp"}


def type_label(extension):
    return TYPES.get(extension, ("", extension.upper()))[1]
