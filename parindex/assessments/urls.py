from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.current, name="current"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("<int:year>/", views.cycle_list, name="list"),
    path("<int:year>/manage/", views.manage, name="manage"),
    path("<int:year>/<slug:code>/", views.assessment_detail, name="detail"),
    path("<int:year>/<slug:code>/history/", views.history, name="history"),
    path("<int:year>/<slug:code>/transition/", views.transition, name="transition"),
    path("<int:year>/<slug:code>/extend/", views.extend, name="extend"),
    path(
        "<int:year>/<slug:code>/fields/<str:field>/<str:action>/",
        views.field_action,
        name="field_action",
    ),
    path("<int:year>/<slug:code>/items/<str:criterion>/", views.item_save, name="item_save"),
    path(
        "<int:year>/<slug:code>/items/<str:criterion>/appraisal/",
        views.item_appraise,
        name="item_appraise",
    ),
    path(
        "<int:year>/<slug:code>/items/<str:criterion>/request/",
        views.item_request,
        name="item_request",
    ),
    path(
        "<int:year>/<slug:code>/items/<str:criterion>/evidence/",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "<int:year>/<slug:code>/items/<str:criterion>/evidence/link/",
        views.evidence_link,
        name="evidence_link",
    ),
    path(
        "<int:year>/<slug:code>/items/<str:criterion>/evidence/url/",
        views.evidence_url_add,
        name="evidence_url_add",
    ),
    path(
        "<int:year>/<slug:code>/items/<str:criterion>/evidence/url/<int:pk>/remove/",
        views.evidence_url_remove,
        name="evidence_url_remove",
    ),
    path(
        "<int:year>/<slug:code>/items/<str:criterion>/evidence/<int:file>/remove/",
        views.evidence_unlink,
        name="evidence_unlink",
    ),
]
