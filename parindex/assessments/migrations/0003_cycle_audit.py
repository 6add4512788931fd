"""The audit also records the cycle's own changes (its phase, its deadlines): every entry
names its cycle, and entries of the cycle itself have no assessment."""

import django.db.models.deletion
from django.db import migrations, models


def name_the_cycles(apps, schema_editor):
    AuditEntry = apps.get_model("assessments", "AuditEntry")
    Assessment = apps.get_model("assessments", "Assessment")
    AuditEntry.objects.update(
        cycle=models.Subquery(
            Assessment.objects.filter(pk=models.OuterRef("assessment_id")).values("cycle_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_workflow")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="cycle",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="audit",
                to="assessments.cycle",
            ),
        ),
        migrations.RunPython(name_the_cycles, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditentry",
            name="cycle",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="audit",
                to="assessments.cycle",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="assessment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="audit",
                to="assessments.assessment",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="kind",
            field=models.CharField(
                choices=[
                    ("state", "State"),
                    ("self", "Self-assessment"),
                    ("note", "Explanation"),
                    ("claim", "Not-applicable claim"),
                    ("evidence", "Evidence"),
                    ("appraisal", "Appraisal"),
                    ("decision", "Not-applicable decision"),
                    ("request", "Request for explanation"),
                    ("deadline", "Deadline"),
                    ("phase", "Phase"),
                ],
                max_length=12,
                verbose_name="kind",
            ),
        ),
    ]
