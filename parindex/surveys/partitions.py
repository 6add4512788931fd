"""On PostgreSQL the answers are partitioned by campaign: each campaign's answers are one
table of their own, which its aggregation reads whole and nothing else, and which goes
with it. Other databases keep one table (the embedded demo's few thousand answers).
"""

from __future__ import annotations

from typing import Any

from django.db import connection


def partition_name(campaign_id: int) -> str:
    return f"surveys_answer_c{int(campaign_id)}"


def partition_create(campaign_id: int) -> bool:
    """Make the campaign's partition, unless it exists or answers of the campaign already
    sit in the default partition (they are then read from there: still correct)."""
    if connection.vendor != "postgresql":
        return False
    name = partition_name(campaign_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [name])
        if cursor.fetchone()[0] is not None:
            return False
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM surveys_answer_default WHERE campaign_id = %s)",
            [int(campaign_id)],
        )
        if cursor.fetchone()[0]:
            return False
        cursor.execute(
            f"CREATE TABLE {name} PARTITION OF surveys_answer FOR VALUES IN ({int(campaign_id)})"
        )
    return True


def partition_drop(campaign_id: int) -> None:
    """The campaign is gone: its partition (empty by now) too."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {partition_name(campaign_id)}")


def on_campaign_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        partition_create(instance.pk)


def on_campaign_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    partition_drop(instance.pk)
