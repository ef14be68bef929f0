"""Query forms of the list pages: which list, and as of which date(s)."""

import datetime

from django import forms
from django.utils import timezone

from .models import Level


class ListChoiceForm(forms.Form):
    """Chooses a county (when the user sees several) and a level."""

    county = forms.ModelChoiceField(label="县(市、区)", queryset=None, empty_label=None)
    level = forms.ChoiceField(label="清单层级", choices=Level.choices)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties


class AsOfForm(ListChoiceForm):
    """A list as it stood at the end of one date (Asia/Shanghai)."""

    on_date = forms.DateField(label="查询日期", widget=forms.DateInput(attrs={"type": "date"}))

    def clean_on_date(self):
        value = self.cleaned_data["on_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("查询日期不能晚于今天。")
        return value


class DiffForm(ListChoiceForm):
    """Two dates to compare a list between."""

    date_from = forms.DateField(label="起始日期", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from >= date_to:
            self.add_error("date_to", "截止日期须晚于起始日期。")
        return cleaned


def default_initial(counties) -> dict:
    """Initial values: the first county, the township level, today and a year ago."""
    today = timezone.localdate()
    return {
        "county": counties.first(),
        "level": Level.TOWNSHIP,
        "on_date": today,
        "date_from": today - datetime.timedelta(days=365),
        "date_to": today,
    }


class ReleaseCompareForm(forms.Form):
    """Two releases of one list to compare (版本对比)."""

    first = forms.ModelChoiceField(label="起始版本", queryset=None)
    second = forms.ModelChoiceField(label="对比版本", queryset=None)

    def __init__(self, *args, releases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first"].queryset = releases
        self.fields["second"].queryset = releases
        for name in ("first", "second"):
            self.fields[name].label_from_instance = release_label

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("first"), cleaned.get("second")
        if first and second:
            if first.duty_list_id != second.duty_list_id:
                self.add_error("second", "只能对比同一清单的两个版本。")
            elif first.pk == second.pk:
                self.add_error("second", "请选择两个不同的版本。")
        return cleaned


def release_label(release) -> str:
    """A release as a choice: its list, number and 文号."""
    return f"{release.duty_list} {release}"
