"""API tokens moved to django-rest-knox (expiring, stored hashed); DRF's authtoken app is no longer
installed. Its table held never-expiring tokens in clear: it is dropped where it exists."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("branches", "0008_password_history"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop),
    ]
