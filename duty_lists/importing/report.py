"""An import result as text lines (command output)."""

from .service import ImportResult


def result_lines(result: ImportResult) -> list[str]:
    """The lines the command prints: per sheet, per list (with the changed codes),
    notices, and what was written."""
    lines = []
    for sheet in result.sheets:
        where = f"（{sheet.township}）" if sheet.township else ""
        lines.append(f"工作表“{sheet.name}”：{sheet.level_label}清单{where}，{sheet.items} 个事项")
    for plan in result.lists:
        lines.append(
            f"{plan.label}清单：新增 {len(plan.added)}，修改 {len(plan.changed)}，"
            f"取消 {len(plan.withdrawn)}，未变 {plan.unchanged}"
            + (f"，文件中没有但保留 {len(plan.kept)}" if plan.kept else "")
        )
        lines.extend(f"  修改 {c.item.code}：{'、'.join(c.fields)}" for c in plan.changed)
        lines.extend(f"  取消 {item.code} {item.title}" for item in plan.withdrawn)
    lines.extend(f"注意：{notice}" for notice in result.notices)
    if result.dry_run:
        lines.append("预览（--dry-run），未写入。")
    elif not result.has_changes:
        lines.append("清单与文件一致，未写入任何变更。")
    else:
        lines.append("已导入。" + "".join(f" 发布版本 {r}。" for r in result.releases))
    return lines
