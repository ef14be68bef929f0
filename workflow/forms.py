"""Forms of the change request pages. They only validate input shape; the services
check rights and business rules."""

from django import forms

from arbitration.models import AMENDABLE_FIELDS, Decision
from duty_lists.columns import parse_cooperation
from duty_lists.models import NONE_MARK, DutyType, ItemKind, Level, PrimaryResponsibility
from organisations.models import Village

from .models import (
    COOPERATION_FIELD,
    ITEM_FIELDS,
    ChangeKind,
    ConsultationAnswer,
    LegalityDecision,
    ReviewDecision,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
NONE_HELP = "没有的填“无”（费随事转：新增事项时经费、人员、装备必须写明）。"


class CooperationField(forms.CharField):
    """协同部门及职责 as text, one line per department: "部门名称：协同职责" (the form of a
    published list's 协同部门(及职责) cell). Cleans to a list of (Department, duties)
    pairs, or ``[]`` for "无" (no cooperating department), or ``None`` when empty
    (unchanged). ``departments`` are the departments a name may be."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *args, **kwargs):
        self.departments = None
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        if text == NONE_MARK:
            return []
        try:
            pairs = parse_cooperation(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        by_name: dict[str, list] = {}
        for department in self.departments or ():
            by_name.setdefault(department.name, []).append(department)
        cleaned, problems = [], []
        for name, duties in pairs:
            found = by_name.get(name, [])
            if len(found) != 1:
                problems.append(f"“{name}”不是本县的部门（请写部门全称）。")
                continue
            cleaned.append((found[0], duties))
        if problems:
            raise forms.ValidationError(problems)
        return cleaned


class ItemFieldsForm(forms.Form):
    """The proposed item fields shared by filing and revision."""

    title = forms.CharField(label="事项名称", max_length=200, required=False)
    item_kind = forms.ChoiceField(
        label="事项类型",
        choices=[("", "履职事项(默认)")] + ItemKind.choices,
        required=False,
        help_text="证明事项、机制牌子只列入村(社区)清单。",
    )
    category = forms.ModelChoiceField(label="领域类别", queryset=None, required=False)
    duty_type = forms.ChoiceField(
        label="履职类型",
        choices=[("", "—")] + DutyType.choices,
        required=False,
        help_text="上级部门收回只用于乡镇(街道)清单，不应承担事项只用于村(社区)和网格清单。",
    )
    primary_responsibility = forms.ChoiceField(
        label="主体责任",
        choices=[("", "按履职类型(基本履职为属地，其余为部门)")] + PrimaryResponsibility.choices,
        required=False,
    )
    lead_department = forms.ModelChoiceField(label="牵头部门", queryset=None, required=False)
    department_responsibilities = forms.CharField(
        label="部门职责", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    cooperation = CooperationField(
        label="协同部门及职责",
        required=False,
        help_text="每行一个部门：“部门名称：协同职责”；填“无”表示没有协同部门。",
    )
    local_responsibilities = forms.CharField(
        label="属地职责(乡镇(街道)职责/村(社区)职责/网格职责)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    basis = forms.CharField(
        label="实施依据", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    accountability = forms.CharField(
        label="追责情形", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    exemption = forms.CharField(
        label="免责情形", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    work_requirements = forms.CharField(
        label="工作要求/时限", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    funding_amount = forms.DecimalField(
        label="经费金额(万元)",
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    funding_source = forms.CharField(
        label="经费来源", max_length=200, required=False, help_text=NONE_HELP
    )
    staffing = forms.CharField(
        label="人员保障",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=NONE_HELP,
    )
    equipment = forms.CharField(
        label="装备保障",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=NONE_HELP,
    )
    remarks = forms.CharField(
        label="备注", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    guidance_code = forms.CharField(
        label="指导目录编码",
        max_length=64,
        required=False,
        help_text="省级指导目录中对应事项的编码（如有）。",
    )
    effective_date = forms.DateField(label="拟生效日期", widget=DATE_INPUT, required=False)
    expires_on = forms.DateField(
        label="临时事项有效期至",
        widget=DATE_INPUT,
        required=False,
        help_text="只用于临时事项：到期次日自动取消；长期事项留空。",
    )
    applies_to_all = forms.BooleanField(label="适用本级全部单位", required=False)
    target_townships = forms.ModelMultipleChoiceField(
        label="涉及乡镇(街道)", queryset=None, required=False
    )
    target_villages = forms.ModelMultipleChoiceField(
        label="适用村(社区)(村、网格清单)", queryset=None, required=False
    )
    village_kind = forms.ChoiceField(
        label="适用村(社区)类型(村、网格清单)",
        choices=[("", "村和社区")] + Village.Kind.choices,
        required=False,
    )
    reasons = forms.CharField(label="申请理由", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, departments, townships, categories, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = departments
        self.fields["cooperation"].departments = departments
        self.fields["target_townships"].queryset = townships
        self.fields["category"].queryset = categories
        if villages is None:
            villages = Village.objects.filter(township__in=townships)
        self.fields["target_villages"].queryset = villages.select_related("township").order_by(
            "township__code", "code"
        )
        self.fields["target_villages"].label_from_instance = village_label

    def item_fields(self) -> dict:
        """The item field values entered (empty ones left out), with ``cooperation``
        (a list of (Department, duties) pairs) when the text was filled in."""
        values = {
            name: self.cleaned_data[name]
            for name in ITEM_FIELDS
            if name in self.fields and self.cleaned_data.get(name) not in (None, "")
        }
        if self.cleaned_data.get(COOPERATION_FIELD) is not None:
            values[COOPERATION_FIELD] = self.cleaned_data[COOPERATION_FIELD]
        return values


def village_label(village) -> str:
    """A village as a choice: "城关街道 东门社区"."""
    return f"{village.township.name} {village.name}"


LEVEL_CHOICES = [("", "—")] + Level.choices


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
    level = forms.ChoiceField(label="清单层级(新增时)", choices=LEVEL_CHOICES, required=False)
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
        label="修改后属地职责", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    amended_funding_amount = forms.DecimalField(
        label="修改后经费金额(万元)", max_digits=12, decimal_places=2, min_value=0, required=False
    )
    amended_funding_source = forms.CharField(label="修改后经费来源", max_length=200, required=False)
    amended_staffing = forms.CharField(
        label="修改后人员保障", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    amended_equipment = forms.CharField(
        label="修改后装备保障", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    amended_remarks = forms.CharField(
        label="修改后备注", widget=forms.Textarea(attrs={"rows": 2}), required=False
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

    def amendments(self) -> dict:
        """The amended item values entered (``arbitration.models.AMENDABLE_FIELDS``)."""
        return {
            name: self.cleaned_data[f"amended_{name}"]
            for name in AMENDABLE_FIELDS
            if self.cleaned_data.get(f"amended_{name}") not in (None, "")
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
