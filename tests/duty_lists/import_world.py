"""The 清河县 organisation tree of the demo and its approved lists file, for import tests."""

import io

from django.conf import settings
from django.core.management import call_command
from openpyxl import load_workbook

from organisations.models import County

DEMO_DIR = settings.BASE_DIR / "fixtures" / "demo"
QINGHE_FILE = DEMO_DIR / "清河县三张清单.xlsx"
# The demo file's first data row (a title and a 文号 line sit above the header row).
FIRST_ROW = 4


def qinghe() -> County:
    """Import the demo organisation tree; return 清河县 (no lists yet)."""
    call_command("import_orgs", str(DEMO_DIR / "organisations.csv"), stdout=io.StringIO())
    return County.objects.get(name="清河县")


def qinghe_file() -> bytes:
    return QINGHE_FILE.read_bytes()


def edited(edit) -> bytes:
    """The demo file after ``edit(workbook)``."""
    workbook = load_workbook(io.BytesIO(qinghe_file()))
    edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def set_cell(sheet: str, cell: str, value):
    def edit(workbook):
        workbook[sheet][cell] = value

    return edit
