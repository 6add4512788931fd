from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "parindex.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        # A framework's survey leaves are checked against the year's questionnaires when
        # it is imported; the frameworks may not import the surveys, so they are told.
        from parindex.frameworks import checks

        from . import partitions
        from .models import Campaign
        from .selectors import framework_indicator_issues

        checks.register(framework_indicator_issues)
        post_save.connect(partitions.on_campaign_saved, sender=Campaign, dispatch_uid="partition")
        post_delete.connect(
            partitions.on_campaign_deleted, sender=Campaign, dispatch_uid="unpartition"
        )
