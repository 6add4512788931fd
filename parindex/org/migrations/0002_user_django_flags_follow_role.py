from django.db import migrations, models
from django.db.models import Q


def flags_from_role(apps, schema_editor):
    """Accounts created in bulk before this migration (the demo's) had the flags unset:
    the administrator could not use the Django admin. The role decides."""
    User = apps.get_model("org", "User")
    User.objects.filter(role="admin").update(is_staff=True, is_superuser=True)
    User.objects.exclude(role="admin").update(is_staff=False, is_superuser=False)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(flags_from_role, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=Q(("is_staff", True), ("is_superuser", True), ("role", "admin"))
                | (~Q(("role", "admin")) & Q(("is_staff", False), ("is_superuser", False))),
                name="django_flags_follow_role",
            ),
        ),
    ]
