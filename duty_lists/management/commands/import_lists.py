"""``manage.py import_lists FILE.xlsx``: import a county's approved lists (清单导入)."""

import datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from organisations.models import County, User

from ...importing import ImportRefused, lists_import
from ...importing.report import result_lines


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”无效，应为 YYYY-MM-DD。") from None


class Command(BaseCommand):
    help = (
        "从 Excel 文件（.xlsx）导入县里已印发的三张清单：按事项编码新增或更新事项，"
        "每个事项一条历史记录，以文号为理由；有任何错误则不写入。模板见清单页面的“导入清单”。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="清单文件（.xlsx）")
        parser.add_argument("--county", help="县的编码或名称；系统中只有一个县时可省略")
        parser.add_argument("--document-number", default="", help="印发文号，作为历史记录的理由")
        parser.add_argument("--reason", default="", help="没有文号时的导入理由")
        parser.add_argument(
            "--effective-date", type=_date, default=None, help="生效日期（默认今天）"
        )
        parser.add_argument("--decided-by", default="", help="审定机关（默认 县委、县政府）")
        parser.add_argument("--decided-on", type=_date, default=None, help="审定日期")
        parser.add_argument("--user", help="以该用户（县委编办或县级管理员）的名义导入")
        parser.add_argument("--dry-run", action="store_true", help="只预览，不写入")
        parser.add_argument(
            "--withdraw-missing", action="store_true", help="取消文件中没有的在用事项"
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件“{path}”。")
        county = self._county(options["county"])
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"用户“{options['user']}”不存在。")
        try:
            result = lists_import(
                actor=actor,
                county=county,
                content=path.read_bytes(),
                file_name=path.name,
                effective_date=options["effective_date"] or timezone.localdate(),
                document_number=options["document_number"],
                reason=options["reason"],
                withdraw_missing=options["withdraw_missing"],
                dry_run=options["dry_run"],
                decided_by=options["decided_by"],
                decided_on=options["decided_on"],
                progress=self.stdout.write,
            )
        except ImportRefused as refused:
            raise CommandError(
                f"文件有 {len(refused.issues)} 处错误，未写入任何数据：\n{refused}"
            ) from None
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        for line in result_lines(result):
            self.stdout.write(line)

    @staticmethod
    def _county(text: str | None) -> County:
        counties = County.objects.all()
        if text:
            counties = counties.filter(Q(code=text) | Q(name=text))
        found = list(counties[:2])
        if len(found) == 1:
            return found[0]
        if text:
            raise CommandError(f"县“{text}”不存在或不唯一，请填写县的编码。")
        raise CommandError("系统中有多个县（或没有县），请用 --county 指定县的编码。")
