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

        from django.db.models.signals import post_delete, post_save

        from .models import ImportedResult, NationalResult, ResultSnapshot
        from .selectors import forget_published_state

        # What the public pages' cache keys are made of (imports also call it: bulk_create
        # sends no signal).
        for model in (ResultSnapshot, ImportedResult, NationalResult):
            for signal in (post_save, post_delete):
                signal.connect(forget_published_state, sender=model, dispatch_uid=f"{model}-state")
