"""The directives' pages."""

from django.urls import path

from . import directive_views as views

urlpatterns = [
    path("", views.directive_list, name="directive_list"),
    path("new/", views.directive_new, name="directive_new"),
    path("<int:pk>/", views.directive_detail, name="directive_detail"),
    path("<int:pk>/edit/", views.directive_edit, name="directive_edit"),
    path("<int:pk>/tasks/<int:task>/edit/", views.directive_task_edit, name="directive_task_edit"),
    path("<int:pk>/close/", views.directive_close, name="directive_close"),
    path("<int:pk>/xlsx/", views.directive_xlsx, name="directive_xlsx"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("units/<slug:code>/", views.unit_tasks, name="unit_tasks"),
    path("tasks/<int:pk>/report/", views.task_report, name="task_report"),
    path("tasks/<int:pk>/files/<int:file_pk>/", views.report_file, name="report_file"),
]
