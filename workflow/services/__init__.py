"""Every write of the workflow: filing, review, legality review, revision,
consultation, proposal, decision batches (审定), publication and public notice
opinions. The UI and the REST API call these; they check rights themselves."""

from .arbitrating import change_request_rule, party_key
from .attachments import attachment_add, attachment_remove
from .common import CONFLICT_MESSAGE, TaskNotOpen, run_human_task
from .consultation import consultation_answer, consultation_close_silent, consultation_remind
from .deciding import (
    batch_document_add,
    decision_batch_prepare,
    decision_batch_record,
    notice_opinion_receive,
)
from .filing import change_request_file, change_request_review, change_request_revise
from .legality import legality_review
from .notifications import notification_mark_read, notify
from .publishing import (
    change_request_publish,
    change_request_publish_authorised,
    change_request_reject,
)
from .temporary import temporary_item_expire, temporary_item_watch, temporary_items_watch

__all__ = [
    "CONFLICT_MESSAGE",
    "TaskNotOpen",
    "attachment_add",
    "attachment_remove",
    "batch_document_add",
    "change_request_file",
    "change_request_publish",
    "change_request_publish_authorised",
    "change_request_reject",
    "change_request_review",
    "change_request_revise",
    "change_request_rule",
    "consultation_answer",
    "consultation_close_silent",
    "consultation_remind",
    "decision_batch_prepare",
    "decision_batch_record",
    "legality_review",
    "notice_opinion_receive",
    "notification_mark_read",
    "notify",
    "party_key",
    "run_human_task",
    "temporary_item_expire",
    "temporary_item_watch",
    "temporary_items_watch",
]
