from django.core.management.base import BaseCommand, CommandError

from fedsite.backup import BackupError
from fedsite.backup.restore import backup_restore


class Command(BaseCommand):
    help = (
        "从 manage.py backup 的归档恢复数据库和全部媒体文件。先核对整个归档，有问题就拒绝，"
        "什么也不改；数据库里已有内容时需要确认（或 --force）。"
    )
    epilog = (
        "退出码：0 完成；1 失败（缺少工具、数据库出错）；3 拒绝了归档（不是本站的备份、已损坏、"
        "被改动、来自另一种数据库或更新的程序版本），未作任何改动；4 数据库已有内容而没有 --force，"
        "未作任何改动。"
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = self.epilog
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "archive", metavar="ARCHIVE", help="备份归档（fedsite-backup-….tar）的路径"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="数据库或媒体存储中已有内容时也恢复，不再询问（全部替换为备份的内容）",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="不询问：已有内容而没有 --force 时拒绝（退出码 4），供脚本使用",
        )
        parser.add_argument(
            "--trust",
            action="store_true",
            help="恢复用别的密钥（DJANGO_SECRET_KEY）签名的备份，例如密钥已更换的本站旧服务器的备份",
        )

    def handle(self, *args, archive, force, interactive, trust, verbosity, **options):
        def report(line):
            if verbosity:
                self.stdout.write(line)

        def confirm(present):
            self.stdout.write(
                f"数据库或媒体存储中已有内容（{present}），恢复会全部替换为备份的内容。"
            )
            try:
                return input("输入 yes 继续：").strip().lower() == "yes"
            except EOFError:  # no terminal to answer from
                return False

        try:
            backup_restore(
                archive=archive,
                force=force,
                trust=trust,
                confirm=confirm if interactive else None,
                report=report,
                stdout=self.stdout,
            )
        except BackupError as error:
            raise CommandError(str(error), returncode=error.exit_code) from error
