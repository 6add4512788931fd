"""The weaknesses' and remediation tasks' pages."""

urlpatterns: list[object] = []
