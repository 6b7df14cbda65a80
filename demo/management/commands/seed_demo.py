"""``manage.py seed_demo``: a realistic demo county with one login per role.

The work itself is done by ``demo.organizations`` (the tree), ``demo.logins``, ``demo.members`` (the
roster), ``demo.pipeline`` (development records), ``demo.cadres`` (posts, reserve rosters),
``demo.activities`` (meetings, trainings, visits, study, contact points) and ``demo.records`` (activity
rooms, targets, reports and reviews, financial disclosures), then ``demo.assessments`` (quota runs,
ratings, appraisals, rectifications and the joint evaluation).
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from demo.activities import create_demo_activities
from demo.assessments import create_demo_assessments
from demo.cadres import create_demo_cadres
from demo.dues import MONTHS
from demo.dues import create_demo_dues
from demo.logins import demo_login_rows
from demo.logins import grant_demo_logins
from demo.logins import system_user
from demo.members import DEFAULT_MEMBERS
from demo.members import create_demo_members
from demo.members import minimum_total
from demo.mobile import create_demo_mobile
from demo.organizations import COUNTY_CODE
from demo.organizations import DEFAULT_SEED
from demo.organizations import build_demo_tree
from demo.organizations import demo_county
from demo.pipeline import create_demo_pipeline
from demo.records import create_demo_records
from demo.terms import create_demo_terms
from demo.transfers import create_demo_letters_in
from demo.transfers import create_demo_letters_out


class Command(BaseCommand):
    help = (  # argparse needs a plain str here, not a lazy translation
        "Create the demo county (organizations, members, development records, cadre posts, reserve "
        "rosters, a year of branch records and one login per role). "
        "Does nothing if the demo county already exists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--members", type=int, default=DEFAULT_MEMBERS, help=_("Number of party members to create.")
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=_("Random seed: the same seed gives the same county."),
        )

    def handle(self, *args, members, seed, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(_("seed_demo creates logins with published passwords: refused in production."))
        county = demo_county()
        if county is not None:
            message = _("The demo county %(name)s (%(code)s) already exists; nothing was changed.")
            self.stdout.write(message % {"name": county.name, "code": COUNTY_CODE})
        else:
            started = time.perf_counter()
            self.seed(members=members, seed=seed)
            self.stdout.write(_("Done in %(seconds).1f s.") % {"seconds": time.perf_counter() - started})
        self.print_logins()

    @transaction.atomic
    def seed(self, *, members, seed):
        actor = system_user()
        tree = build_demo_tree(actor=actor, seed=seed)
        if members < minimum_total(tree):
            raise CommandError(
                _("--members must be at least %(minimum)d.") % {"minimum": minimum_total(tree)}
            )
        grant_demo_logins(actor=actor, tree=tree)
        today = timezone.localdate()
        created = create_demo_members(actor=actor, tree=tree, total=members, seed=seed, today=today)
        applicants = create_demo_pipeline(actor=actor, tree=tree, members=created, seed=seed, today=today)
        cadres, reserves = create_demo_cadres(
            actor=actor, tree=tree, members=created, applicants=applicants, seed=seed, today=today
        )
        message = _("Created the demo county %(name)s: %(organizations)d organizations, %(members)d members.")
        self.stdout.write(
            self.style.SUCCESS(
                message
                % {"name": tree.county.name, "organizations": tree.organizations, "members": len(created)}
            )
        )
        records = _(
            "Also created %(applicants)d development records (%(admitted)d of them admitted members), "
            "%(cadres)d cadre posts and %(reserves)d reserve cadres."
        )
        admitted = sum(applicant.member_id is not None for applicant in applicants)
        self.stdout.write(
            records
            % {"applicants": len(applicants), "admitted": admitted, "cadres": cadres, "reserves": reserves}
        )
        activities = create_demo_activities(actor=actor, tree=tree, seed=seed, today=today)
        rooms = create_demo_records(
            actor=actor, tree=tree, seed=seed, today=today, roll_counts=activities.roll_counts
        )
        branch_records = _(
            "Branch records since 1 January %(year)d: %(meetings)d meetings, %(trainings)d trainings, "
            "%(visits)d household visits, %(study)d study records, %(contacts)d contact points, %(rooms)d "
            "activity rooms, %(reviews)d reports and reviews, %(disclosures)d financial disclosures."
        )
        self.stdout.write(
            branch_records
            % {
                "year": today.year - 1,
                "meetings": activities.meetings,
                "trainings": activities.trainings,
                "visits": activities.visits,
                "study": activities.study_records,
                "contacts": activities.contact_points,
                "rooms": rooms.rooms,
                "reviews": rooms.reviews,
                "disclosures": rooms.disclosures,
            }
        )
        mobile = create_demo_mobile(actor=actor, tree=tree, seed=seed, today=today)
        away = _(
            "Members working away: %(spells)d spells, %(contacts)d contacts; most of %(village)s is away."
        )
        self.stdout.write(
            away % {"spells": mobile.spells, "contacts": mobile.contacts, "village": mobile.village}
        )
        terms, elections = create_demo_terms(actor=actor, tree=tree, seed=seed, today=today)
        message = _("Terms: %(terms)d, at every stage; elections recorded: %(elections)d.")
        self.stdout.write(message % {"terms": terms, "elections": elections})
        letters_out = create_demo_letters_out(actor=actor, tree=tree, seed=seed, today=today)
        dues = create_demo_dues(actor=actor, tree=tree, today=today, seed=seed)
        dues_message = _(
            "Party dues of the last %(months)d months: %(bases)d yearly bases, %(payments)d payments."
        )
        self.stdout.write(dues_message % {"months": MONTHS, "bases": dues.bases, "payments": dues.payments})
        judgements = create_demo_assessments(actor=actor, tree=tree, today=today, seed=seed)
        letters = create_demo_letters_in(actor=actor, out=letters_out, seed=seed, today=today)
        self.stdout.write(
            _(
                "Transfer letters: %(issued)d issued, %(expired)d expired unconfirmed, "
                "%(delivered)d delivered, %(confirmed)d confirmed, %(received)d received."
            )
            % letters.__dict__
        )
        quotas = _("Quota runs for %(last)d and %(this)d: %(results)d results, %(alerts)d alerts.")
        self.stdout.write(
            quotas
            % {
                "last": today.year - 1,
                "this": today.year,
                "results": judgements.quota_results,
                "alerts": judgements.alerts,
            }
        )
        ratings = _(
            "Star ratings %(ratings)d (last year's at every workflow stage), "
            "member appraisals %(appraisals)d, open rectifications %(rectifications)d."
        )
        self.stdout.write(
            ratings
            % {
                "ratings": judgements.ratings,
                "appraisals": judgements.appraisals,
                "rectifications": judgements.rectifications,
            }
        )

    def print_logins(self):
        self.stdout.write(_("Demo logins (username / password / role / organization):"))
        for username, password, role, organization in demo_login_rows():
            self.stdout.write(f"  {username} / {password} / {role} / {organization}")
