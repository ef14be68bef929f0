"""Import of approved lists (清单导入) from Excel: ``lists_import`` and its template.

A county starts with the lists its 县委办/县政府办 issued as Excel attachments under a
文号. The file is read (``reading``), every row is checked against the county
(``validation``), compared with its lists (``planning``) and, unless it is a dry run,
written in one transaction (``writing``): one history record per item added, changed
or withdrawn, with the 文号 as reason, and a release (发布版本) per changed list when
a 文号 is given. Any problem refuses the whole file: nothing is written.
"""

from .issues import ImportIssue, ImportRefused
from .service import (
    ImportResult,
    can_import_lists,
    counties_importable_by,
    lists_import,
    lists_imported,
)
from .template import template_xlsx

__all__ = [
    "ImportIssue",
    "ImportRefused",
    "ImportResult",
    "can_import_lists",
    "counties_importable_by",
    "lists_import",
    "lists_imported",
    "template_xlsx",
]
