"""The demo counties (演示数据): 清河县 with its three lists, and 白沙县 to show isolation.

The data lives in readable files under ``fixtures/demo/``:

- ``organisations.csv``: the organisation tree, in the ``import_orgs`` format;
- ``users.csv``: the demo logins (用户名, 姓名, 角色, 所属县, 单位);
- ``<县名>三张清单.xlsx``: each county's approved lists as the county issued them,
  imported through ``duty_lists.importing.lists_import`` (the ``import_lists`` format);
- ``changes.csv``: the lists' later history, one changed field per line; lines sharing a
  变更编号 are one amendment (修改); a 取消 line withdraws the item.

``demo_load`` checks the files' structure before writing anything, then in one
transaction imports the organisation tree through ``import_orgs``, resolves and checks
every line against it, and only then writes, through the same services as real data
(the lists through the import, which checks a whole file before writing any of it).
It is idempotent: units match by code, users by username, a county's lists file is
imported while its lists are empty (later runs leave them to ``changes.csv``), and
a change by its history reason, which ends with the change's number. Each new history
record is dated to the day the files give, so a list "as of" a past date and the diff
between two dates show the demo's history.
"""

from .files import DemoDataError
from .loading import (
    DEMO_PASSWORD,
    DemoReport,
    Login,
    Units,
    demo_directory,
    demo_load,
    field_values,
)

__all__ = [
    "DEMO_PASSWORD",
    "DemoDataError",
    "DemoReport",
    "Login",
    "Units",
    "demo_directory",
    "demo_load",
    "field_values",
]
