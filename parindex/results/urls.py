from django.urls import path

from . import views

app_name = "results"
urlpatterns = [
    path("<int:year>/", views.year_results, name="year"),
    path("<int:year>/results.xlsx", views.year_results_xlsx, name="year_xlsx"),
]
