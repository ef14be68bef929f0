"""Query forms of the list pages: which list, and as of which date(s)."""

import datetime

from django import forms
from django.utils import timezone

from .models import DutyList, Level, Release


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


class ListDocumentForm(ListChoiceForm):
    """Which document (清单文件) to download: a county's level, optionally one township's
    or one department's part, as of today or of a release number, in a file format.

    ``cleaned_data`` gains ``duty_list`` (the county's list of that level) and
    ``release`` (a ``Release`` or None).
    """

    township = forms.ModelChoiceField(
        label="乡镇(街道)", queryset=None, required=False, empty_label="（整张清单）"
    )
    department = forms.ModelChoiceField(
        label="部门(牵头和协同事项)", queryset=None, required=False, empty_label="（整张清单）"
    )
    release = forms.IntegerField(
        label="发布版本号", required=False, min_value=1, help_text="留空为现行清单。"
    )
    file = forms.ChoiceField(
        label="文件格式",
        choices=[("xlsx", "Excel"), ("pdf", "PDF"), ("html", "打印版")],
        initial="xlsx",
    )

    def __init__(self, *args, townships, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
        self.fields["department"].queryset = departments

    def clean(self):
        cleaned = super().clean()
        county, level = cleaned.get("county"), cleaned.get("level")
        township, department = cleaned.get("township"), cleaned.get("department")
        if township and department:
            self.add_error("department", "乡镇(街道)和部门只能选择一项。")
        if county and township and township.county_id != county.pk:
            self.add_error("township", "该乡镇(街道)不属于所选县(市、区)。")
        if county and department and department.county_id != county.pk:
            self.add_error("department", "该部门不属于所选县(市、区)。")
        if not (county and level):
            return cleaned
        duty_list = DutyList.objects.filter(county=county, level=level).select_related("county")
        cleaned["duty_list"] = duty_list.first()
        if cleaned["duty_list"] is None:
            self.add_error("level", "该县(市、区)没有这一层级的清单。")
            return cleaned
        number = cleaned.get("release")
        cleaned["release"] = None
        if number:
            cleaned["release"] = Release.objects.filter(
                duty_list=cleaned["duty_list"], number=number
            ).first()
            if cleaned["release"] is None:
                self.add_error("release", f"该清单没有第{number}版。")
        return cleaned


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
