"""Serializers of the user's tasks and of the bodies that complete them: one body per
human node of the admission flow, each calling that node's workflow service.

Each body names its node in ``step`` (the discriminator of ``TaskCompletion`` in the
schema), so that a generated client builds the right body for each task's ``node``.
A text a decision needs only in some cases (the reason of a return or a contest) is a
required field that may be empty: a body that leaves it out is refused whatever the
decision, as the schema says."""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse
from viewflow.workflow.status import STATUS

from arbitration.models import Decision
from duty_lists.api import UnitSerializer
from organisations.models import Township

from .. import services
from ..models import (
    ChangeKind,
    ChangeRequestProcess,
    ConsultationAnswer,
    LegalityDecision,
    ReviewDecision,
)
from .fields import IdField, tag_field
from .serializers import (
    AmendmentsSerializer,
    ApplicabilityInputMixin,
    ItemFieldsSerializer,
    PartySerializer,
    actor_data,
    nullable_actor_field,
    task_party_data,
)


class TaskLinksSerializer(serializers.Serializer):
    """Where to act on a task."""

    complete = serializers.URLField(read_only=True, help_text="办理本任务：POST 该地址")
    request = serializers.URLField(read_only=True, help_text="本任务所属申请")
    page = serializers.CharField(read_only=True, help_text="网页版办理页面路径")


class TaskSerializer(serializers.Serializer):
    """An open task of the user (待办): what to do, on which request, for which party."""

    id = serializers.IntegerField(read_only=True, help_text="任务 id")
    node = serializers.SerializerMethodField(
        help_text=(
            "流程节点名：review 形式审查 / review_legality 合法性审查 / revise 修改 / "
            "consult 征求意见 / arbitrate 拟办意见"
        )
    )
    title = serializers.SerializerMethodField(help_text="节点名称")
    status = serializers.ChoiceField(
        choices=STATUS.choices,
        read_only=True,
        help_text="NEW 待认领（队列）/ ASSIGNED 已分配给本人",
    )
    process = serializers.IntegerField(source="process_id", read_only=True, help_text="申请 id")
    subject = serializers.SerializerMethodField(help_text="申请摘要")
    kind = serializers.SerializerMethodField(help_text="申请类型")
    county = serializers.SerializerMethodField(help_text="所属县")
    party = serializers.SerializerMethodField(help_text="征求意见任务所代表的单位")
    owner = serializers.SerializerMethodField(help_text="已分配的办理人；待认领时为空")
    created = serializers.DateTimeField(read_only=True, help_text="创建时间")
    links = serializers.SerializerMethodField(help_text="相关地址")

    def _request(self, task) -> ChangeRequestProcess:
        return task.process.changerequestprocess

    def get_node(self, task) -> str:
        return task.flow_task.name

    def get_title(self, task) -> str:
        return str(task.flow_task.task_title)

    def get_subject(self, task) -> str:
        return self._request(task).subject_line

    @extend_schema_field(serializers.ChoiceField(choices=ChangeKind.choices))
    def get_kind(self, task) -> str:
        return self._request(task).kind

    @extend_schema_field(UnitSerializer)
    def get_county(self, task) -> dict:
        county = self._request(task).county
        return {"id": county.pk, "name": county.name}

    @extend_schema_field(PartySerializer(allow_null=True))
    def get_party(self, task) -> dict | None:
        return task_party_data(task, self.context.get("party_names", {}))

    @nullable_actor_field
    def get_owner(self, task) -> dict | None:
        return actor_data(task.owner)

    @extend_schema_field(TaskLinksSerializer)
    def get_links(self, task) -> dict:
        request = self.context["request"]
        return {
            "complete": reverse("api:task-complete", args=[task.pk], request=request),
            "request": reverse("api:request-detail", args=[task.process_id], request=request),
            "page": task.flow_task.reverse("execute", args=[task.process_id, task.pk]),
        }


class TaskCompletionSerializer(serializers.Serializer):
    """Base of the task completion bodies: ``step`` names the node, ``submit`` calls the
    node's service."""

    def submit(self, *, actor, task_id: int) -> None:
        raise NotImplementedError


class ReviewCompletionSerializer(TaskCompletionSerializer):
    """Body for a ``review`` task (形式审查, county office)."""

    step = tag_field("review", "形式审查")
    decision = serializers.ChoiceField(
        choices=ReviewDecision.choices,
        help_text="forward 通过审查并征求意见 / return 退回修改 / reject 不予受理",
    )
    comment = serializers.CharField(
        allow_blank=True, help_text="审查说明：退回、不予受理时不能为空，通过时可为空字符串"
    )

    def submit(self, *, actor, task_id: int) -> None:
        data = self.validated_data
        services.change_request_review(
            actor=actor, task_id=task_id, decision=data["decision"], comment=data["comment"]
        )


class LegalityReviewCompletionSerializer(TaskCompletionSerializer):
    """Body for a ``review_legality`` task (合法性审查, the reviewing department)."""

    step = tag_field("review_legality", "合法性审查")
    decision = serializers.ChoiceField(
        choices=LegalityDecision.choices,
        help_text="pass 通过合法性审查（进入征求意见）/ return 退回修改",
    )
    opinion = serializers.CharField(
        allow_blank=True, help_text="审查说明：退回修改时不能为空，通过时可为空字符串"
    )

    def submit(self, *, actor, task_id: int) -> None:
        data = self.validated_data
        services.legality_review(
            actor=actor, task_id=task_id, decision=data["decision"], opinion=data["opinion"]
        )


class ReviseCompletionSerializer(
    ApplicabilityInputMixin, ItemFieldsSerializer, TaskCompletionSerializer
):
    """Body for a ``revise`` task (the filer edits a returned request and resubmits).

    Omitted fields keep the request's current values.
    """

    step = tag_field("revise", "修改后重新提交")
    applies_to_all = serializers.BooleanField(required=False, help_text="适用本级全部乡镇(街道)")
    target_townships = IdField(
        kind="乡镇(街道)",
        queryset=Township.objects.all(),
        many=True,
        required=False,
        help_text="涉及乡镇(街道) id 列表",
    )
    reasons = serializers.CharField(required=False, allow_blank=True, help_text="申请理由")

    def submit(self, *, actor, task_id: int) -> None:
        data = self.validated_data
        services.change_request_revise(
            actor=actor,
            task_id=task_id,
            fields=self.item_fields(),
            applies_to_all=data.get("applies_to_all"),
            target_townships=data.get("target_townships"),
            target_villages=data.get("target_villages"),
            village_kind=data.get("village_kind"),
            reasons=data.get("reasons"),
        )


# The answers a party may give (a missed deadline is recorded by the flow, not sent).
CONSULT_ANSWERS = [
    (ConsultationAnswer.ACCEPT.value, ConsultationAnswer.ACCEPT.label),
    (ConsultationAnswer.CONTEST.value, ConsultationAnswer.CONTEST.label),
]


class ConsultCompletionSerializer(TaskCompletionSerializer):
    """Body for a ``consult`` task (征求意见, the township head or lead department)."""

    step = tag_field("consult", "征求意见")
    answer = serializers.ChoiceField(
        choices=CONSULT_ANSWERS, help_text="accept 同意 / contest 有异议"
    )
    reason = serializers.CharField(
        allow_blank=True, help_text="理由：有异议时不能为空，同意时可为空字符串"
    )
    counter_proposal = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="修改建议"
    )

    def submit(self, *, actor, task_id: int) -> None:
        data = self.validated_data
        services.consultation_answer(
            actor=actor,
            task_id=task_id,
            answer=data["answer"],
            reason=data["reason"],
            counter_proposal=data["counter_proposal"],
            stamped_reply=data.get("stamped_reply"),
        )


class ConsultUploadCompletionSerializer(ConsultCompletionSerializer):
    """Body for a ``consult`` task sent as multipart/form-data, with the party's
    stamped letter (盖章意见)."""

    stamped_reply = serializers.FileField(
        required=False, help_text="盖章意见：PDF 或图片（盖章件的扫描件或照片），不超过 10 MB"
    )


class ArbitrateCompletionSerializer(TaskCompletionSerializer):
    """Body for an ``arbitrate`` task (拟办意见, county office): one proposed decision per
    contested or silent party; the request then waits for 审定."""

    step = tag_field("arbitrate", "拟办意见")
    decisions = serializers.DictField(
        child=serializers.ChoiceField(choices=Decision.choices),
        help_text=(
            "逐单位拟办意见：键为 consultations 中的 party_key（township:<id> 或 "
            "department:<id>），值为 admit 准入 / admit_amended 修改后准入 / reject 不予准入"
        ),
    )
    reasoning = serializers.CharField(allow_blank=True, help_text="拟办理由（不能为空）")
    meeting_record = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="协调会记录"
    )
    amendments = AmendmentsSerializer(
        help_text=(
            "修改后的事项内容（只填写需要修改的字段）：有“修改后准入”时至少填写一项，"
            "否则为空对象 {}"
        )
    )

    def submit(self, *, actor, task_id: int) -> None:
        data = self.validated_data
        services.change_request_rule(
            actor=actor,
            task_id=task_id,
            decisions=data["decisions"],
            reasoning=data["reasoning"],
            meeting_record=data["meeting_record"],
            amendments=data.get("amendments") or None,
        )


# The body each human node of the admission flow takes, by node name (= its ``step``).
COMPLETION_SERIALIZERS: dict[str, type[TaskCompletionSerializer]] = {
    "review": ReviewCompletionSerializer,
    "review_legality": LegalityReviewCompletionSerializer,
    "revise": ReviseCompletionSerializer,
    "consult": ConsultCompletionSerializer,
    "arbitrate": ArbitrateCompletionSerializer,
}


class CompletionStepSerializer(serializers.Serializer):
    """The discriminator of a completion body, read before the body itself."""

    step = serializers.ChoiceField(
        choices=[(name, name) for name in COMPLETION_SERIALIZERS],
        help_text="任务的流程节点名（即任务的 node）",
    )


TASK_COMPLETION = PolymorphicProxySerializer(
    component_name="TaskCompletion",
    serializers=COMPLETION_SERIALIZERS,
    resource_type_field_name="step",
)
