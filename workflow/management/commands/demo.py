"""``manage.py demo [--force] [--data-dir DIR]``: load the demo counties 清河县 and 白沙县.

It lives in ``workflow`` because it loads both halves of the demo in one transaction:
the organisations, users and duty lists (``duty_lists.demo``) and the lists' first
releases, the reviewing unit of the village list (``workflow.demo_reviewers``), then
the change requests in every state of the admission flow
(``workflow.demo``) and the decision batches that decide or put some of them on public
notice (``workflow.demo_decisions``), then the default evaluation indicator sets
(``evaluation.demo``); the domain apps may not import ``workflow``.
"""

import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from arbitration.batch_services import notice_last_day
from arbitration.models import DecisionBatch
from duty_lists.demo import DEMO_PASSWORD, DemoDataError, demo_directory, demo_load
from duty_lists.demo.releases import demo_releases_load, demo_releases_read
from evaluation.demo import demo_indicators_load, demo_indicators_read
from workflow.demo import demo_open_tasks, demo_requests_load, demo_requests_read
from workflow.demo_decisions import demo_decisions_load, demo_decisions_read
from workflow.demo_evaluation import EvaluationReport, demo_evaluation_load
from workflow.demo_reports import demo_reports_load
from workflow.demo_reviewers import demo_reviewers_load, demo_reviewers_read
from workflow.models import TemporaryItemProcess
from workflow.services import temporary_items_watch


class Command(BaseCommand):
    help = (
        "加载演示数据：清河县（15 个乡镇(街道)、30 个部门、三张清单及其变更历史、处于各个"
        "办理阶段的准入/调整申请、默认评价指标）和用于演示数据隔离的白沙县，以及每个角色的演示账号。"
        "可重复运行，不会产生重复数据。DEBUG 关闭时需加 --force。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="DEBUG 关闭时也加载（演示数据带有公开的密码，切勿用于生产库）",
        )
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="演示数据文件所在目录，默认为项目的 fixtures/demo/",
        )
        parser.add_argument(
            "--skip-evaluation",
            action="store_true",
            help=(
                "不生成演示考核评价轮次（清河县两轮共约 1500 张评分表，去年一轮逐张经服务提交，"
                "约占加载时间的一半）"
            ),
        )

    def handle(self, *args, force=False, data_dir=None, skip_evaluation=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG 已关闭，拒绝加载演示数据：演示账号使用公开的密码，不应出现在生产库中。"
                "如确需加载，请加 --force。\n"
                "DEBUG is off: refusing to load demo data (its logins share a published "
                "password). Pass --force to load it anyway."
            )
        directory = data_dir or demo_directory()
        try:
            requests = demo_requests_read(directory)
            reviewers = demo_reviewers_read(directory)
            releases = demo_releases_read(directory)
            decisions = demo_decisions_read(directory)
            indicator_sets = demo_indicators_read(directory)
            with transaction.atomic():
                timers_before = TemporaryItemProcess.objects.count()
                report = demo_load(directory=directory)
                # The lists' import starts the timers of the temporary items it brings;
                # this catches up those the later changes (changes.csv) made temporary.
                temporary_items_watch()
                temporary_started = TemporaryItemProcess.objects.count() - timers_before
                releases_report = demo_releases_load(releases)
                reviewers_report = demo_reviewers_load(reviewers)
                requests_report = demo_requests_load(requests)
                decisions_report = demo_decisions_load(decisions, directory)
                indicators_report = demo_indicators_load(indicator_sets)
                reports_report = demo_reports_load()
                evaluation_report = (
                    EvaluationReport() if skip_evaluation else demo_evaluation_load()
                )
        except DemoDataError as exc:
            raise CommandError(
                f"演示数据有误，未写入任何数据 / bad demo data, nothing was written "
                f"({exc.path.parent}):\n{exc}"
            ) from None
        self.stdout.write(report.organisations, ending="")
        self.stdout.write(
            f"用户：新建 {report.users_created}，已存在 {report.users_existing}；"
            f"清单事项：新建 {report.items_created}，已存在 {report.items_existing}；"
            f"变更：应用 {report.changes_applied}，已应用 {report.changes_existing}；"
            f"申请：新建 {requests_report.created}，已存在 {requests_report.existing}；"
            f"临时事项到期计时：新建 {temporary_started}。"
        )
        self.stdout.write(
            f"发布版本：新建 {releases_report.created}，已存在 {releases_report.existing}；"
            f"审定批次：新建 {decisions_report.created}，已存在 {decisions_report.existing}。"
        )
        self.stdout.write(
            f"评价指标体系：新建 {indicators_report.created}，已存在 {indicators_report.existing}。"
        )
        self.stdout.write(
            f"清单审查单位：设置 {reviewers_report.created}，已设置 {reviewers_report.existing}。"
        )
        self.stdout.write(
            f"清单外事项报告：新建 {reports_report.created}，已存在 {reports_report.existing}。"
        )
        self.stdout.write(
            f"考核评价轮次：新建 {evaluation_report.created}，已存在 {evaluation_report.existing}。"
        )
        self.stdout.write(self.style.SUCCESS("演示数据已加载 / demo data loaded."))
        self.stdout.write(
            f"\n演示账号（密码均为 {DEMO_PASSWORD}）/ demo logins (password: {DEMO_PASSWORD}):"
        )
        rows = [("用户名", "姓名", "角色", "单位")]
        rows += [(x.username, x.display_name, x.role, x.unit) for x in report.logins]
        self._table(rows)
        self.stdout.write("\n待办和待领取的任务 / open tasks (inbox and queue):")
        open_tasks = demo_open_tasks([login.username for login in report.logins])
        rows = [("用户名", "任务")]
        for login in report.logins:
            titles = sorted(open_tasks.get(login.username, {}).items())
            rows.append((login.username, "，".join(f"{t} {n}" for t, n in titles) or "—"))
        self._table(rows)
        self.stdout.write("\n审定批次（县委编办在“审定与发布”中办理）/ decision batches:")
        now = timezone.now()
        rows = [("县", "批次", "状态")]
        for batch in DecisionBatch.objects.select_related("county").order_by("county__code", "pk"):
            stage = batch.stage_label(now)
            if batch.is_decided:
                stage = f"{stage}（{batch.document_number}）"
            elif batch.has_notice:
                stage = f"{stage}（公示至 {notice_last_day(batch):%Y-%m-%d}）"
            rows.append((batch.county.name, batch.title, stage))
        self._table(rows)

    def _table(self, rows: list[tuple[str, ...]]) -> None:
        """Print rows in aligned columns (the last one unpadded), indented by two spaces."""
        widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        for row in rows:
            cells = [_pad(cell, width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  " + "  ".join([*cells, row[-1]]))


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
