from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "parindex.results"
    label = "results"
    verbose_name = _("Results")

    def ready(self) -> None:
        from parindex.assessments.signals import round_closed

        from .services import preliminary_results

        round_closed.connect(preliminary_results, dispatch_uid="results.preliminary_results")
