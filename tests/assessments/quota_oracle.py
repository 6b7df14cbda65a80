"""A deliberately naive computation of every quota indicator of ``docs/quotas.md``, used only in
tests as the correctness oracle of the set-based engine.

Plain Python loops over ``Model.objects.all()`` lists — no ORM aggregation, no joins, no cleverness — each
indicator written straight from that page's wording, so that a disagreement with the engine points at one of
the two and the page decides which.

Readings of the page where its words leave a choice (each marked ``READING`` below, and listed there too):

* "in the subtree" (dev.*_share admissions, instructors' branches, rooms) means the organizations of the
  subtree taking part: a branch dissolved on or before ``ref`` has left the computation altogether.
* a ``rollup.<code>`` row exists for a committee or county when at least one branch taking part in its
  subtree has a ``<code>`` result with a non-null ``met`` (no "0 of 0" rows).
* "the visits of all their posts at the branch": every post of the person at that branch, whatever the post
  or its term.
* "all their instructor posts": every instructor post of the person, wherever and whenever.
* a person's "first post" (visit.pace) is the lowest id among their serving two-committee posts at the
  branch.
* a member attends a training (train.rotation) as a member attendee.
* a member's class hours (train.hours) count every training of the year they attended, as a member
  attendee or through any of their posts, each training once.

Rounding: shares are rounded half-up to 2 decimals (``ROUND_HALF_UP``). The datasets keep fewer than 32
admissions, members and dues member-months (two members with a base, 24 months) per denominator, so a
share ``100·a/b`` never ends in an exact ``…5`` at the third decimal (that needs 32 | b) and half-up,
half-even and binary-float rounding all agree: the comparison is exact.
"""

import calendar
import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from assessments.models import QuotaPolicy
from branches.models import ActivityRoom
from branches.models import FinancialDisclosure
from branches.models import Organization
from branches.models import ReviewRecord
from branches.models import StandardizedRoomTarget
from members.models import Cadre
from members.models import ContactPoint
from members.models import DuesBase
from members.models import DuesPayment
from members.models import Meeting
from members.models import Member
from members.models import MemberEvent
from members.models import ReserveCadre
from members.models import StudyRecord
from members.models import Term
from members.models import Training
from members.models import VisitLog

CENT = Decimal("0.01")

BRANCH_KINDS = {"branch", "joint_branch", "general_branch"}
RURAL_FIELDS = {"village", "community"}
COMMITTEE_KINDS = {"township_committee", "street_committee"}
COUNTY_KINDS = {"county_committee"}
TWO_COMMITTEE_POSTS = {
    "secretary",
    "deputy_secretary",
    "branch_committee",
    "village_director",
    "village_deputy_director",
    "village_committee",
}
ON_ROLL = {"normal", "lost_contact"}
BRANCH_POSTS = {"secretary", "deputy_secretary", "branch_committee"}
HOURS_PER_DAY = 8  # a training without class hours: 3 days or 24 class hours
EDUCATED = {"senior_high", "junior_college", "bachelor", "postgraduate"}
MEETING_KINDS = ["assembly", "committee", "group", "lecture", "theme_day", "life_meeting", "appraisal"]
RURAL_CODES = [
    "dev.branch_min",
    "dev.two_years_none",
    "dev.under_25",
    "train.per_level",
    "train.secretary",
    "train.rotation",
    "visit.households",
    "study.village.sessions",
    "study.village.notes",
    "study.village.articles",
    "review.committee_reports",
    "review.branch_reports",
    "review.democratic",
    "review.disclosures",
    "reserve.young",
    "reserve.team_young",
    "contact.visit",
]
BRANCH_CODES = RURAL_CODES + [f"meet.{kind}" for kind in MEETING_KINDS] + ["dues.on_time", "train.hours"]


def dec(value):
    """The engine stores numeric(12, 2): compare as Decimal quantized to cents."""
    if value is None:
        return None
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def share(part, whole):
    """100 × part / whole, rounded half-up to 2 decimals."""
    return (Decimal(100 * part) / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def age(birth, day):
    if birth is None:
        return None
    return day.year - birth.year - (1 if (day.month, day.day) < (birth.month, birth.day) else 0)


def serving(post, ref):
    return post.started_on <= ref and (post.ended_on is None or post.ended_on >= ref)


def policy_for(root_id, year):
    """The root county's policy for the year, or an unsaved one with the model's defaults."""
    for policy in QuotaPolicy.objects.all():
        if policy.county_id == root_id and policy.year == year:
            return policy
    return QuotaPolicy(county_id=root_id, year=year)


def oracle(*, scope_org, year, today):
    """Every result and alert of docs/quotas.md for ``scope_org``'s subtree and ``year``, as of ``today``.

    Returns ``(results, alerts)``: ``results[(organization_id, code)] = (target, actual, met, detail)``
    with ``target``/``actual`` Decimals to the cent (or None) and ``detail`` only the keys the page names;
    ``alerts`` a set of ``(organization_id, kind, cadre_id or None)``.
    """
    y0, y1 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    ref = min(today, y1)
    current_year = today.year == year
    quarters = 4 if today.month >= 10 else (today.month - 1) // 3  # READING: the last quarter expects all

    def in_year(day):
        return day is not None and y0 <= day <= y1

    # --- everything, as plain lists --------------------------------------------------------------------
    organizations = list(Organization.objects.all())
    members = list(Member.objects.all())
    events = list(MemberEvent.objects.all())
    cadres = list(Cadre.objects.all())
    trainings = list(Training.objects.all())
    training_members = list(Training.member_attendees.through.objects.all())
    training_cadres = list(Training.cadre_attendees.through.objects.all())
    visits = list(VisitLog.objects.all())
    studies = list(StudyRecord.objects.all())
    meetings = list(Meeting.objects.all())
    reviews = list(ReviewRecord.objects.all())
    disclosures = list(FinancialDisclosure.objects.all())
    reserves = list(ReserveCadre.objects.all())
    contacts = list(ContactPoint.objects.all())
    rooms = list(ActivityRoom.objects.all())
    room_targets = list(StandardizedRoomTarget.objects.all())
    dues_bases = list(DuesBase.objects.all())
    dues_payments = list(DuesPayment.objects.all())

    org_by_id = {org.id: org for org in organizations}
    member_by_id = {member.id: member for member in members}

    def taking_part(org):
        return org.dissolved_on is None or org.dissolved_on > ref

    def within(org_id, ancestor):
        return org_id in org_by_id and org_by_id[org_id].path.startswith(ancestor.path)

    participants = [org for org in organizations if org.path.startswith(scope_org.path) and taking_part(org)]
    root_id = int(scope_org.path.strip("/").split("/")[0])
    policy = policy_for(root_id, year)

    # --- admissions: every member, credited to the admitting branch -------------------------------------
    admissions = []  # (member, admitting branch id)
    for member in members:
        transfers = [e for e in events if e.member_id == member.id and e.kind == "transfer"]
        transfers.sort(key=lambda e: (e.occurred_on, e.id))
        branch_id = transfers[0].from_branch_id if transfers else member.branch_id
        admissions.append((member, branch_id))

    # --- the roll on a day: each member's branch and status as they were that day -------------------------
    def first_after(member, kind, day):
        later = [e for e in events if e.member_id == member.id and e.kind == kind and e.occurred_on > day]
        return min(later, key=lambda e: (e.occurred_on, e.id)) if later else None

    def roll_on(member, day):
        """The branch whose roll the member was on that day, or None."""
        if member.joined_on > day:
            return None
        transfer = first_after(member, "transfer", day)
        change = first_after(member, "status_change", day)
        branch_then = transfer.from_branch_id if transfer and transfer.from_branch_id else member.branch_id
        status_then = change.from_status if change else member.status
        return branch_then if status_then in ON_ROLL else None

    roll_branch = {}  # member id → branch whose roll they were on at ref
    for member in members:
        branch_then = roll_on(member, ref)
        if branch_then is not None:
            roll_branch[member.id] = branch_then

    # --- dues: each month of Y ended by ref, each member due that month in the branch of its first day ---
    months = [
        (dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))
        for month in range(1, 13)
    ]
    months = [(first, last) for first, last in months if last <= ref]
    dues_due, dues_on_time = defaultdict(int), defaultdict(int)
    for base in dues_bases:
        if base.year != year or base.exempt:
            continue
        member = member_by_id[base.member_id]
        for first, last in months:
            branch_then = roll_on(member, first)
            if branch_then is None:
                continue
            dues_due[branch_then] += 1
            paid = [p for p in dues_payments if p.member_id == member.id and p.month == first]
            if paid and paid[0].paid_on <= last:
                dues_on_time[branch_then] += 1

    # --- people and their training ----------------------------------------------------------------------
    trainings_of_member = defaultdict(set)
    for row in training_members:
        trainings_of_member[row.member_id].add(row.training_id)
    trainings_of_cadre = defaultdict(set)
    for row in training_cadres:
        trainings_of_cadre[row.cadre_id].add(row.training_id)
    training_by_id = {training.id: training for training in trainings}

    def class_hours(member):
        """The member's class hours of the year's trainings, attended as a member or through any post."""
        attended = set(trainings_of_member[member.id])
        for post in cadres:
            if post.member_id == member.id:
                attended |= trainings_of_cadre[post.id]
        total = Decimal(0)
        for training_id in attended:
            training = training_by_id[training_id]
            if in_year(training.held_on):
                hours = training.hours if training.hours is not None else training.days * HOURS_PER_DAY
                total += Decimal(hours)
        return total

    def leads_a_branch(member):
        return any(p.member_id == member.id and p.post in BRANCH_POSTS and serving(p, ref) for p in cadres)

    def persons_of(branch):
        """Persons serving in two-committee posts of the branch: key → their serving posts there."""
        persons = defaultdict(list)
        for post in cadres:
            if post.organization_id == branch.id and post.post in TWO_COMMITTEE_POSTS and serving(post, ref):
                key = ("member", post.member_id) if post.member_id else ("post", post.id)
                persons[key].append(post)
        return persons

    def birth_of(key, posts):
        for post in sorted(posts, key=lambda p: p.id):
            if post.birth_date is not None:
                return post.birth_date
        return member_by_id[key[1]].birth_date if key[0] == "member" else None

    def households(key, posts, branch, last_day):
        """Distinct household keys over the visits of all the person's posts at the branch."""
        if key[0] == "member":
            post_ids = {p.id for p in cadres if p.member_id == key[1] and p.organization_id == branch.id}
        else:
            post_ids = {posts[0].id}
        return len(
            {v.household_key for v in visits if v.cadre_id in post_ids and y0 <= v.visited_on <= last_day}
        )

    results = {}
    alerts = set()

    def put(org, code, target, actual, met, **detail):
        results[(org.id, code)] = (dec(target), dec(actual), met, detail)

    # --- branches ---------------------------------------------------------------------------------------
    for branch in participants:
        if branch.kind not in BRANCH_KINDS:
            continue
        for kind in MEETING_KINDS:
            target = getattr(policy, f"meet_{kind}")
            actual = sum(
                1
                for m in meetings
                if m.organization_id == branch.id and m.kind == kind and in_year(m.held_on)
            )
            put(branch, f"meet.{kind}", target, actual, actual >= target)
        if current_year:
            overdue = []
            for kind in MEETING_KINDS:
                expected = int(getattr(policy, f"meet_{kind}") * quarters / 4)
                if results[(branch.id, f"meet.{kind}")][1] < expected:
                    overdue.append(kind)
            if overdue:
                alerts.add((branch.id, "meet.overdue", None))

        due, on_time = dues_due[branch.id], dues_on_time[branch.id]
        if due:
            actual = share(on_time, due)
            put(branch, "dues.on_time", policy.dues_on_time, actual, actual >= policy.dues_on_time, due=due,
                on_time=on_time)  # fmt: skip
        else:
            put(branch, "dues.on_time", policy.dues_on_time, None, None, due=0, on_time=0)

        on_roll = [m for m in members if roll_branch.get(m.id) == branch.id]
        reached = sum(
            1
            for m in on_roll
            if class_hours(m)
            >= (policy.train_cadre_hours if leads_a_branch(m) else policy.train_member_hours)
        )
        if on_roll:
            actual = share(reached, len(on_roll))
            put(branch, "train.hours", policy.train_hours_share, actual, actual >= policy.train_hours_share,
                roll=len(on_roll), reached=reached)  # fmt: skip
        else:
            put(branch, "train.hours", policy.train_hours_share, None, None, roll=0, reached=0)
        if branch.field not in RURAL_FIELDS:
            continue

        # development
        credited = [member for member, branch_id in admissions if branch_id == branch.id]
        this_year = [m for m in credited if in_year(m.joined_on)]
        put(
            branch,
            "dev.branch_min",
            policy.dev_branch_min,
            len(this_year),
            len(this_year) >= policy.dev_branch_min,
        )
        first_year = year - policy.dev_two_years_none + 1
        recent = sum(1 for m in credited if first_year <= m.joined_on.year <= year)
        put(branch, "dev.two_years_none", 1, recent, recent >= 1)
        if recent < 1:
            alerts.add((branch.id, "dev.two_years_none", None))
        young = sum(1 for m in this_year if age(m.birth_date, m.joined_on) < 25)
        put(branch, "dev.under_25", policy.dev_under_25, young, young >= policy.dev_under_25, advisory=True)

        # training
        held = sum(1 for t in trainings if t.organizer_id == branch.id and in_year(t.held_on))
        put(branch, "train.per_level", policy.train_per_level, held, held >= policy.train_per_level)
        secretaries = [
            p for p in cadres if p.organization_id == branch.id and p.post == "secretary" and serving(p, ref)
        ]
        if secretaries:
            attended = set()
            for post in secretaries:
                attended |= trainings_of_cadre[post.id]
                if post.member_id:
                    attended |= trainings_of_member[post.member_id]
            count = sum(
                1
                for training_id in attended
                if training_by_id[training_id].level in ("county", "township")
                and in_year(training_by_id[training_id].held_on)
            )
            met = count >= policy.train_secretary
            put(branch, "train.secretary", policy.train_secretary, count, met)
            if not met:
                alerts.add((branch.id, "train.secretary", None))
        else:
            put(branch, "train.secretary", policy.train_secretary, 0, False, vacant=True)
        cycle_first = year - policy.train_rotation_cycle_years + 1
        roll = [m for m in members if roll_branch.get(m.id) == branch.id]
        if roll:
            trained = 0
            for member in roll:
                if any(
                    cycle_first <= training_by_id[t].held_on.year <= year
                    for t in trainings_of_member[member.id]
                ):
                    trained += 1
            actual = share(trained, len(roll))
            met = actual >= policy.train_rotation
            put(branch, "train.rotation", policy.train_rotation, actual, met, roll=len(roll), trained=trained)
        else:
            put(branch, "train.rotation", policy.train_rotation, None, None, roll=0, trained=0)

        # visits
        persons = persons_of(branch)
        reached = 0
        for key, posts in persons.items():
            if households(key, posts, branch, y1) >= policy.visit_households:
                reached += 1
            if current_year:
                so_far = households(key, posts, branch, today)
                days_in_year = (y1 - y0).days + 1
                elapsed = (today - y0).days + 1
                if (
                    so_far * days_in_year < policy.visit_households * elapsed
                ):  # so_far × diy / elapsed < target
                    first = min(p.id for p in posts)
                    alerts.add((branch.id, "visit.pace", first))
        put(branch, "visit.households", len(persons), reached, (reached >= len(persons)) if persons else None)

        # study of the serving secretaries
        secretary_ids = {p.id for p in secretaries}
        records = [r for r in studies if r.cadre_id in secretary_ids and r.year == year]
        for code, field, target in (
            ("sessions", "sessions", policy.study_village_sessions),
            ("notes", "note_characters", policy.study_village_notes),
            ("articles", "articles", policy.study_village_articles),
        ):
            if secretaries:
                total = sum(getattr(r, field) for r in records)
                put(branch, f"study.village.{code}", target, total, total >= target)
            else:
                put(branch, f"study.village.{code}", target, 0, False)

        # reviews and disclosures
        for code, kinds, target in (
            ("review.committee_reports", {"committee_report"}, policy.review_committee_reports),
            ("review.branch_reports", {"branch_report"}, policy.review_branch_reports),
            ("review.democratic", {"member_review", "representative_review"}, policy.review_democratic),
        ):
            actual = sum(
                1
                for r in reviews
                if r.organization_id == branch.id and r.kind in kinds and in_year(r.held_on)
            )
            put(branch, code, target, actual, actual >= target)
        actual = sum(1 for d in disclosures if d.organization_id == branch.id and d.year == year)
        put(
            branch,
            "review.disclosures",
            policy.review_disclosures,
            actual,
            actual >= policy.review_disclosures,
        )

        # reserve and the young in the team
        actual = sum(
            1
            for r in reserves
            if r.organization_id == branch.id
            and r.status == "in_roster"
            and r.entered_on <= ref
            and age(r.birth_date, ref) <= 35
        )
        met = actual >= policy.reserve_young
        put(branch, "reserve.young", policy.reserve_young, actual, met)
        if not met:
            alerts.add((branch.id, "reserve.young", None))
        actual = 0
        for key, posts in persons.items():
            years = age(birth_of(key, posts), ref)
            if years is not None and years <= 35:
                actual += 1
        put(
            branch,
            "reserve.team_young",
            policy.reserve_team_young,
            actual,
            actual >= policy.reserve_team_young,
        )

        # contact points
        points = [c for c in contacts if c.organization_id == branch.id and c.year == year]
        if points:
            actual = sum(
                1
                for c in points
                if c.lecture_on is not None
                and c.check_on is not None
                and c.activity_on is not None
                and c.days_spent >= policy.contact_days
            )
            put(branch, "contact.visit", len(points), actual, actual >= len(points))

    # --- committees and counties ------------------------------------------------------------------------
    for org in participants:
        if org.kind not in COMMITTEE_KINDS | COUNTY_KINDS:
            continue
        held = sum(1 for t in trainings if t.organizer_id == org.id and in_year(t.held_on))
        put(org, "train.per_level", policy.train_per_level, held, held >= policy.train_per_level)

        # READING: "in the subtree" counts the branches taking part only.
        subtree_admissions = [
            member
            for member, branch_id in admissions
            if in_year(member.joined_on)
            and within(branch_id, org)
            and org_by_id[branch_id].kind in BRANCH_KINDS
            and taking_part(org_by_id[branch_id])
        ]
        for code, counts, target in (
            ("dev.young_share", lambda m: age(m.birth_date, m.joined_on) < 35, policy.dev_young_share),
            ("dev.educated_share", lambda m: m.education in EDUCATED, policy.dev_educated_share),
        ):
            if subtree_admissions:
                actual = share(sum(1 for m in subtree_admissions if counts(m)), len(subtree_admissions))
                put(org, code, target, actual, actual >= target)
            else:
                put(org, code, target, None, None, admissions=0)

        # READING: a rollup row exists when some branch taking part in the subtree has a non-null met.
        for code in BRANCH_CODES:
            mets = [
                results[(branch.id, code)][2]
                for branch in participants
                if branch.kind in BRANCH_KINDS
                and branch.path.startswith(org.path)
                and (branch.id, code) in results
            ]
            target = sum(1 for met in mets if met is not None)
            actual = sum(1 for met in mets if met is True)
            if target:
                put(org, f"rollup.{code}", target, actual, actual == target)

        if org.kind in COMMITTEE_KINDS:
            for room_target in room_targets:
                if room_target.organization_id == org.id and room_target.year == year:
                    actual = sum(
                        1
                        for room in rooms
                        if within(room.organization_id, org)
                        and taking_part(org_by_id[room.organization_id])
                        and room.is_standardized
                        and room.standardized_on is not None
                        and room.standardized_on <= y1
                    )
                    put(org, "room.standardized", room_target.target, actual, actual >= room_target.target)

            # READING: instructors at branches taking part in the subtree; notes over all instructor posts.
            instructors = set()
            for post in cadres:
                if (
                    post.post == "instructor"
                    and serving(post, ref)
                    and within(post.organization_id, org)
                    and org_by_id[post.organization_id].kind in BRANCH_KINDS
                    and taking_part(org_by_id[post.organization_id])
                ):
                    instructors.add(("member", post.member_id) if post.member_id else ("post", post.id))
            for code, field, target in (
                ("notes", "note_characters", policy.study_township_notes),
                ("articles", "articles", policy.study_township_articles),
            ):
                reached = 0
                for key in instructors:
                    if key[0] == "member":
                        post_ids = {p.id for p in cadres if p.post == "instructor" and p.member_id == key[1]}
                    else:
                        post_ids = {key[1]}
                    total = sum(
                        getattr(r, field) for r in studies if r.cadre_id in post_ids and r.year == year
                    )
                    if total >= target:
                        reached += 1
                met = (reached >= len(instructors)) if instructors else None
                put(org, f"study.township.{code}", len(instructors), reached, met)

    # --- train.per_level alerts (every organization with that result) -----------------------------------
    for (org_id, code), (target, actual, _met, _detail) in list(results.items()):
        if code != "train.per_level":
            continue
        if year < today.year:
            expected = target
        elif current_year:
            expected = int(target * quarters / 4)
        else:
            continue
        if actual < expected:
            alerts.add((org_id, "train.per_level", None))

    # --- organization rules and terms (docs/terms.md) -------------------------------------------------------
    for branch in participants:
        if branch.kind not in ("branch", "joint_branch"):
            continue
        full = sum(
            1
            for member in members
            if roll_branch.get(member.id) == branch.id
            and member.category == "full"
            and (member.confirmed_on is None or member.confirmed_on <= ref)
        )
        posts = [
            p.post
            for p in cadres
            if p.organization_id == branch.id
            and p.post in ("secretary", "deputy_secretary", "branch_committee")
            and serving(p, ref)
        ]
        secretaries, deputies = posts.count("secretary"), posts.count("deputy_secretary")
        if full < 3:
            alerts.add((branch.id, "org.members_few", None))
        if full > 50:
            alerts.add((branch.id, "org.members_many", None))
        if full >= 7 and (secretaries != 1 or not 3 <= len(posts) <= 5):
            alerts.add((branch.id, "org.committee", None))
        if full < 7 and (secretaries != 1 or deputies > 1 or posts.count("branch_committee")):
            alerts.add((branch.id, "org.secretary", None))
    latest_term = {}
    for term in Term.objects.order_by("starts_on", "id"):
        if term.starts_on <= ref:
            latest_term[term.organization_id] = term
    for org in participants:
        term = latest_term.get(org.id)
        if term is None:
            continue
        if term.ends_on < ref:
            alerts.add((org.id, "term.overdue", None))
        elif term.ends_on <= ref + relativedelta(months=3):
            alerts.add((org.id, "term.ends_3m", None))
        elif term.ends_on <= ref + relativedelta(months=6):
            alerts.add((org.id, "term.ends_6m", None))

    return results, alerts
