"""The one place parindex imports Django's tasks framework.

Today it is the django-tasks backport; with Django 6 this module imports the same names
from `django.tasks` and nothing else changes. Task code imports `task` from here and
reports its progress with `progress()`.
"""

from django_tasks import TaskContext, TaskResult, TaskResultStatus, task, task_backends
from django_tasks.base import Task
from django_tasks.signals import task_finished, task_started

from .tracking import progress

__all__ = [
    "Task",
    "TaskContext",
    "TaskResult",
    "TaskResultStatus",
    "progress",
    "task",
    "task_backends",
    "task_finished",
    "task_started",
]
