# Answers keyed by their campaign, response, question and choice: no identifier in arrival
# order. Written by hand: the autodetector adds a composite key's foreign keys after the
# model that names them (Django 5.2); and on PostgreSQL the table is partitioned by
# campaign (surveys/partitions.py makes each campaign's partition).

import django.db.models.deletion
from django.db import migrations, models

PARTITIONED = """
DROP TABLE surveys_answer;
CREATE TABLE surveys_answer (
    campaign_id bigint NOT NULL,
    response_id uuid NOT NULL,
    question_id bigint NOT NULL,
    choice smallint NOT NULL CHECK (choice >= 0),
    value integer NOT NULL,
    unit_id bigint NOT NULL,
    group_id bigint NULL,
    counted boolean NOT NULL,
    PRIMARY KEY (campaign_id, response_id, question_id, choice)
) PARTITION BY LIST (campaign_id);
CREATE TABLE surveys_answer_default PARTITION OF surveys_answer DEFAULT;
"""


def partition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PARTITIONED)


def unpartition(apps, schema_editor):
    """Back to the table Django made, empty (the partitions go with it)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE surveys_answer")
        model = apps.get_model("surveys", "Answer")
        schema_editor.create_model(model)


def fk(to, **extra):
    return models.ForeignKey(
        db_constraint=False, on_delete=django.db.models.deletion.PROTECT, to=to, **extra
    )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0004_survey_partners"),
        ("surveys", "0003_questionnaires_campaigns_responses"),
    ]

    operations = [
        migrations.CreateModel(
            name="Answer",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "campaign_id",
                        "response_id",
                        "question_id",
                        "choice",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="surveys.campaign",
                    ),
                ),
                (
                    "response",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="surveys.response",
                    ),
                ),
                ("question", fk("surveys.question", db_index=False, related_name="+")),
                ("choice", models.PositiveSmallIntegerField(default=0)),
                ("value", models.IntegerField()),
                ("unit", fk("org.unit", db_index=False, related_name="+")),
                ("group", fk("surveys.respondentgroup", db_index=False, null=True, related_name="+")),
                ("counted", models.BooleanField(default=True)),
            ],
        ),
        migrations.RunPython(partition, unpartition),
        migrations.CreateModel(
            name="TextAnswer",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "response_id",
                        "question_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "response",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="texts",
                        to="surveys.response",
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="surveys.question",
                    ),
                ),
                ("text", models.TextField()),
            ],
        ),
    ]
