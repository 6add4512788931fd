from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("<int:year>/", views.year, name="year"),
    path("<int:year>/report-texts/", views.edition, name="edition"),
    path("file/<int:pk>/delete/", views.forget, name="delete"),
    path("file/<int:pk>/<str:what>/", views.download, name="download"),
]
