"""Problems found in an import file, each naming sheet, row and column."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportIssue:
    """One refused part of a file: ``sheet`` (None for the file itself), ``row`` (the
    spreadsheet's row number, None for a whole sheet), ``column`` (header as the file
    writes it, with its letter, e.g. "类别（D 列）"; None for a whole row) and the
    Chinese ``message``."""

    sheet: str | None
    row: int | None
    column: str | None
    message: str
    letter: str | None = None

    def __str__(self) -> str:
        where = []
        if self.sheet is not None:
            where.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column is not None:
            where.append(f"“{self.column}”列" + (f"（{self.letter} 列）" if self.letter else ""))
        return f"{' '.join(where)}：{self.message}" if where else self.message

    def as_dict(self) -> dict:
        """The issue as the API returns it."""
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "letter": self.letter,
            "message": self.message,
            "text": str(self),
        }


class ImportRefused(Exception):
    """The file was refused: ``issues`` lists every problem; nothing was written."""

    def __init__(self, issues: list[ImportIssue]):
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))
