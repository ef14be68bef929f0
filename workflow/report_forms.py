"""Forms and the list filter of the "清单外事项" pages. They check shapes only; the
services (``services.reporting``, ``arbitration.report_services``) check every rule."""

import django_filters
from django import forms

from arbitration.models import Channel, DepartmentAnswer, OffListReport, ReportRuling
from arbitration.report_services import GIVEN_ANSWERS
from duty_lists.models import DutyType
from organisations.models import Department, Township, Village

from .forms import MultipleFileField

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(forms.Form):
    """报告清单外事项: what was asked, by which department, when, how, and evidence."""

    township = forms.ModelChoiceField(label="报告乡镇(街道)", queryset=Township.objects.none())
    department = forms.ModelChoiceField(label="交办部门", queryset=Department.objects.none())
    assignment = forms.CharField(
        label="交办事项内容",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="部门要求本乡镇(街道)做什么（尽量写明原话、范围和时限）。",
    )
    assigned_on = forms.DateField(label="交办日期", widget=DATE_INPUT)
    channel = forms.ChoiceField(label="交办渠道", choices=Channel.choices)
    channel_detail = forms.CharField(
        label="渠道说明(文号、会议名称等)", max_length=200, required=False
    )
    evidence = MultipleFileField(
        label="证明材料",
        required=False,
        help_text="PDF、Word、Excel 或图片，每个不超过 10 MB，可多选。",
    )

    village = forms.ModelChoiceField(
        label="报告村(社区)",
        queryset=Village.objects.none(),
        help_text="村(社区)通过所属乡镇(街道)报告，乡镇(街道)可以看到报告。",
    )
    field_order = ["village", "township"]

    def __init__(self, *args, townships, departments, villages=None, **kwargs):
        """``townships`` the user heads, ``villages`` it acts for: a village user
        reports for its village (no township to choose), a township head for its
        township."""
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        villages = villages if villages is not None else Village.objects.none()
        both = bool(townships) and bool(villages)
        for name, units in (("township", townships), ("village", villages)):
            if not units:
                del self.fields[name]
                continue
            self.fields[name].queryset = units
            if len(units) == 1 and not both:
                self.fields[name].initial = units[0].pk
                self.fields[name].widget = forms.HiddenInput()
        if both:
            # A township head who also heads a village reports for the township unless
            # a village is chosen.
            self.fields["village"].required = False
            self.fields["township"].required = False


class EvidenceForm(forms.Form):
    """补充证明材料 to a report still in progress."""

    evidence = MultipleFileField(
        label="补充证明材料",
        required=False,
        help_text="PDF、Word、Excel 或图片，每个不超过 10 MB，可多选。",
    )


class AnswerForm(forms.Form):
    """部门答复: withdraw the demand, start an admission request, or dispute."""

    answer = forms.ChoiceField(
        label="答复",
        choices=[(value, DepartmentAnswer(value).label) for value in GIVEN_ANSWERS],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="答复理由", widget=forms.Textarea(attrs={"rows": 4}))


class RulingForm(forms.Form):
    """县委编办裁定; for a conversion, the item fields the report lacks."""

    ruling = forms.ChoiceField(
        label="裁定结果", choices=ReportRuling.choices, widget=forms.RadioSelect
    )
    reasoning = forms.CharField(label="裁定理由", widget=forms.Textarea(attrs={"rows": 4}))
    title = forms.CharField(
        label="事项名称", max_length=200, required=False, help_text="留空则取交办事项内容的首行"
    )
    category = forms.ModelChoiceField(label="领域类别", queryset=None, required=False)
    duty_type = forms.ChoiceField(
        label="履职类型", choices=[("", "—"), *DutyType.choices], required=False
    )
    department_responsibilities = forms.CharField(
        label="部门职责", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    local_responsibilities = forms.CharField(
        label="乡镇(街道)职责",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="留空则取交办事项内容",
    )
    basis = forms.CharField(
        label="实施依据", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    funding_amount = forms.DecimalField(
        label="经费金额(万元)", max_digits=12, decimal_places=2, min_value=0, required=False
    )
    funding_source = forms.CharField(
        label="经费来源", max_length=200, required=False, help_text="没有的填“无”（费随事转）。"
    )
    staffing = forms.CharField(label="人员保障", required=False, help_text="没有的填“无”。")
    equipment = forms.CharField(label="装备保障", required=False, help_text="没有的填“无”。")
    effective_date = forms.DateField(label="拟生效日期", required=False, widget=DATE_INPUT)
    remarks = forms.CharField(
        label="备注", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    ADMISSION_FIELDS = (
        "title",
        "category",
        "duty_type",
        "department_responsibilities",
        "local_responsibilities",
        "basis",
        "funding_amount",
        "funding_source",
        "staffing",
        "equipment",
        "effective_date",
        "remarks",
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories

    def admission_fields(self) -> dict:
        """The conversion's item fields as entered (the service checks them)."""
        return {name: self.cleaned_data.get(name) for name in self.ADMISSION_FIELDS}


STEP_CHOICES = [
    ("answer", "待部门答复"),
    ("rule", "待县委编办裁定"),
    ("done", "已办结"),
]


class ReportFilter(django_filters.FilterSet):
    """Filters of the report list: where it stands, ruling, answer, channel, units."""

    step = django_filters.ChoiceFilter(label="办理环节", choices=STEP_CHOICES, method="filter_step")
    ruling = django_filters.ChoiceFilter(label="裁定结果", choices=ReportRuling.choices)
    department_answer = django_filters.ChoiceFilter(
        label="部门答复", choices=DepartmentAnswer.choices
    )
    channel = django_filters.ChoiceFilter(label="交办渠道", choices=Channel.choices)
    department = django_filters.ModelChoiceFilter(label="交办部门", queryset=None)
    township = django_filters.ModelChoiceFilter(label="报告乡镇(街道)", queryset=None)

    class Meta:
        model = OffListReport
        fields = ["step", "ruling", "department_answer", "channel", "department", "township"]

    def __init__(self, *args, request=None, queryset=None, **kwargs):
        super().__init__(*args, request=request, queryset=queryset, **kwargs)
        visible = queryset if queryset is not None else OffListReport.objects.none()
        self.filters["department"].queryset = Department.objects.filter(
            pk__in=visible.values("department_id")
        ).order_by("code")
        self.filters["township"].queryset = Township.objects.filter(
            pk__in=visible.values("township_id")
        ).order_by("code")

    def filter_step(self, queryset, name, value):
        if value == "answer":
            return queryset.filter(department_answer="", finished__isnull=True)
        if value == "rule":
            return queryset.exclude(department_answer="").filter(ruling="")
        return queryset.exclude(ruling="")
