"""The shape every statistic is handed out in: a ``Table`` (the accessible source of
its chart, the Excel sheet and the API answer) and the ``Chart`` drawn from it."""

from dataclasses import dataclass, field

# Colours of a chart's series, in order (the site's palette, readable side by side).
SERIES_COLOURS = ("#b71c1c", "#5d4037", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a")


@dataclass(frozen=True)
class Table:
    """One table of figures.

    ``columns`` are the header labels; every row has one cell per column. The chart
    stacks the numeric columns ``chart_columns`` (indices) of each row, labelled by the
    columns ``label_columns`` joined with "·"; an empty ``chart_columns`` means no chart.
    """

    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[list]
    label_columns: tuple[int, ...] = (0,)
    chart_columns: tuple[int, ...] = ()
    note: str = ""
    totals: list | None = None

    def chart(self) -> "Chart | None":
        """The chart of this table (``None`` without chart columns or rows)."""
        if not self.chart_columns or not self.rows:
            return None
        series = [
            Series(self.columns[index], SERIES_COLOURS[position % len(SERIES_COLOURS)])
            for position, index in enumerate(self.chart_columns)
        ]
        bars = []
        for row in self.rows:
            label = "·".join(str(row[index]) for index in self.label_columns)
            values = [row[index] or 0 for index in self.chart_columns]
            bars.append((label, values, sum(values)))
        largest = max((total for _, _, total in bars), default=0) or 1
        return Chart(
            series=series,
            bars=[
                Bar(
                    label=label,
                    total=total,
                    width=round(100 * total / largest, 1),
                    segments=[
                        Segment(serie.label, serie.colour, value)
                        for serie, value in zip(series, values, strict=True)
                        if value
                    ],
                )
                for label, values, total in bars
            ],
        )


@dataclass(frozen=True)
class Series:
    label: str
    colour: str


@dataclass(frozen=True)
class Segment:
    label: str
    colour: str
    value: int | float


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: ``width`` is its length in percent of the longest bar."""

    label: str
    total: int | float
    width: float
    segments: list[Segment] = field(default_factory=list)


@dataclass(frozen=True)
class Chart:
    series: list[Series]
    bars: list[Bar]
