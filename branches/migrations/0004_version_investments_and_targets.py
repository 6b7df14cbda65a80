import django.utils.timezone
from decimal import Decimal

import django.core.validators
from django.db import migrations, models

VERSIONED = ["roominvestment", "standardizedroomtarget"]


def _versioned_fields(model_name):
    return [
        migrations.AddField(
            model_name=model_name,
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="created_at",
            field=models.DateTimeField(
                auto_now_add=True, default=django.utils.timezone.now, verbose_name="created at"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name=model_name,
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated at"),
        ),
    ]


class Migration(migrations.Migration):
    """Investments and room targets get a version, so their edits are optimistic-locked like every other."""

    dependencies = [("branches", "0003_activity_rooms_reviews_disclosures")]

    operations = [
        *[operation for name in VERSIONED for operation in _versioned_fields(name)],
        migrations.AddField(
            model_name="historicalroominvestment",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
        ),
        migrations.AddField(
            model_name="historicalstandardizedroomtarget",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
        ),
        migrations.AlterField(
            model_name="roominvestment",
            name="amount_yuan",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                verbose_name="amount (yuan)",
            ),
        ),
        migrations.AlterField(
            model_name="historicalroominvestment",
            name="amount_yuan",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                verbose_name="amount (yuan)",
            ),
        ),
    ]
