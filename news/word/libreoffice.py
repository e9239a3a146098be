"""Old Word (.doc), WPS (.wps) and OpenDocument (.odt) files, converted to .docx by
LibreOffice in headless mode where it is installed (issue 14).

Each conversion runs in a folder of its own with a profile of its own, so that two
at once do not share LibreOffice's user profile (which it locks), and is stopped
after CONVERT_TIMEOUT seconds. The result is checked like any uploaded .docx.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .package import WordRefused

CONVERTED_EXTENSIONS = {"doc", "wps", "odt"}
CONVERT_TIMEOUT = 120
INSTALL_HINT = (
    "服务器上没有安装 LibreOffice，无法转换 .%(ext)s 文件。请在 Word 或 WPS 中另存为"
    " .docx 后再导入；或请管理员在服务器上安装 LibreOffice"
    "（Debian/Ubuntu：apt install libreoffice-writer-nogui）。"
)


def soffice():
    """The LibreOffice program (LIBREOFFICE_PATH, else soffice or libreoffice on the
    PATH), or None."""
    configured = getattr(settings, "LIBREOFFICE_PATH", "")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(data, extension):
    """The .docx that LibreOffice makes of `data` (a .doc, .wps or .odt), or
    WordRefused saying what to install or that the file could not be read."""
    program = soffice()
    if program is None:
        raise WordRefused(_(INSTALL_HINT) % {"ext": extension})
    with tempfile.TemporaryDirectory(prefix="fedsite-word-") as folder:
        work = Path(folder)
        source = work / f"document.{extension}"
        source.write_bytes(data)
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        environment = {**os.environ, "HOME": str(work)}
        try:
            subprocess.run(
                command,
                cwd=work,
                env=environment,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=CONVERT_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise WordRefused(
                _("LibreOffice 转换超时（超过 %(seconds)d 秒），文件可能已损坏。")
                % {"seconds": CONVERT_TIMEOUT}
            ) from None
        result = work / "out" / "document.docx"
        if not result.is_file():
            raise WordRefused(
                _(
                    "LibreOffice 无法读取这个 .%(ext)s 文件，可能已损坏。"
                    "请在 Word 或 WPS 中另存为 .docx 后再导入。"
                )
                % {"ext": extension}
            )
        return result.read_bytes()
