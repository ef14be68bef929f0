"""Serializers of change requests: filing one, and a request as a list row or in full
with its answers, ruling and trail (the task serializers are in ``task_serializers``).

Input serializers only check shapes and types; every business rule (who may act, which
fields a kind needs, …) stays in ``workflow.services``, whose ``ValidationError`` the
API returns as a 400 naming the field.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse
from viewflow.workflow.status import STATUS

from arbitration.models import PartyDecision, Ruling, RulingDecision
from config.api_fields import ChoiceLabelField
from duty_lists.api import CategorySerializer, CooperationSerializer, UnitSerializer
from duty_lists.models import (
    Category,
    DutyItem,
    DutyType,
    ItemKind,
    Level,
    PrimaryResponsibility,
)
from organisations.api import ActorSerializer, actor_data
from organisations.models import Department, Township, Village

from ..models import (
    COOPERATION_FIELD,
    ITEM_FIELDS,
    Attachment,
    ChangeKind,
    ChangeRequestProcess,
    Consultation,
    LegalityReview,
    PublicationBasis,
    ReviewDecision,
)
from ..services import party_key
from ..services.filing import REQUIRED_FOR_ADD, request_cooperations
from .fields import IdField, UnitRefField, tag_field
from .queries import task_party


class PartySerializer(serializers.Serializer):
    """A unit acting in a request: a department or a township."""

    type = serializers.ChoiceField(
        choices=[("department", "部门"), ("township", "乡镇(街道)")],
        read_only=True,
        help_text="单位类型：department 部门 / township 乡镇(街道)",
    )
    id = serializers.IntegerField(read_only=True, help_text="单位 id")
    name = serializers.CharField(read_only=True, help_text="单位名称")


def party_data(unit) -> dict | None:
    """``PartySerializer`` data of a Department or Township (None stays None)."""
    if unit is None:
        return None
    kind = "township" if isinstance(unit, Township) else "department"
    return {"type": kind, "id": unit.pk, "name": unit.name}


def task_party_data(task, names: dict[tuple[str, int], str]) -> dict | None:
    """``PartySerializer`` data of a consultation task's party (None for other tasks);
    ``names`` as returned by ``workflow.selectors.party_names``."""
    party = task_party(task)
    if party is None:
        return None
    return {"type": party[0], "id": party[1], "name": names.get(party, "")}


# How a person is shown: an actor object, or null where nobody acted (yet).
actor_field = extend_schema_field(ActorSerializer)
nullable_actor_field = extend_schema_field(ActorSerializer(allow_null=True))


class CooperationInputSerializer(serializers.Serializer):
    """A cooperating department (协同部门) proposed for the item, with its duties."""

    department = IdField(
        kind="部门", queryset=Department.objects.all(), help_text="协同部门 id（本县部门）"
    )
    responsibilities = serializers.CharField(
        allow_blank=True, help_text="该部门的协同职责（不能为空）"
    )


NONE_HELP = (
    "；没有的填“无”（费随事转：部门申请新增事项时不能为空，乡镇(街道)申请新增时可为空字符串）"
)
# 配套保障 an addition states (费随事转): the service refuses a department's addition
# that leaves one empty, so every addition body carries them.
RESOURCE_FIELDS = ("funding_source", "staffing", "equipment")


class ItemFieldsSerializer(serializers.Serializer):
    """The proposed item fields of a request (事项内容). Optional here; the filing body
    of an addition marks the ones it needs required (``AddFilingSerializer``: among
    them 经费来源, 人员 and 装备, which a department's addition must state, each "无" if
    there is none)."""

    code = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text="事项编码（新增时可留空）"
    )
    title = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="事项名称"
    )
    item_kind = serializers.ChoiceField(
        choices=ItemKind.choices,
        required=False,
        allow_blank=True,
        help_text="事项类型：duty 履职事项（默认）/ certificate 证明事项 / mechanism 机制牌子"
        "（后两类只用于村(社区)清单）",
    )
    category = IdField(
        kind="领域类别",
        queryset=Category.objects.all(),
        required=False,
        help_text="领域类别 id（本县的类别，见 /api/items/ 的 category）",
    )
    duty_type = serializers.ChoiceField(
        choices=DutyType.choices,
        required=False,
        help_text=(
            "履职类型；taken_back 只用于乡镇(街道)清单，negative 不应承担事项只用于村、网格清单"
        ),
    )
    primary_responsibility = serializers.ChoiceField(
        choices=PrimaryResponsibility.choices,
        required=False,
        allow_blank=True,
        help_text="主体责任：department 部门 / local 属地；留空按履职类型（基本履职为属地）",
    )
    lead_department = IdField(
        kind="部门",
        queryset=Department.objects.all(),
        required=False,
        help_text="牵头部门 id；部门新增事项时默认为申请部门，乡镇新增事项时必填",
    )
    department_responsibilities = serializers.CharField(
        required=False, allow_blank=True, help_text="部门职责"
    )
    cooperation = CooperationInputSerializer(
        many=True,
        required=False,
        help_text="协同部门及各自的协同职责（按顺序）；修改事项时给出则整体替换，[] 为不设协同部门",
    )
    local_responsibilities = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="属地职责：乡镇(街道)职责 / 村(社区)职责 / 网格职责（职责边界）",
    )
    basis = serializers.CharField(required=False, allow_blank=True, help_text="实施依据")
    accountability = serializers.CharField(required=False, allow_blank=True, help_text="追责情形")
    exemption = serializers.CharField(required=False, allow_blank=True, help_text="免责情形")
    work_requirements = serializers.CharField(
        required=False, allow_blank=True, help_text="工作要求/时限"
    )
    funding_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="经费金额（万元）；部门申请新增事项时经费来源不是“无”则必填，为“无”时不填",
    )
    funding_source = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="经费来源" + NONE_HELP
    )
    staffing = serializers.CharField(
        required=False, allow_blank=True, help_text="人员保障" + NONE_HELP
    )
    equipment = serializers.CharField(
        required=False, allow_blank=True, help_text="装备保障" + NONE_HELP
    )
    remarks = serializers.CharField(required=False, allow_blank=True, help_text="备注")
    guidance_code = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text="指导目录编码（如有）"
    )
    effective_date = serializers.DateField(required=False, help_text="拟生效日期 YYYY-MM-DD")
    expires_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="临时事项的有效期（最后一天）YYYY-MM-DD，到期次日自动取消；长期事项不填",
    )

    def item_fields(self) -> dict:
        """The item fields the client sent; absent ones are left out. ``cooperation``
        becomes a list of (Department, duties) pairs."""
        names = ItemFieldsSerializer._declared_fields
        fields = {
            name: value
            for name, value in self.validated_data.items()
            if name in names and name != COOPERATION_FIELD
        }
        if COOPERATION_FIELD in self.validated_data:
            fields[COOPERATION_FIELD] = [
                (row["department"], row["responsibilities"])
                for row in self.validated_data[COOPERATION_FIELD]
            ]
        return fields


class ApplicabilityInputMixin(serializers.Serializer):
    """Villages and village kind of an item of a village or grid list."""

    target_villages = IdField(
        kind="村(社区)",
        queryset=Village.objects.all(),
        many=True,
        required=False,
        help_text="适用村(社区) id 列表（村、网格清单；与乡镇可同时给出）",
    )
    village_kind = serializers.ChoiceField(
        choices=Village.Kind.choices,
        required=False,
        allow_blank=True,
        help_text="只适用于村（village）或只适用于社区（community）；不填为两者（村、网格清单）",
    )


class RequiredFieldsMixin:
    """Marks the fields named in ``required_fields`` required (a field declared once for
    several bodies is required in some of them only)."""

    required_fields: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        for name in self.required_fields:
            fields[name].required = True
        return fields


class RequestFilingSerializer(RequiredFieldsMixin, serializers.Serializer):
    """What every body of ``POST /api/requests/`` has; one variant per ``kind``
    (``FILING_SERIALIZERS``)."""

    initiator = UnitRefField(
        help_text=(
            '申请单位：{"type": "department", "id": 部门 id} 或 '
            '{"type": "township", "id": 乡镇(街道) id}（乡镇可申请新增本乡镇的事项，或修改、'
            "取消适用于本乡镇的事项）；可用的单位见 /api/me/ 的 rights.file_requests_for"
        )
    )
    reasons = serializers.CharField(allow_blank=True, help_text="申请理由（不能为空）")

    def item_fields(self) -> dict:
        """The item fields the client sent (none in this body)."""
        return {}

    def service_arguments(self) -> dict:
        """Keyword arguments of ``services.change_request_file`` (without ``actor``)."""
        data = self.validated_data
        unit = data["initiator"]
        is_township = isinstance(unit, Township)
        target_item = data.get("target_item")
        applies_to_all = data.get("applies_to_all", False)
        townships = data.get("target_townships", [])
        villages = data.get("target_villages", [])
        village_kind = data.get("village_kind", "")
        scope_fields = {"applies_to_all", "target_townships", "target_villages", "village_kind"}
        if target_item is not None and not (scope_fields & set(data)):
            # An amendment that does not mention the scope keeps the item's.
            applies_to_all = target_item.applies_to_all
            townships = list(target_item.townships.all())
            villages = list(target_item.villages.all())
            village_kind = target_item.village_kind
        return {
            "county": unit.county,
            "kind": data["kind"],
            "level": data.get("level"),
            "department": None if is_township else unit,
            "township": unit if is_township else None,
            "target_item": target_item,
            "fields": self.item_fields(),
            "applies_to_all": applies_to_all,
            "target_townships": townships,
            "target_villages": villages,
            "village_kind": village_kind,
            "reasons": data["reasons"],
        }


def target_item_field() -> IdField:
    return IdField(
        kind="事项",
        queryset=DutyItem.objects.select_related("duty_list"),
        help_text="要修改或取消的事项 id（本县的有效事项）",
    )


def applies_to_all_field(help_text: str) -> serializers.BooleanField:
    return serializers.BooleanField(required=False, help_text=help_text)


def target_townships_field(**kwargs) -> IdField:
    return IdField(kind="乡镇(街道)", queryset=Township.objects.all(), many=True, **kwargs)


class AddFilingSerializer(ApplicabilityInputMixin, ItemFieldsSerializer, RequestFilingSerializer):
    """新增事项 (``kind`` add): the item's fields, the level and the townships (and, on
    village and grid lists, villages) it applies to. A department's lead department
    defaults to it and it must state its 配套保障 (经费来源, 人员, 装备; "无" if none,
    and the amount unless the source is "无"); a township asks for an item of its own
    (its townships: itself) and must name the lead department. The service checks
    those (errors under the field)."""

    kind = tag_field(ChangeKind.ADD, ChangeKind.ADD.label)
    level = serializers.ChoiceField(choices=Level.choices, help_text="清单层级")
    applies_to_all = applies_to_all_field("适用本级全部乡镇(街道)；默认否")
    target_townships = target_townships_field(
        allow_empty=True,
        help_text=(
            "涉及乡镇(街道) id 列表；适用全部时给出空列表 []，否则至少一个；"
            "乡镇(街道)申请新增时只能是本乡镇(街道)"
        ),
    )
    # The service's list of what an addition needs, less the lead department (the
    # filing department by default), and the parts of 配套保障 (blank for a township).
    required_fields = (
        *(name for name in REQUIRED_FOR_ADD if name != "lead_department"),
        *RESOURCE_FIELDS,
    )


class AmendFilingSerializer(ApplicabilityInputMixin, ItemFieldsSerializer, RequestFilingSerializer):
    """修改事项 (``kind`` amend): the item and only the fields that change; omitted
    fields, and the scope when none of ``applies_to_all``, ``target_townships``,
    ``target_villages`` and ``village_kind`` is given, keep the item's values. A
    township may ask to amend an item that applies to it."""

    kind = tag_field(ChangeKind.AMEND, ChangeKind.AMEND.label)
    target_item = target_item_field()
    applies_to_all = applies_to_all_field("适用本级全部乡镇(街道)；省略时沿用现行范围")
    target_townships = target_townships_field(
        required=False, help_text="涉及乡镇(街道) id 列表；省略时沿用现行范围"
    )


class WithdrawFilingSerializer(RequestFilingSerializer):
    """取消事项 (``kind`` withdraw): the item to withdraw; it keeps its scope. A township
    may ask to withdraw an item that applies to it."""

    kind = tag_field(ChangeKind.WITHDRAW, ChangeKind.WITHDRAW.label)
    target_item = target_item_field()


# The body of ``POST /api/requests/`` for each ``kind``.
FILING_SERIALIZERS: dict[str, type[RequestFilingSerializer]] = {
    ChangeKind.ADD.value: AddFilingSerializer,
    ChangeKind.AMEND.value: AmendFilingSerializer,
    ChangeKind.WITHDRAW.value: WithdrawFilingSerializer,
}


class FilingKindSerializer(serializers.Serializer):
    """The discriminator of a filing body, read before the body itself."""

    kind = serializers.ChoiceField(
        choices=ChangeKind.choices, help_text="申请类型：add 新增 / amend 修改 / withdraw 取消"
    )


class ChangeRequestListSerializer(serializers.ModelSerializer):
    """A request as a list row."""

    id = serializers.IntegerField(read_only=True, help_text="申请 id（即流程 id）")
    url = serializers.SerializerMethodField(help_text="本申请的接口地址")
    status = serializers.ChoiceField(
        choices=ChangeRequestProcess._meta.get_field("status").choices,
        read_only=True,
        help_text="流程状态：NEW 办理中 / DONE 已办结 / CANCELED 已撤销",
    )
    outcome = serializers.ChoiceField(
        choices=ChangeRequestProcess._meta.get_field("outcome").choices,
        read_only=True,
        help_text=(
            "办理结果：pending 办理中 / published 已发布 / rejected 未准入 / "
            "not_adopted 审定不予采纳"
        ),
    )
    outcome_label = ChoiceLabelField("outcome", help_text="办理结果（中文）")
    kind_label = ChoiceLabelField("kind", help_text="申请类型（中文）")
    number = serializers.CharField(
        read_only=True, help_text="申请编号（SQ-年份-序号，按县、年编号，提出时给定）"
    )
    subject = serializers.CharField(
        source="subject_line", read_only=True, help_text="申请摘要（申请类型和事项名称）"
    )
    county = UnitSerializer(read_only=True, help_text="所属县")
    initiator = serializers.SerializerMethodField(help_text="申请单位")
    requested_by = serializers.SerializerMethodField(help_text="申请人")
    created = serializers.DateTimeField(read_only=True, help_text="提出时间")
    finished = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="办结时间；办理中为空"
    )

    class Meta:
        model = ChangeRequestProcess
        fields = [
            "id",
            "number",
            "url",
            "kind",
            "kind_label",
            "level",
            "subject",
            "county",
            "initiator",
            "requested_by",
            "status",
            "outcome",
            "outcome_label",
            "created",
            "finished",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, process) -> str:
        return reverse("api:request-detail", args=[process.pk], request=self.context["request"])

    @extend_schema_field(PartySerializer)
    def get_initiator(self, process) -> dict | None:
        return party_data(process.initiator)

    @actor_field
    def get_requested_by(self, process) -> dict:
        return actor_data(process.requested_by)


class StampedReplySerializer(serializers.Serializer):
    """A consulted party's stamped letter (盖章意见)."""

    id = serializers.IntegerField(read_only=True, help_text="盖章意见 id")
    name = serializers.CharField(source="original_name", read_only=True, help_text="原文件名")
    content_type = serializers.CharField(read_only=True, help_text="文件类型")
    size = serializers.IntegerField(read_only=True, help_text="大小（字节）")
    download = serializers.SerializerMethodField(help_text="下载地址")

    @extend_schema_field(OpenApiTypes.URI)
    def get_download(self, reply) -> str:
        return reverse(
            "api:request-stamped-reply",
            args=[reply.consultation.process_id, reply.pk],
            request=self.context.get("request"),
        )


class ConsultationSerializer(serializers.ModelSerializer):
    """One consulted party's answer (征求意见答复)."""

    party = serializers.SerializerMethodField(help_text="被征求意见单位")
    party_key = serializers.SerializerMethodField(
        help_text="裁定时使用的单位键：township:<id> 或 department:<id>"
    )
    answer_label = ChoiceLabelField("answer", help_text="意见（中文）")
    answered_by = serializers.SerializerMethodField(help_text="答复人；未答复或逾期时为空")
    stamped_reply = serializers.SerializerMethodField(help_text="盖章意见；未附时为空")

    class Meta:
        model = Consultation
        fields = [
            "id",
            "party",
            "party_key",
            "answer",
            "answer_label",
            "reason",
            "counter_proposal",
            "stamped_reply",
            "answered_by",
            "answered_at",
        ]
        read_only_fields = fields

    @extend_schema_field(PartySerializer)
    def get_party(self, consultation) -> dict:
        return party_data(consultation.party)

    def get_party_key(self, consultation) -> str:
        return party_key(consultation)

    @extend_schema_field(StampedReplySerializer(allow_null=True))
    def get_stamped_reply(self, consultation) -> dict | None:
        reply = getattr(consultation, "stamped_reply", None)
        if reply is None:
            return None
        return StampedReplySerializer(reply, context=self.context).data

    @nullable_actor_field
    def get_answered_by(self, consultation) -> dict | None:
        return actor_data(consultation.answered_by)


class RulingDecisionSerializer(serializers.ModelSerializer):
    """The ruling's decision for one party."""

    party = serializers.SerializerMethodField(help_text="裁定涉及的单位")
    party_key = serializers.SerializerMethodField(help_text="township:<id> 或 department:<id>")
    decision_label = ChoiceLabelField("decision", help_text="裁定结果（中文）")

    class Meta:
        model = RulingDecision
        fields = ["party", "party_key", "decision", "decision_label"]
        read_only_fields = fields

    @extend_schema_field(PartySerializer)
    def get_party(self, row) -> dict:
        return party_data(row.township or row.department)

    def get_party_key(self, row) -> str:
        return party_key(row)


class AmendmentsSerializer(serializers.Serializer):
    """Item text rewritten by a ruling ("修改后准入"); only filled fields count."""

    title = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="修改后事项名称"
    )
    department_responsibilities = serializers.CharField(
        required=False, allow_blank=True, help_text="修改后部门职责"
    )
    local_responsibilities = serializers.CharField(
        required=False, allow_blank=True, help_text="修改后属地职责"
    )
    funding_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="修改后经费金额（万元）",
    )
    funding_source = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="修改后经费来源"
    )
    staffing = serializers.CharField(required=False, allow_blank=True, help_text="修改后人员保障")
    equipment = serializers.CharField(required=False, allow_blank=True, help_text="修改后装备保障")
    remarks = serializers.CharField(required=False, allow_blank=True, help_text="修改后备注")


class RulingSerializer(serializers.ModelSerializer):
    """The county office's proposed ruling (拟办意见)."""

    ruled_by = serializers.SerializerMethodField(help_text="拟办人")
    decisions = RulingDecisionSerializer(
        source="decisions_shown",
        many=True,
        read_only=True,
        help_text="逐单位拟办意见（乡镇只能看到对本乡镇的拟办意见）",
    )
    amendments = serializers.SerializerMethodField(help_text="修改后准入的事项内容")

    class Meta:
        model = Ruling
        fields = ["ruled_by", "ruled_at", "reasoning", "meeting_record", "decisions", "amendments"]
        read_only_fields = fields

    @actor_field
    def get_ruled_by(self, ruling) -> dict:
        return actor_data(ruling.ruled_by)

    @extend_schema_field(AmendmentsSerializer)
    def get_amendments(self, ruling) -> dict:
        return ruling.amendments()


class LegalityReviewSerializer(serializers.ModelSerializer):
    """A legality review (合法性审查) of the request."""

    department = serializers.CharField(source="department.name", read_only=True)
    decision_label = ChoiceLabelField("decision")
    reviewed_by = serializers.SerializerMethodField(help_text="审查人")

    class Meta:
        model = LegalityReview
        fields = ["department", "decision", "decision_label", "opinion", "reviewed_by"]
        fields += ["reviewed_at"]
        read_only_fields = fields

    @actor_field
    def get_reviewed_by(self, review) -> dict:
        return actor_data(review.reviewed_by)


class PartyDecisionSerializer(serializers.Serializer):
    """The leadership's decision for one party."""

    party = PartySerializer(read_only=True, help_text="单位")
    party_key = serializers.CharField(read_only=True, help_text="township:<id> 或 department:<id>")
    decision = serializers.ChoiceField(
        choices=PartyDecision.choices,
        read_only=True,
        help_text="as_proposed 按拟办意见 / amended 修改后通过 / not_adopted 不予采纳",
    )


class RequestDecisionSerializer(serializers.Serializer):
    """The county leadership's decision on the request (审定), as recorded in its batch."""

    batch = serializers.IntegerField(read_only=True, help_text="审定批次 id")
    recorded = serializers.BooleanField(read_only=True, help_text="是否已登记审定结果")
    decided_by = serializers.CharField(read_only=True, help_text="审定机关；未审定为空")
    meeting_date = serializers.DateField(read_only=True, allow_null=True, help_text="会议日期")
    document_number = serializers.CharField(read_only=True, help_text="文号；未审定为空")
    effective_date = serializers.DateField(read_only=True, allow_null=True, help_text="生效日期")
    decisions = PartyDecisionSerializer(
        many=True, read_only=True, help_text="逐单位审定意见（乡镇只能看到对本乡镇的审定）"
    )
    amendments = AmendmentsSerializer(read_only=True, help_text="审定修改后的事项内容")


def request_decision_data(entry) -> dict | None:
    """``RequestDecisionSerializer`` data of a batch entry (see ``decision_of``)."""
    if entry is None:
        return None
    batch = entry.batch
    return {
        "batch": batch.pk,
        "recorded": batch.is_decided,
        "decided_by": batch.decided_by,
        "meeting_date": batch.meeting_date,
        "document_number": batch.document_number,
        "effective_date": batch.effective_date,
        "decisions": [
            {"party": party_data(row.party), "party_key": party_key(row), "decision": row.decision}
            for row in entry.decisions_shown
        ],
        "amendments": entry.amendments(),
    }


class AttachmentSerializer(serializers.ModelSerializer):
    """A file filed with a request (材料附件)."""

    name = serializers.CharField(source="original_name", read_only=True, help_text="原文件名")
    uploaded_by = serializers.SerializerMethodField(help_text="上传人")
    download = serializers.SerializerMethodField(help_text="下载地址")

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
        fields += ["download"]
        read_only_fields = fields

    @actor_field
    def get_uploaded_by(self, attachment) -> dict:
        return actor_data(attachment.uploaded_by)

    @extend_schema_field(OpenApiTypes.URI)
    def get_download(self, attachment) -> str:
        return reverse(
            "api:request-attachment",
            args=[attachment.process_id, attachment.pk],
            request=self.context["request"],
        )


class AttachmentUploadSerializer(serializers.Serializer):
    """Input of ``POST /api/requests/{id}/attachments/`` (multipart): one file."""

    file = serializers.FileField(
        help_text="PDF、Word(.docx)、Excel(.xlsx) 或 PNG、JPEG、GIF、WebP 图片，不超过 10 MB；"
        "按文件内容判断类型"
    )


class TrailTaskSerializer(serializers.Serializer):
    """One step of a request's trail (办理轨迹): a task of its process."""

    id = serializers.IntegerField(read_only=True, help_text="任务 id")
    node = serializers.SerializerMethodField(help_text="流程节点名，如 review、consult")
    title = serializers.SerializerMethodField(help_text="节点名称，如 形式审查")
    type = serializers.CharField(
        source="flow_task_type", read_only=True, help_text="节点类型，HUMAN 为人工任务"
    )
    status = serializers.ChoiceField(choices=STATUS.choices, read_only=True, help_text="任务状态")
    party = serializers.SerializerMethodField(help_text="该任务所属的被征求意见单位")
    owner = serializers.SerializerMethodField(
        help_text="办理人（提出申请的一步为申请人）；无人办理的步骤和未认领的任务为空"
    )
    created = serializers.DateTimeField(read_only=True, help_text="创建时间")
    finished = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="完成时间；未完成为空"
    )

    def get_node(self, task) -> str:
        return task.flow_task.name

    def get_title(self, task) -> str:
        return str(task.flow_task.task_title)

    @extend_schema_field(PartySerializer(allow_null=True))
    def get_party(self, task) -> dict | None:
        return task_party_data(task, self.context.get("party_names", {}))

    @nullable_actor_field
    def get_owner(self, task) -> dict | None:
        return actor_data(task.owner)


class ChangeRequestDetailSerializer(ChangeRequestListSerializer):
    """A request with its proposal, review, answers, ruling and trail."""

    target_item = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="涉及事项 id（修改、取消时）"
    )
    category = CategorySerializer(read_only=True, allow_null=True, help_text="领域类别")
    item_kind = serializers.ChoiceField(
        choices=ItemKind.choices,
        allow_blank=True,
        read_only=True,
        help_text="事项类型；事项类型启用前提出的申请为空字符串（即履职事项）",
    )
    duty_type = serializers.ChoiceField(
        choices=DutyType.choices, allow_blank=True, read_only=True, help_text="履职类型"
    )
    primary_responsibility = serializers.ChoiceField(
        choices=PrimaryResponsibility.choices,
        allow_blank=True,
        read_only=True,
        help_text="主体责任：department 部门 / local 属地；空字符串为按履职类型确定",
    )
    lead_department = UnitSerializer(read_only=True, allow_null=True, help_text="牵头部门")
    cooperation = serializers.SerializerMethodField(help_text="协同部门及各自的协同职责")
    funding_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="经费金额（万元）",
    )
    target_townships = UnitSerializer(many=True, read_only=True, help_text="涉及乡镇(街道)")
    target_villages = UnitSerializer(
        many=True, read_only=True, help_text="适用村(社区)（村、网格清单）"
    )
    village_kind = serializers.ChoiceField(
        choices=Village.Kind.choices,
        allow_blank=True,
        read_only=True,
        help_text="只适用于村（village）或社区（community）；空字符串为两者",
    )
    reviewed_by = serializers.SerializerMethodField(help_text="形式审查人；审查前为空")
    review_decision = serializers.ChoiceField(
        choices=ReviewDecision.choices,
        allow_blank=True,
        read_only=True,
        help_text="审查意见；审查前为空",
    )
    published_item = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="发布后的事项 id；未发布为空"
    )
    consultations = ConsultationSerializer(
        source="visible_consultations",
        many=True,
        read_only=True,
        help_text="征求意见答复（乡镇只能看到本乡镇的答复）",
    )
    ruling = RulingSerializer(
        source="visible_ruling",
        read_only=True,
        allow_null=True,
        help_text="拟办意见（有异议或逾期未答复时）；没有时为空",
    )
    legality_reviews = LegalityReviewSerializer(
        source="legality_review_list", many=True, read_only=True, help_text="合法性审查"
    )
    decision = serializers.SerializerMethodField(help_text="县委县政府审定；未提请审定为空")
    published_under = serializers.ChoiceField(
        choices=PublicationBasis.choices,
        allow_blank=True,
        read_only=True,
        help_text="发布依据：decision 县委县政府审定 / standing 依常设授权；未发布为空",
    )
    attachments = AttachmentSerializer(
        source="attachment_list", many=True, read_only=True, help_text="材料附件"
    )
    trail = TrailTaskSerializer(
        source="visible_trail", many=True, read_only=True, help_text="办理轨迹（按时间顺序）"
    )

    class Meta(ChangeRequestListSerializer.Meta):
        fields = [
            *ChangeRequestListSerializer.Meta.fields,
            "target_item",
            *ITEM_FIELDS,
            COOPERATION_FIELD,
            "applies_to_all",
            "target_townships",
            "target_villages",
            "village_kind",
            "reasons",
            "review_decision",
            "review_comment",
            "reviewed_by",
            "published_item",
            "published_under",
            "attachments",
            "legality_reviews",
            "consultations",
            "ruling",
            "decision",
            "trail",
        ]
        read_only_fields = fields

    @extend_schema_field(CooperationSerializer(many=True))
    def get_cooperation(self, process) -> list[dict]:
        return [
            {"id": department.pk, "name": department.name, "responsibilities": duties}
            for department, duties in request_cooperations(process)
        ]

    @extend_schema_field(RequestDecisionSerializer(allow_null=True))
    def get_decision(self, process) -> dict | None:
        return request_decision_data(process.visible_decision)

    @nullable_actor_field
    def get_reviewed_by(self, process) -> dict | None:
        return actor_data(process.reviewed_by)
