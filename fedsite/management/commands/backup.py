import argparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fedsite.backup import BackupError
from fedsite.backup.create import backup_create


def positive_int(text):
    value = int(text) if text.isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数：{text!r}")
    return value


class Command(BaseCommand):
    help = (
        "备份：数据库和全部媒体文件存为一个带时间戳的归档（fedsite-backup-年月日-时分秒.tar），"
        "可在网站运行时进行。README“备份”一节说明多久运行一次、副本放在哪里。"
    )
    epilog = "退出码：0 完成；1 失败（缺少工具、数据库或磁盘出错），未留下不完整的归档。"

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = self.epilog
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="DIR",
            default=str(settings.BACKUP_DIR),
            help="归档存放的目录（默认 FEDSITE_BACKUP_DIR，即 %(default)s）",
        )
        parser.add_argument(
            "--keep",
            metavar="N",
            type=positive_int,
            help="只保留最新的 N 个归档，更早的删除（只删本命令生成的归档）",
        )

    def handle(self, *args, output, keep, verbosity, **options):
        def report(line):
            if verbosity:
                self.stdout.write(line)

        try:
            path, _manifest = backup_create(folder=output, keep=keep, report=report)
        except BackupError as error:
            raise CommandError(str(error), returncode=error.exit_code) from error
        if not verbosity:
            self.stdout.write(str(path))
