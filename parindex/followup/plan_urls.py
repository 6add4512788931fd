"""The improvement plans' pages."""

from django.urls import path

from . import plan_views as views

urlpatterns = [
    path("", views.plan_overview, name="plan_overview"),
    path("mine/", views.plan_mine, name="plan_mine"),
    path("units/<slug:code>/", views.plan_unit, name="plan_unit"),
    path("units/<slug:code>/edit/", views.plan_edit, name="plan_edit"),
    path("units/<slug:code>/xlsx/", views.plan_xlsx, name="plan_xlsx"),
    path("units/<slug:code>/targets/new/", views.target_edit, name="plan_target_new"),
    path("units/<slug:code>/targets/<int:pk>/", views.target_edit, name="plan_target_edit"),
    path(
        "units/<slug:code>/targets/<int:pk>/delete/",
        views.target_delete,
        name="plan_target_delete",
    ),
    path("units/<slug:code>/tasks/new/", views.task_edit, name="plan_task_new"),
    path("units/<slug:code>/tasks/<int:pk>/", views.task_edit, name="plan_task_edit"),
    path("units/<slug:code>/tasks/<int:pk>/delete/", views.task_delete, name="plan_task_delete"),
    path(
        "units/<slug:code>/tasks/<int:pk>/progress/",
        views.task_progress,
        name="plan_task_progress",
    ),
]
