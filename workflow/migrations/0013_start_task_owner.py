"""The start task of every process names who started it.

Processes are started from code (viewflow's StartHandle), which leaves the start task
without an owner: the trail's first step named nobody. The start callbacks now record
the filer; this fills in the start tasks of existing processes from the same fields
(the request's ``requested_by``, the report's ``reported_by``, the round's
``opened_by``). Going back leaves the owners in place (they are true either way).
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery

# (start task reference as viewflow stores it, process model, the field naming the starter)
STARTS = (
    ("workflow/flows.ChangeRequestFlow.start", ("workflow", "ChangeRequestProcess"), "requested_by"),
    ("workflow/offlist_flow.OffListReportFlow.start", ("arbitration", "OffListReport"), "reported_by"),
    (
        "workflow/evaluation_flow.EvaluationRoundFlow.start",
        ("evaluation", "EvaluationRound"),
        "opened_by",
    ),
)


def fill_start_owners(apps, schema_editor):
    Task = apps.get_model("viewflow", "Task")
    for reference, model_name, field in STARTS:
        model = apps.get_model(*model_name)
        starter = model.objects.filter(pk=OuterRef("process_id")).values(field)[:1]
        Task.objects.filter(flow_task=reference, owner__isnull=True).update(
            owner=Subquery(starter)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0012_temporary_items"),
        ("arbitration", "0006_village_reports_and_batch_reviewer"),
        ("evaluation", "0002_rounds_sheets_results"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(fill_start_owners, migrations.RunPython.noop)]
