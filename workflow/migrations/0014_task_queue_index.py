"""Indexes on viewflow's task table for "what waits for me" (待办 and its badge).

``workflow.todo`` finds a user's open tasks as a plain OR of terms that each name an
index: the user's own tasks by owner (viewflow's index), each unit queue by stored
permission and object with no owner (``workflow_task_queue_idx``), and the requests
waiting for a decision by step (``workflow_task_step_idx``). viewflow indexes none of
those columns together, so without these the database walks every open task. The
table belongs to viewflow, hence plain SQL (the same on SQLite and PostgreSQL).
"""

from django.db import migrations

INDEXES = {
    "workflow_task_queue_idx": "owner_permission, owner_permission_obj_pk, owner_id, status",
    "workflow_task_step_idx": "flow_task, status",
}


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0013_start_task_owner"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON viewflow_task ({columns})",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, columns in INDEXES.items()
    ]
