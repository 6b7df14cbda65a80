"""``manage.py generate_scale --tier tiny|county|province``: synthetic benchmark data at a scale tier."""

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from demo.scale import TIERS
from demo.scale import ScaleError
from demo.scale import generate


class Command(BaseCommand):
    help = (  # argparse needs a plain str here, not a lazy translation
        "Generate synthetic benchmark data for the annual quota engine at a scale tier (tiny, county, "
        "province): organizations, members and their admission records, cadre posts, reserve rosters, "
        "visit logs, study records, trainings, meetings, reports and reviews, financial disclosures, "
        "activity rooms and contact points, for the given year up to today and the year before. Written "
        "with COPY on "
        "PostgreSQL (bulk inserts on SQLite, tiny and county tiers only) in one transaction, with no history "
        "rows: this is synthetic benchmark data, not records anyone entered. Generated organizations have "
        "codes starting "
        "with GEN-. Refuses a database that already holds organizations unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tier", choices=list(TIERS), required=True, help=_("Scale tier to generate."))
        parser.add_argument(
            "--seed", type=int, default=1, help=_("Random seed: the same seed gives the same data.")
        )
        parser.add_argument(
            "--year", type=int, default=None, help=_("Year of the records (default: this year).")
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=_("Delete a previously generated dataset first; other data in the database is kept."),
        )

    def handle(self, *args, tier, seed, year, replace, **options):
        try:
            result = generate(tier=tier, seed=seed, year=year, replace=replace)
        except ScaleError as error:
            raise CommandError(str(error)) from error
        if result.deleted:
            self.stdout.write(
                _("Deleted the previous generated dataset (%(how)s).") % {"how": result.deleted}
            )
        self.stdout.write(
            _("Tier %(tier)s, seed %(seed)d, records up to %(today)s:")
            % {"tier": result.tier, "seed": result.seed, "today": result.today.isoformat()}
        )
        for name, seconds in result.seconds.items():
            rows = f"{result.rows[name]:,}" if name in result.rows else ""
            self.stdout.write(f"  {name:<28} {rows:>12} {seconds:>8.1f} s")
        for name, note in result.notes.items():
            self.stdout.write(f"  {name}: {note}")
        self.stdout.write(_("Digest: %(digest)s") % {"digest": result.digest})
        self.stdout.write(
            self.style.SUCCESS(
                _("Generated %(rows)s rows in %(seconds).1f s.")
                % {"rows": f"{sum(result.rows.values()):,}", "seconds": result.total_seconds}
            )
        )
