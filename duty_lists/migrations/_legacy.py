"""Frozen helpers of the migrations that moved items to configurable categories and
structured 配套保障 (0005–0007 of duty_lists, used by workflow and arbitration too).

Kept apart from the application code on purpose: a migration must do tomorrow what it
does today, whatever the application's own parsers become. The module name starts with
an underscore, so Django's migration loader skips it.
"""

import re

# The categories every county had before they became configurable: the old stored
# value -> (short code, name, position).
OLD_CATEGORIES = {
    "party_building": ("DJ", "党的建设", 10),
    "economy": ("JJ", "经济发展", 20),
    "urban_rural": ("CX", "城乡建设", 30),
    "safety_law": ("PA", "平安法治", 40),
    "ecology": ("ST", "生态环保", 50),
    "public_service": ("GG", "公共服务", 60),
    "social_affairs": ("SH", "社会事务", 70),
    "support": ("ZH", "综合保障", 80),
}

# Keywords that sort a clause of the old free text into 经费, 装备 or 人员. A clause about
# money goes to 经费 even when it names people ("护林员报酬由县财政补助"); otherwise it
# goes to 装备 and/or 人员 by its words; a clause with none of them is kept in 备注.
FUNDING_WORDS = ("经费", "资金", "财政", "补助", "补贴", "报酬", "费用", "预算", "万元")
EQUIPMENT_WORDS = ("装备", "设备", "仪器", "物资", "终端", "装置", "器材", "车辆")
STAFFING_WORDS = ("人员", "编制", "协管员", "巡查员", "网格员", "护林员", "防疫员", "队伍")
LABELLED = re.compile(r"^(经费|人员|装备)\s*[:：]\s*(.*)$")
FIELD_OF_LABEL = {"经费": "funding_source", "人员": "staffing", "装备": "equipment"}
REMARKS_PREFIX = "配套保障："


def split_resources(text: str) -> dict[str, str]:
    """The old free text of 配套资源 split into ``funding_source``, ``staffing``,
    ``equipment`` and ``rest`` (clauses that fit none). Clauses are separated by "；",
    ";", "。" or line breaks; "经费：…" style labels are honoured; several clauses of one
    part are joined by "；". Empty text gives empty parts (not stated)."""
    parts = {"funding_source": [], "staffing": [], "equipment": [], "rest": []}
    for clause in re.split(r"[\n；;。]", text or ""):
        clause = clause.strip()
        if not clause:
            continue
        labelled = LABELLED.match(clause)
        if labelled:
            parts[FIELD_OF_LABEL[labelled.group(1)]].append(labelled.group(2).strip())
            continue
        if any(word in clause for word in FUNDING_WORDS):
            parts["funding_source"].append(clause)
            continue
        placed = False
        if any(word in clause for word in EQUIPMENT_WORDS):
            parts["equipment"].append(clause)
            placed = True
        if any(word in clause for word in STAFFING_WORDS):
            parts["staffing"].append(clause)
            placed = True
        if not placed:
            parts["rest"].append(clause)
    return {name: "；".join(clauses) for name, clauses in parts.items()}


def funding_source_of(text: str) -> str:
    """A 经费 text shortened to the field's 200 characters."""
    return text[:200]


def remarks_with_rest(remarks: str, rest: str) -> str:
    """``remarks`` with the clauses that fit no part appended after "配套保障："."""
    if not rest:
        return remarks
    note = f"{REMARKS_PREFIX}{rest}"
    return f"{remarks}\n{note}" if remarks else note


def category_rows(Category, county_id: int, cache: dict) -> dict:
    """``{old value: Category}`` of a county, creating its eight categories on first use
    (``cache`` keeps them per county)."""
    if county_id not in cache:
        found = {row.code: row for row in Category.objects.filter(county_id=county_id)}
        rows = {}
        for value, (code, name, position) in OLD_CATEGORIES.items():
            row = found.get(code)
            if row is None:
                row = Category.objects.create(
                    county_id=county_id, code=code, name=name, position=position
                )
            rows[value] = row
        cache[county_id] = rows
    return cache[county_id]


def category_for(Category, county_id: int, value: str, cache: dict):
    """The county's category for an old stored value; a value that was no choice (or
    empty) gets a category of its own, named by the value, so nothing is lost."""
    rows = category_rows(Category, county_id, cache)
    if value in rows:
        return rows[value]
    name = (value or "未分类")[:50]
    row = Category.objects.filter(county_id=county_id, parent=None, name=name).first()
    if row is None:
        taken = set(Category.objects.filter(county_id=county_id).values_list("code", flat=True))
        number = 1
        while f"QT{number}" in taken:
            number += 1
        row = Category.objects.create(
            county_id=county_id, code=f"QT{number}", name=name, position=900 + number
        )
    rows[value] = row
    return row
