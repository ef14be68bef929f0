"""``manage.py import_orgs FILE.csv``: load an organisation tree from a CSV file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisations.importing import OrgImportError, org_units_import

# Progress is printed every this many rows, and only for files at least this large.
PROGRESS_EVERY = 10_000


class Command(BaseCommand):
    help = (
        "从 UTF-8 CSV 文件导入组织机构（县、部门、乡镇(街道)、村(社区)、网格）。"
        "表头为 code,name,kind,parent_code，可选 subkind 列；按编码幂等导入。"
        "文件有任何错误时逐行列出并不写入任何数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV 文件路径")

    def handle(self, *args, file, verbosity=1, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        self._last_printed = 0
        show_progress = verbosity >= 1
        try:
            report = org_units_import(
                actor=None,
                source=path,
                progress=self._print_progress if show_progress else None,
            )
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
        except OrgImportError as exc:
            lines = "\n".join(str(error) for error in exc.line_errors)
            raise CommandError(
                f"{path} 有 {len(exc.line_errors)} 处错误，未导入任何数据：\n{lines}"
            ) from None
        for kind, counts in report.counts.items():
            self.stdout.write(
                f"{kind.label} created={counts.created} updated={counts.updated} "
                f"unchanged={counts.unchanged}"
            )
        self.stdout.write(self.style.SUCCESS(f"导入完成：共 {report.total_rows} 行。"))

    def _print_progress(self, done: int, total: int) -> None:
        if total < PROGRESS_EVERY:
            return
        if done // PROGRESS_EVERY > self._last_printed // PROGRESS_EVERY or done == total:
            self._last_printed = done
            # Floor the percentage so that 100% means done.
            percent = done * 1000 // total / 10
            self.stderr.write(f"进度：{done}/{total} 行（{percent:.1f}%）")
