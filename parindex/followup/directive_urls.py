"""The directives' pages."""

urlpatterns: list[object] = []
