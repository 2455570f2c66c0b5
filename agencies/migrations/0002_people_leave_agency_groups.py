"""People no longer join their agency's Group: nothing read `user.groups` (the access layer reaches an
agency's grants through the person's memberships, access/plans.py), so the rows the membership services
wrote are removed. An agency's Group keeps its grants on plans and the Group itself."""

from django.db import migrations


def leave_agency_groups(apps, schema_editor):
    Agency = apps.get_model("agencies", "Agency")
    User = apps.get_model("auth", "User")
    User.groups.through.objects.filter(group_id__in=Agency.objects.values("group_id")).delete()


def join_agency_groups(apps, schema_editor):
    """Back to what membership_add used to write: each member in their agency's group."""
    Membership = apps.get_model("agencies", "Membership")
    User = apps.get_model("auth", "User")
    through = User.groups.through
    rows = Membership.objects.values_list("user_id", "agency__group_id")
    through.objects.bulk_create(
        [through(user_id=user_id, group_id=group_id) for user_id, group_id in rows], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(leave_agency_groups, join_agency_groups)]
