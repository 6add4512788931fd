from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "recipient",
        "subject",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["recipient", "subject", "event_key"]
    readonly_fields = ["event_key", "created_at", "sent_at", "attempts", "last_error"]
