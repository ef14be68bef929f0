"""Forms of the change request pages. They only validate input shape; the services
check rights and business rules."""

from django import forms

from arbitration.models import Decision
from duty_lists.models import Category, DutyType, Level

from .models import ITEM_FIELDS, ChangeKind, ConsultationAnswer, LegalityDecision, ReviewDecision

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class ItemFieldsForm(forms.Form):
    """The proposed item fields shared by filing and revision."""

    title = forms.CharField(label="事项名称", max_length=200, required=False)
    category = forms.ChoiceField(
        label="领域类别", choices=[("", "—")] + Category.choices, required=False
    )
    duty_type = forms.ChoiceField(
        label="履职类型", choices=[("", "—")] + DutyType.choices, required=False
    )
    lead_department = forms.ModelChoiceField(label="牵头部门", queryset=None, required=False)
    department_responsibilities = forms.CharField(
        label="部门职责", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    local_responsibilities = forms.CharField(
        label="配合职责(乡镇/村/网格)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    basis = forms.CharField(
        label="实施依据", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    resources = forms.CharField(
        label="配套资源(经费/人员/装备)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    effective_date = forms.DateField(label="拟生效日期", widget=DATE_INPUT, required=False)
    applies_to_all = forms.BooleanField(label="适用本级全部单位", required=False)
    target_townships = forms.ModelMultipleChoiceField(
        label="涉及乡镇(街道)", queryset=None, required=False
    )
    reasons = forms.CharField(label="申请理由", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, departments, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = departments
        self.fields["target_townships"].queryset = townships

    def item_fields(self) -> dict:
        """The item field values entered (empty ones left out)."""
        return {
            name: self.cleaned_data[name]
            for name in ITEM_FIELDS
            if name in self.fields and self.cleaned_data.get(name) not in (None, "")
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploaded files in one field; cleans to a list (empty when none)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ChangeRequestForm(ItemFieldsForm):
    """A new request (提出申请).

    ``units`` (optional) are the units the user may file for: with more than one, a
    required "申请单位" choice keyed ``department:<pk>`` / ``township:<pk>`` is shown.
    ``kinds`` (optional) limits the request kinds offered.
    """

    unit = forms.ChoiceField(label="申请单位", required=False)
    kind = forms.ChoiceField(label="申请类型", choices=ChangeKind.choices)
    level = forms.ChoiceField(
        label="清单层级(新增时)", choices=[("", "—")] + Level.choices, required=False
    )
    target_item = forms.ModelChoiceField(
        label="涉及事项(修改或取消时)", queryset=None, required=False
    )
    attachments = MultipleFileField(
        label="附件（PDF、Word、Excel 或图片，每个不超过 10 MB，可多选）", required=False
    )
    field_order = ["unit", "kind", "level", "target_item"]

    def __init__(self, *args, items, units=(), kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_item"].queryset = items
        if kinds is not None:
            self.fields["kind"].choices = [
                (value, label) for value, label in ChangeKind.choices if value in kinds
            ]
        if len(units) > 1:
            self.fields["unit"].required = True
            self.fields["unit"].choices = [("", "—")] + [
                (unit_key(unit), str(unit)) for unit in units
            ]
        else:
            del self.fields["unit"]


def unit_key(unit) -> str:
    """The form key of a filing unit: ``department:<pk>`` or ``township:<pk>``."""
    return f"{type(unit).__name__.lower()}:{unit.pk}"


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="审查意见", choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="审查说明(退回或不予受理时必填)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ConsultForm(forms.Form):
    answer = forms.ChoiceField(
        label="意见",
        choices=[
            (ConsultationAnswer.ACCEPT, ConsultationAnswer.ACCEPT.label),
            (ConsultationAnswer.CONTEST, ConsultationAnswer.CONTEST.label),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="理由(有异议时必填)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    counter_proposal = forms.CharField(
        label="修改建议", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    stamped_reply = forms.FileField(
        label="盖章意见(可选)",
        required=False,
        help_text="加盖公章的书面意见：PDF 或图片（扫描件、照片），不超过 10 MB。",
    )


class LegalityReviewForm(forms.Form):
    """合法性审查: pass, or return for revision with what is unlawful."""

    decision = forms.ChoiceField(
        label="审查意见", choices=LegalityDecision.choices, widget=forms.RadioSelect
    )
    opinion = forms.CharField(
        label="审查说明(退回修改时必填)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class RulingForm(forms.Form):
    """拟办意见: one proposed decision per contested party, plus reasoning and optional
    amended text."""

    reasoning = forms.CharField(label="拟办理由", widget=forms.Textarea(attrs={"rows": 3}))
    meeting_record = forms.CharField(
        label="协调会记录(可选)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    amended_title = forms.CharField(label="修改后事项名称", required=False)
    amended_department_responsibilities = forms.CharField(
        label="修改后部门职责", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    amended_local_responsibilities = forms.CharField(
        label="修改后配合职责", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    amended_resources = forms.CharField(
        label="修改后配套资源", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, parties: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.party_fields = []
        for key, label in parties:
            name = "decision__" + key.replace(":", "_")
            self.fields[name] = forms.ChoiceField(
                label=f"对“{label}”的拟办意见",
                choices=Decision.choices,
                widget=forms.RadioSelect,
            )
            self.party_fields.append((key, name))
        self.order_fields([name for _, name in self.party_fields] + ["reasoning"])

    def decisions(self) -> dict[str, str]:
        return {key: self.cleaned_data[name] for key, name in self.party_fields}

    def amendments(self) -> dict[str, str]:
        return {
            name.removeprefix("amended_"): self.cleaned_data[name]
            for name in (
                "amended_title",
                "amended_department_responsibilities",
                "amended_local_responsibilities",
                "amended_resources",
            )
        }


class ReviseForm(ItemFieldsForm):
    """修改后重新提交: the item fields, plus files to add and attachments to remove."""

    attachments = MultipleFileField(
        label="添加附件",
        required=False,
        help_text="PDF、Word、Excel 或图片，每个不超过 10 MB，可多选。",
    )
    remove_attachments = forms.ModelMultipleChoiceField(
        label="删除附件",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="勾选要删除的已上传附件。",
    )

    def __init__(self, *args, attachments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove_attachments"].queryset = attachments
        if not attachments:
            del self.fields["remove_attachments"]
