"""The weaknesses' and remediation tasks' pages."""

from django.urls import path

from . import remediation_views as views

urlpatterns = [
    path("", views.board, name="board"),
    path("units/<slug:code>/", views.unit, name="unit"),
    path("units/<slug:code>/inspections/", views.inspection, name="inspection"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("tasks/<int:pk>/files/<int:file>/", views.task_evidence, name="task_evidence"),
]
