from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "parindex.followup"
    label = "followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        from parindex.assessments.signals import proposals_wanted
        from parindex.results.signals import results_published

        from .prefill import on_proposals_wanted
        from .services import on_results_published

        results_published.connect(on_results_published, dispatch_uid="followup.weaknesses")
        proposals_wanted.connect(on_proposals_wanted, dispatch_uid="followup.proposals")
