"""Forms of the evaluation pages: open a round, enter base scores, fill a score sheet.

They check the shape of the input only (numbers, ranges, dates); the services check the
rules and the rights again and their ``ValidationError`` is put back on the form by
``add_service_errors``.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from evaluation.models import Direction, IndicatorSet, Rating, RoundMode

SCORE_FIELD = "indicator_{}"
DEPARTMENT_FIELD = "department_{}"
TOWNSHIP_FIELD = "township_{}"


def _decimal(label: str, *, max_value, required: bool) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_value=Decimal(max_value),
        max_digits=6,
        decimal_places=2,
        error_messages={
            "min_value": f"“{label}”的分值不能小于 0。",
            "max_value": f"“{label}”的分值不能高于 {max_value}。",
            "invalid": f"“{label}”请填写数字。",
            "required": f"请填写“{label}”。",
            "max_decimal_places": f"“{label}”最多保留两位小数。",
            "max_digits": f"“{label}”的数值过大。",
        },
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": str(max_value)}),
    )


def add_service_errors(form: forms.Form, error: ValidationError, aliases: dict) -> None:
    """Put a service's ``ValidationError`` on ``form``: keys that name a form field (or
    are an alias of one, e.g. an indicator id) go to that field, the rest to the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        name = aliases.get(str(key), key)
        form.add_error(name if name in form.fields else None, messages)


class RoundOpenForm(forms.Form):
    """Open a round (发起评价): county, name, period, deadline, weight and penalty."""

    county = forms.ModelChoiceField(label="县(市、区)", queryset=None, empty_label=None)
    name = forms.CharField(label="名称", max_length=100)
    period_start = forms.DateField(label="考核期起", widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label="考核期止", widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateTimeField(
        label="评分截止时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    bundling_weight = forms.DecimalField(
        label="互评结果权重",
        initial=Decimal("0.300"),
        min_value=0,
        max_value=1,
        decimal_places=3,
        help_text="0～1，默认 0.3：综合得分 =（1 − 权重）× 基础分 + 权重 × 互评平均分 − 扣分。",
    )
    penalty_per_report = forms.DecimalField(
        label="每件属实清单外事项扣分", initial=Decimal("2.00"), min_value=0, decimal_places=2
    )
    mode = forms.ChoiceField(
        label="评分方式",
        choices=[("", "沿用本县上一轮的方式"), *RoundMode.choices],
        required=False,
        help_text="满意度评价：每张评分表只选满意（100 分）、基本满意（60 分）或不满意（0 分）。",
    )
    township_set = forms.ModelChoiceField(
        label="乡镇(街道)评价部门指标体系",
        queryset=None,
        required=False,
        empty_label="本县启用的指标体系",
    )
    department_set = forms.ModelChoiceField(
        label="部门评价乡镇(街道)指标体系",
        queryset=None,
        required=False,
        empty_label="本县启用的指标体系",
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
        sets = IndicatorSet.objects.filter(county__in=counties, is_active=True).select_related(
            "county"
        )
        self.fields["township_set"].queryset = sets.filter(
            direction=Direction.TOWNSHIP_TO_DEPARTMENT
        )
        self.fields["department_set"].queryset = sets.filter(
            direction=Direction.DEPARTMENT_TO_TOWNSHIP
        )


class BaseScoreForm(forms.Form):
    """The county office's base score (基础分, 0–100) of every unit of a round."""

    def __init__(self, *args, departments, townships, initial_scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.department_fields, self.township_fields = [], []
        for kind, units, names in (
            ("department", departments, self.department_fields),
            ("township", townships, self.township_fields),
        ):
            for unit in units:
                name = (DEPARTMENT_FIELD if kind == "department" else TOWNSHIP_FIELD).format(
                    unit.pk
                )
                self.fields[name] = _decimal(unit.name, max_value=100, required=False)
                self.fields[name].initial = initial_scores.get((kind, unit.pk))
                names.append(name)

    def scores(self) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
        """The filled-in scores: ``({department_id: value}, {township_id: value})``."""
        departments, townships = {}, {}
        for name, value in self.cleaned_data.items():
            if value is None:
                continue
            kind, pk = name.split("_")
            (departments if kind == "department" else townships)[int(pk)] = value
        return departments, townships

    def department_rows(self):
        return [self[name] for name in self.department_fields]

    def township_rows(self):
        return [self[name] for name in self.township_fields]


class ScoreSheetForm(forms.Form):
    """One score per indicator of the sheet's set (0 … its maximum) and a comment; for a
    simple-mode round (``simple``) one 满意度 choice instead of the indicators.

    Every field is optional here: a draft may be partial; the service refuses a
    submission with an indicator left blank and names it.
    """

    comment = forms.CharField(
        label="评价意见", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args,
        indicators,
        scores,
        comment="",
        disabled=False,
        simple=False,
        rating="",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.simple = simple
        self.indicators = [] if simple else list(indicators)
        self.fields["comment"].initial = comment
        if simple:
            self.fields["rating"] = forms.ChoiceField(
                label="满意度",
                choices=Rating.choices,
                required=False,
                initial=rating or None,
                widget=forms.RadioSelect,
            )
        for indicator in self.indicators:
            field = _decimal(indicator.name, max_value=indicator.max_score, required=False)
            field.initial = scores.get(indicator.pk)
            self.fields[SCORE_FIELD.format(indicator.pk)] = field
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    def rows(self):
        """``(indicator, bound field)`` per indicator, in the set's order."""
        return [(i, self[SCORE_FIELD.format(i.pk)]) for i in self.indicators]

    def rating(self) -> str | None:
        """The chosen 满意度 of a simple-mode sheet (None when none is chosen)."""
        return self.cleaned_data.get("rating") or None

    def scores(self) -> dict[int, Decimal]:
        """``{indicator_id: value}`` of the filled-in indicators."""
        return {
            i.pk: self.cleaned_data[SCORE_FIELD.format(i.pk)]
            for i in self.indicators
            if self.cleaned_data.get(SCORE_FIELD.format(i.pk)) is not None
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's ``ValidationError`` on the form: a message that names an
        indicator (“name”) goes to that indicator's field, ``comment`` to the comment,
        anything else to the form."""
        messages = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for key, texts in messages.items():
            for text in texts:
                if key in ("comment", "rating") and key in self.fields:
                    field = key
                else:
                    field = self._field_named_in(text)
                self.add_error(field, text)

    def _field_named_in(self, text: str) -> str | None:
        for indicator in self.indicators:
            if f"“{indicator.name}”" in text:
                return SCORE_FIELD.format(indicator.pk)
        return None
