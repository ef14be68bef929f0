"""Forms of the "审定与发布" pages and of the public notice: they check the input's shape;
the services check rights and business rules."""

from django import forms
from django.utils import timezone

from arbitration.models import BatchDocumentKind, PartyDecision

from .services import party_key

# ISO dates: the browser's date input ignores a value in any other format.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

BODY_SUGGESTIONS = ("县委常委会", "县政府常务会议", "县委机构编制委员会", "县委全面深化改革委员会")


class BatchPrepareForm(forms.Form):
    """提请审定: a title and the waiting requests to put in the batch."""

    title = forms.CharField(label="批次名称", max_length=200)
    requests = forms.ModelMultipleChoiceField(label="待审定的申请（可多选）", queryset=None)

    def __init__(self, *args, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requests"].queryset = requests
        self.fields["requests"].label_from_instance = lambda p: f"{p}（{p.initiator}）"
        if not self.is_bound:
            today = timezone.localdate()
            self.fields["title"].initial = f"{today.year}年清单调整事项（{today:%m月%d日}提请）"


def party_field_name(process_id: int, key: str) -> str:
    """The form field of one party's decision: ``decision__<request>__<kind>_<pk>``."""
    return f"decision__{process_id}__{key.replace(':', '_')}"


# The item fields the leadership may amend (``arbitration.models.AMENDABLE_FIELDS``).
AMENDED_FIELDS = (
    ("title", "修改后事项名称", forms.TextInput),
    ("department_responsibilities", "修改后部门职责", forms.Textarea),
    ("local_responsibilities", "修改后属地职责", forms.Textarea),
    ("funding_amount", "修改后经费金额(万元)", None),
    ("funding_source", "修改后经费来源", forms.TextInput),
    ("staffing", "修改后人员保障", forms.Textarea),
    ("equipment", "修改后装备保障", forms.Textarea),
    ("remarks", "修改后备注", forms.Textarea),
)


def amended_field_name(process_id: int, name: str) -> str:
    return f"amended__{process_id}__{name}"


class BatchRecordForm(forms.Form):
    """登记审定结果: who decided, when, under which 文号, and per request and party the
    decision (按拟办意见 preselected), with the amended text where amended."""

    decided_by = forms.CharField(
        label="审定机关",
        max_length=100,
        error_messages={"required": "请填写审定机关。"},
        widget=forms.TextInput(attrs={"list": "qd-decision-bodies"}),
        help_text="如：" + "、".join(BODY_SUGGESTIONS),
    )
    meeting = forms.CharField(label="会议名称", max_length=200, required=False)
    meeting_date = forms.DateField(
        label="会议日期", widget=DATE_INPUT, error_messages={"required": "请填写会议日期。"}
    )
    document_number = forms.CharField(
        label="印发文号",
        max_length=100,
        help_text="如：清委办发〔2026〕12号",
        error_messages={"required": "请填写印发文号。"},
    )
    effective_date = forms.DateField(
        label="生效日期", widget=DATE_INPUT, error_messages={"required": "请填写生效日期。"}
    )
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    minutes = forms.FileField(label="会议纪要（可选，也可登记后上传）", required=False)

    def __init__(self, *args, entries, **kwargs):
        """``entries``: the batch's entries, each with ``process`` and its consultations."""
        super().__init__(*args, **kwargs)
        self.entry_fields = []
        for entry in entries:
            process = entry.process
            parties = []
            for consultation in process.consultations.all():
                key = party_key(consultation)
                name = party_field_name(process.pk, key)
                self.fields[name] = forms.ChoiceField(
                    label=f"申请 {process.label}：对“{consultation.party}”的审定意见",
                    choices=PartyDecision.choices,
                    initial=PartyDecision.AS_PROPOSED,
                    widget=forms.RadioSelect,
                )
                parties.append((key, name))
            amended = []
            for field, label, widget in AMENDED_FIELDS:
                name = amended_field_name(process.pk, field)
                if widget is None:
                    self.fields[name] = forms.DecimalField(
                        label=f"申请 {process.label}：{label}",
                        required=False,
                        max_digits=12,
                        decimal_places=2,
                        min_value=0,
                    )
                else:
                    attrs = {"rows": 2} if widget is forms.Textarea else {}
                    self.fields[name] = forms.CharField(
                        label=f"申请 {process.label}：{label}",
                        required=False,
                        widget=widget(attrs=attrs),
                    )
                amended.append((field, name))
            self.entry_fields.append((entry, parties, amended))

    def decisions(self) -> dict[int, dict[str, str]]:
        """``{request id: {party key: decision}}`` as the service takes it."""
        return {
            entry.process_id: {key: self.cleaned_data[name] for key, name in parties}
            for entry, parties, _ in self.entry_fields
        }

    def amendments(self) -> dict[int, dict]:
        """``{request id: {field: amended value}}`` (empty ones included; the service
        drops them)."""
        return {
            entry.process_id: {field: self.cleaned_data[name] for field, name in amended}
            for entry, _, amended in self.entry_fields
        }


class BatchDocumentForm(forms.Form):
    """Upload a document to a batch (会议纪要 or another file)."""

    kind = forms.ChoiceField(label="材料类型", choices=BatchDocumentKind.choices)
    file = forms.FileField(label="文件（PDF、Word、Excel 或图片，不超过 10 MB）")


class NoticeOpinionForm(forms.Form):
    """The public's opinion on a notice (公示意见): name and contact optional, plain text;
    ``website`` is a trap left empty by people (hidden from them) and filled by bots."""

    entry = forms.TypedChoiceField(label="针对的事项", coerce=int, required=False, empty_value=None)
    text = forms.CharField(
        label="意见内容",
        max_length=1000,
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 1000}),
        error_messages={
            "required": "请填写意见内容。",
            "min_length": "意见内容至少%(limit_value)d个字（现为%(show_value)d个字）。",
            "max_length": "意见内容不超过%(limit_value)d个字（现为%(show_value)d个字）。",
        },
    )
    name = forms.CharField(
        label="姓名（可不填）",
        max_length=50,
        required=False,
        error_messages={"max_length": "姓名不超过%(limit_value)d个字（现为%(show_value)d个字）。"},
    )
    contact = forms.CharField(
        label="联系方式（可不填）",
        max_length=100,
        required=False,
        error_messages={
            "max_length": "联系方式不超过%(limit_value)d个字（现为%(show_value)d个字）。"
        },
    )
    website = forms.CharField(
        label="请勿填写此项",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, changes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", "整批公示内容")] + [
            (change.entry_id, f"{change.kind_label}：{change.title}") for change in changes
        ]
