"""The quota schedule (docs/quotas.md): every night this year's runs; on 1 January the final run of the year past."""

from django.db import migrations

SCHEDULES = [
    ("Quotas: nightly run of the current year", "assessments.quota_runs_nightly", {"minute": "30", "hour": "2"}),
    (
        "Quotas: final run of the previous year",
        "assessments.quota_runs_year_end",
        {"minute": "30", "hour": "4", "day_of_month": "1", "month_of_year": "1"},
    ),
]


def create_schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, timing in SCHEDULES:
        crontab, _ = crontab_model.objects.get_or_create(
            minute=timing["minute"],
            hour=timing["hour"],
            day_of_week="*",
            day_of_month=timing.get("day_of_month", "*"),
            month_of_year=timing.get("month_of_year", "*"),
            timezone="Asia/Shanghai",
        )
        task_model.objects.update_or_create(name=name, defaults={"task": task, "crontab": crontab, "enabled": True})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_quotas"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
