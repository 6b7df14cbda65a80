"""Joint evaluation writes (三级联述联评联考, docs/ratings-and-evaluation.md): the cycle, the secretaries'
statements (述), the raters and their grades (评) and the computed scores (考).

The scoring rules (docs/ratings-and-evaluation.md):

- evaluation score = Σ over the rater groups that graded (group mean of 100/80/60/40 points × group weight),
  divided by the sum of those groups' weights (a group without grades drops out and the others share its
  weight); good rate = share of all grades that are 好 or 较好;
- quota achievement = share (0–100) of the organization's published quota results (met known) that are met;
  star score = the organization's star rating total for the year at its latest stage (the confirmed total once
  the county confirmed it);
- examination score = quota achievement × quota weight + star score × star weight; when one of the two is
  missing the other stands alone (and when both are, there is no examination score);
- final score = evaluation × its weight + examination × its weight, the same way when one is missing;
- each figure is rounded half up to two decimals, and the next one is computed from the rounded figure; the
  final grade compares the rounded final score with the thresholds (好 ≥ good_from, ...);
- ranks are standard competition ranks ("1224": equal scores share a rank, the next rank skips), by final
  score, among the villages of one township and among the subjects of one level in the county.
"""

import datetime as dt
import io
import os
import zipfile
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from branches.models import Organization, SecurityEventKind, StaffRole
from branches.scope.editing import scoped_update
from branches.scope.querysets import NOT_ALLOWED, OutOfScope, ensure_in_scope, organization_in_scope
from branches.scope.roles import Capability, Role
from branches.services import security_event_record
from partybuild.versioning import apply_changes, differences, lock_for_edit, refuse_moves
from partybuild.years import is_year

from ..models import (
    GRADE_POINTS,
    CycleState,
    EvaluationCycle,
    EvaluationGrade,
    EvaluationLevel,
    EvaluationRater,
    EvaluationScore,
    QuotaPublication,
    QuotaResult,
    RaterGroup,
    SecretaryGrade,
    StarRating,
    Statement,
)
from ..selectors.evaluation import evaluation_subjects, secretary_name, secretary_names, subject_of

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ZIP_RATIO = 200  # uncompressed / compressed, per entry: office files stay far below it
ATTACHMENT_TYPES = ("pdf", "docx", "xlsx")

MESSAGES = {
    "cycle_moves": _("The county and year of a cycle cannot change: open a cycle for the other one."),
    "published": _("This cycle was published: its rules and results are final."),
    "not_open": _("This cycle is closed: nothing can be submitted or graded any more."),
    "already_closed": _("This cycle is already closed or published."),
    "publish_open": _("Close the cycle before publishing it."),
    "publish_no_scores": _("Compute the scores before publishing the cycle."),
    "one_per_year": _("This county already has a joint evaluation cycle for that year."),
    "not_subject": _(
        "The secretary of this organization is not evaluated in this cycle: only the county committee, its "
        "township and street committees and their village and community branches are."
    ),
    "outside_window": _("Statements are accepted from %(opens)s to %(closes)s only."),
    "statement_exists": _(
        "This organization's secretary already submitted a statement for this cycle: update it instead."
    ),
    "statement_moves": _("A statement stays with its cycle and organization."),
    "text_required": _("Write the report."),
    "attachment_type": _("Attach a PDF, Word (.docx) or Excel (.xlsx) file."),
    "attachment_size": _("The attachment is larger than %(limit)s MB."),
    "attachment_content": _("The file's content is not a %(kind)s file: it may be renamed or damaged."),
    "attachment_zip": _("The file unpacks to too much data or too many parts to be a normal %(kind)s file."),
    "rater_exists": _("This user is already a rater for this organization in this cycle."),
    "rater_outside": _("Raters are appointed for organizations of the cycle's county."),
    "rater_inactive": _("This user account is disabled."),
    "self_grade": _("You are a branch secretary of this organization: you cannot grade its secretary."),
}

KIND_LABELS = {"pdf": "PDF", "docx": "Word (.docx)", "xlsx": "Excel (.xlsx)"}


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


# --- the arithmetic (pure functions: tested at their thresholds) --------------------------------------------


def group_weights(cycle: EvaluationCycle) -> dict[str, int]:
    return {
        RaterGroup.TOWNSHIP_OFFICIAL: cycle.weight_township_officials,
        RaterGroup.MEMBER_REPRESENTATIVE: cycle.weight_member_representatives,
        RaterGroup.MASS_REPRESENTATIVE: cycle.weight_mass_representatives,
    }


def evaluation_figures(
    cycle: EvaluationCycle, counts: dict[str, dict[str, int]]
) -> tuple[Decimal | None, Decimal | None, int]:
    """(evaluation score, good rate, number of grades) from ``counts[group][grade] = n``."""
    weights = group_weights(cycle)
    weighted, weight_sum, total, good = Decimal(0), 0, 0, 0
    for group, by_grade in counts.items():
        n = sum(by_grade.values())
        if not n:
            continue
        total += n
        good += by_grade.get(EvaluationGrade.GOOD, 0) + by_grade.get(EvaluationGrade.FAIRLY_GOOD, 0)
        weight = weights.get(group, 0)
        if weight:
            points = sum(GRADE_POINTS[EvaluationGrade(grade)] * k for grade, k in by_grade.items())
            weighted += Decimal(points) / n * weight
            weight_sum += weight
    score = _round(weighted / weight_sum) if weight_sum else None
    rate = _round(Decimal(good) * HUNDRED / total) if total else None
    return score, rate, total


def quota_achievement(met: int, known: int) -> Decimal | None:
    return _round(Decimal(met) * HUNDRED / known) if known else None


def _weighted(pairs: list[tuple[Decimal | None, int]]) -> Decimal | None:
    present = [(value, weight) for value, weight in pairs if value is not None]
    weight_sum = sum(weight for _value, weight in present)
    if not present or not weight_sum:
        return None
    return _round(sum((value * weight for value, weight in present), Decimal(0)) / weight_sum)


def examination_score(cycle: EvaluationCycle, quota: Decimal | None, stars: Decimal | None) -> Decimal | None:
    return _weighted([(quota, cycle.exam_weight_quota), (stars, cycle.exam_weight_stars)])


def final_score(
    cycle: EvaluationCycle, evaluation: Decimal | None, examination: Decimal | None
) -> Decimal | None:
    return _weighted([(evaluation, cycle.weight_evaluation), (examination, cycle.weight_examination)])


def grade_for(cycle: EvaluationCycle, score: Decimal | None) -> str:
    if score is None:
        return ""
    if score >= cycle.good_from:
        return EvaluationGrade.GOOD
    if score >= cycle.fairly_good_from:
        return EvaluationGrade.FAIRLY_GOOD
    if score >= cycle.average_from:
        return EvaluationGrade.AVERAGE
    return EvaluationGrade.POOR


def competition_ranks(scores: dict) -> dict:
    """Standard competition ranks ("1224") of ``{key: score}``; keys without a score get no rank."""
    ordered = sorted((score for score in scores.values() if score is not None), reverse=True)
    first = {}
    for position, score in enumerate(ordered, start=1):
        first.setdefault(score, position)
    return {key: first[score] for key, score in scores.items() if score is not None}


# --- computing the scores -----------------------------------------------------------------------------------


def _grade_counts(cycle) -> dict[int, dict[str, dict[str, int]]]:
    counts: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    rows = (
        SecretaryGrade.objects.filter(rater__cycle=cycle)
        .values("organization_id", "rater__group", "grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["organization_id"]][row["rater__group"]][row["grade"]] = row["n"]
    return counts


def _quota_counts(cycle) -> dict[int, tuple[int, int]]:
    publication = QuotaPublication.objects.filter(
        organization=OuterRef("organization"), year=OuterRef("year"), run=OuterRef("run")
    )
    rows = (
        QuotaResult.objects.filter(
            Exists(publication),
            year=cycle.year,
            organization__path__startswith=cycle.county.path,
            met__isnull=False,
        )
        .values("organization_id")
        .annotate(known=Count("pk"), met=Count("pk", filter=Q(met=True)))
        .order_by()
    )
    return {row["organization_id"]: (row["met"], row["known"]) for row in rows}


def _star_totals(cycle) -> dict[int, tuple[Decimal, int]]:
    rows = StarRating.objects.filter(year=cycle.year, organization__path__startswith=cycle.county.path)
    return {
        organization_id: (total, stars)
        for organization_id, total, stars in rows.values_list("organization_id", "total", "stars")
    }


def build_scores(cycle: EvaluationCycle, *, today: dt.date | None = None) -> list[EvaluationScore]:
    """The cycle's score rows (unsaved), read with a fixed number of queries: subjects, grades, quota results,
    star ratings and secretaries, each once for the whole county."""
    today = today or timezone.localdate()
    subjects = evaluation_subjects(cycle.county, on=cycle.opens_on)
    grades = _grade_counts(cycle)
    quotas = _quota_counts(cycle)
    stars = _star_totals(cycle)
    names = secretary_names(cycle.county.path, on=today)
    rows = []
    for subject in subjects:
        evaluation, good_rate, count = evaluation_figures(cycle, grades.get(subject.organization_id, {}))
        quota = quota_achievement(*quotas.get(subject.organization_id, (0, 0)))
        star_total, star_count = stars.get(subject.organization_id, (None, None))
        star_score = _round(Decimal(star_total)) if star_total is not None else None
        examination = examination_score(cycle, quota, star_score)
        final = final_score(cycle, evaluation, examination)
        rows.append(
            EvaluationScore(
                cycle=cycle,
                organization_id=subject.organization_id,
                level=subject.level,
                township_id=subject.township_id,
                secretary_name=names.get(subject.organization_id, "")[:50],
                grades_count=count,
                evaluation_score=evaluation,
                good_rate=good_rate,
                quota_achievement=quota,
                star_score=star_score,
                stars=star_count,
                examination_score=examination,
                final_score=final,
                grade=grade_for(cycle, final),
            )
        )
    _rank(rows)
    return rows


def _rank(rows: list[EvaluationScore]) -> None:
    by_level: dict[str, dict[int, Decimal | None]] = defaultdict(dict)
    by_township: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
    for index, row in enumerate(rows):
        by_level[row.level][index] = row.final_score
        if row.level == EvaluationLevel.VILLAGE:
            by_township[row.township_id][index] = row.final_score
    for scores in by_level.values():
        for index, rank in competition_ranks(scores).items():
            rows[index].rank_in_county = rank
    for scores in by_township.values():
        for index, rank in competition_ranks(scores).items():
            rows[index].rank_in_township = rank


def evaluation_scores_compute(*, actor, cycle: EvaluationCycle) -> list[EvaluationScore]:
    """(Re)compute every score of ``cycle`` and replace the old set atomically: readers see the old set or the
    new one, never half. Needs the policy capability over the county; a published cycle is final."""
    if not organization_in_scope(actor, cycle.county, Capability.POLICY):
        raise OutOfScope(NOT_ALLOWED)
    with transaction.atomic():
        cycle = EvaluationCycle.objects.select_for_update().select_related("county").get(pk=cycle.pk)
        if cycle.state == CycleState.PUBLISHED:
            raise ValidationError({"state": [MESSAGES["published"]]})
        rows = build_scores(cycle)
        EvaluationScore.objects.filter(cycle=cycle).delete()
        EvaluationScore.objects.bulk_create(rows, batch_size=1000)
    return rows


# --- the cycle ----------------------------------------------------------------------------------------------


def _cycle_event(actor, cycle: EvaluationCycle, detail: dict) -> None:
    security_event_record(
        kind=SecurityEventKind.POLICY_CHANGED,
        user=actor,
        organization=cycle.county,
        detail={"model": "evaluation_cycle", "year": cycle.year, **detail},
    )


def default_window(year: int) -> dict[str, dt.date]:
    return {
        "opens_on": dt.date(year, 11, 1),
        "statements_due_on": dt.date(year, 12, 15),
        "closes_on": dt.date(year, 12, 31),
    }


@transaction.atomic
def evaluation_cycle_create(*, actor, county: Organization, year: int, **settings) -> EvaluationCycle:
    """Open the county's cycle for ``year``: window 1 Nov–31 Dec with statements due 15 Dec unless given."""
    if not organization_in_scope(actor, county, Capability.POLICY):
        raise OutOfScope(NOT_ALLOWED)
    settings.pop("state", None)
    if is_year(year):
        settings = {**default_window(year), **{k: v for k, v in settings.items() if v is not None}}
    cycle = EvaluationCycle(county=county, year=year, **settings)
    try:
        cycle.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error
    if EvaluationCycle.objects.filter(county=county, year=year).exists():
        raise ValidationError({"year": [MESSAGES["one_per_year"]]})
    cycle._history_user = actor
    try:
        with transaction.atomic():
            cycle.save()
    except IntegrityError as error:  # a concurrent create of the same county and year
        raise ValidationError({"year": [MESSAGES["one_per_year"]]}) from error
    ensure_in_scope(actor, cycle, "add")
    _cycle_event(actor, cycle, {"created": True})
    return cycle


RULE_FIELDS = frozenset(
    {
        "opens_on",
        "statements_due_on",
        "closes_on",
        "weight_evaluation",
        "weight_examination",
        "exam_weight_quota",
        "exam_weight_stars",
        "weight_township_officials",
        "weight_member_representatives",
        "weight_mass_representatives",
        "good_from",
        "fairly_good_from",
        "average_from",
    }
)


@transaction.atomic
def evaluation_cycle_update(
    *, actor, evaluation_cycle: EvaluationCycle, expected_version=None, precondition=False, **changes
) -> EvaluationCycle:
    """Change the window, weights or thresholds; the state changes only by closing and publishing."""
    changed = {}

    def prepare(cycle, changes):
        refuse_moves(cycle, changes, ("county", "year"), MESSAGES["cycle_moves"])
        if cycle.state == CycleState.PUBLISHED:
            raise ValidationError({"state": [MESSAGES["published"]]})
        changes = {field: value for field, value in changes.items() if field in RULE_FIELDS}
        changed.update(differences(cycle, changes))
        return changes

    def after_save(cycle):
        if changed:
            _cycle_event(actor, cycle, {"changed": changed})

    return scoped_update(
        actor,
        evaluation_cycle,
        expected_version,
        precondition,
        changes,
        prepare=prepare,
        after_save=after_save,
        exclude_clean=["county"],
    )


@transaction.atomic
def evaluation_cycle_close(*, actor, cycle: EvaluationCycle, expected_version=None) -> EvaluationCycle:
    """No more statements or grades: the county closes the cycle before publishing it."""
    ensure_in_scope(actor, cycle, "change", NOT_ALLOWED)
    cycle = lock_for_edit(cycle, expected_version)
    if cycle.state != CycleState.OPEN:
        raise ValidationError({"state": [MESSAGES["already_closed"]]})
    apply_changes(cycle, {"state": CycleState.CLOSED}, actor=actor, exclude_clean=["county"])
    _cycle_event(actor, cycle, {"state": CycleState.CLOSED})
    return cycle


@transaction.atomic
def evaluation_cycle_publish(*, actor, cycle: EvaluationCycle, expected_version=None) -> EvaluationCycle:
    """Make the computed results visible to everyone in scope (the rated included): the county only, once
    closed and computed. A security event records who published."""
    ensure_in_scope(actor, cycle, "change", NOT_ALLOWED)
    cycle = lock_for_edit(cycle, expected_version)
    if cycle.state == CycleState.PUBLISHED:
        raise ValidationError({"state": [MESSAGES["published"]]})
    if cycle.state != CycleState.CLOSED:
        raise ValidationError({"state": [MESSAGES["publish_open"]]})
    if not EvaluationScore.objects.filter(cycle=cycle).exists():
        raise ValidationError({"state": [MESSAGES["publish_no_scores"]]})
    changes = {"state": CycleState.PUBLISHED, "published_at": timezone.now(), "published_by": actor}
    apply_changes(cycle, changes, actor=actor, exclude_clean=["county"])
    _cycle_event(actor, cycle, {"state": CycleState.PUBLISHED})
    return cycle


# --- statements ---------------------------------------------------------------------------------------------


def _zip_check(data: bytes, kind: str) -> None:
    folder = {"docx": "word/", "xlsx": "xl/"}[kind]
    content = ValidationError({"attachment": [MESSAGES["attachment_content"] % {"kind": KIND_LABELS[kind]}]})
    bomb = ValidationError({"attachment": [MESSAGES["attachment_zip"] % {"kind": KIND_LABELS[kind]}]})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise content from error
    if len(entries) > MAX_ZIP_ENTRIES:
        raise bomb
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > MAX_ATTACHMENT_BYTES and entry.file_size > MAX_ZIP_RATIO * max(
            entry.compress_size, 1
        ):
            raise bomb
    if total > MAX_ZIP_UNCOMPRESSED_BYTES:
        raise bomb
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or not any(name.startswith(folder) for name in names):
        raise content


def check_attachment(upload) -> str:
    """Refuse anything but a PDF, .docx or .xlsx of at most 10 MB, judged by its content (a renamed PNG is
    refused); returns the kind. Archives are inspected, never unpacked."""
    name = getattr(upload, "name", "") or ""
    kind = os.path.splitext(name)[1].lower().lstrip(".")
    if kind not in ATTACHMENT_TYPES:
        raise ValidationError({"attachment": [MESSAGES["attachment_type"]]})
    size = getattr(upload, "size", None)
    if size is None or size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {"attachment": [MESSAGES["attachment_size"] % {"limit": MAX_ATTACHMENT_BYTES // (1024 * 1024)}]}
        )
    upload.seek(0)
    data = upload.read(MAX_ATTACHMENT_BYTES + 1)
    upload.seek(0)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {"attachment": [MESSAGES["attachment_size"] % {"limit": MAX_ATTACHMENT_BYTES // (1024 * 1024)}]}
        )
    if kind == "pdf":
        if not data.startswith(b"%PDF-"):
            raise ValidationError(
                {"attachment": [MESSAGES["attachment_content"] % {"kind": KIND_LABELS[kind]}]}
            )
    else:
        _zip_check(data, kind)
    return kind


def _set_attachment(statement: Statement, upload) -> None:
    kind = check_attachment(upload)
    original = os.path.basename(upload.name or "")
    statement.attachment_name = original[:200]
    stem = get_valid_filename(os.path.splitext(original)[0])[:60] or "statement"
    upload.name = f"{stem}.{kind}"
    statement.attachment = upload


def _check_window(cycle: EvaluationCycle, now) -> None:
    if cycle.state != CycleState.OPEN:
        raise ValidationError({"cycle": [MESSAGES["not_open"]]})
    today = timezone.localdate(now)
    if not cycle.opens_on <= today <= cycle.closes_on:
        raise ValidationError(
            {"cycle": [MESSAGES["outside_window"] % {"opens": cycle.opens_on, "closes": cycle.closes_on}]}
        )


@transaction.atomic
def statement_submit(
    *, actor, cycle: EvaluationCycle, organization: Organization, text: str, attachment=None
) -> Statement:
    """A secretary's report (述), by the secretary of the organization or staff entering records over it.
    Accepted within the cycle's window while it is open; late when submitted after the due date (local
    time)."""
    if not organization_in_scope(actor, organization, Capability.RECORDS):
        raise OutOfScope(NOT_ALLOWED)
    cycle = EvaluationCycle.objects.select_related("county").get(pk=cycle.pk)
    subject = subject_of(cycle, organization)
    if subject is None:
        raise ValidationError({"organization": [MESSAGES["not_subject"]]})
    now = timezone.now()
    _check_window(cycle, now)
    if not (text or "").strip():
        raise ValidationError({"text": [MESSAGES["text_required"]]})
    if Statement.objects.filter(cycle=cycle, organization=organization).exists():
        raise ValidationError({"organization": [MESSAGES["statement_exists"]]})
    statement = Statement(
        cycle=cycle,
        organization=organization,
        level=subject.level,
        secretary_name=secretary_name(organization, on=timezone.localdate(now))[:50],
        text=text.strip(),
        submitted_at=now,
        submitted_by=actor,
        late=timezone.localdate(now) > cycle.statements_due_on,
    )
    if attachment:
        _set_attachment(statement, attachment)
    # A vacant secretary post leaves the name empty: the statement is the organization's all the same.
    statement.full_clean(exclude=["secretary_name"], validate_constraints=False)
    statement._history_user = actor
    try:
        with transaction.atomic():
            statement.save()
    except IntegrityError as error:
        raise ValidationError({"organization": [MESSAGES["statement_exists"]]}) from error
    ensure_in_scope(actor, statement, "add")
    return statement


@transaction.atomic
def statement_update(
    *, actor, statement: Statement, expected_version=None, precondition=False, **changes
) -> Statement:
    """Rewrite the text or replace the attachment while the window is open (``attachment=None`` removes
    it). Whether the statement was late stays as at its first submission."""
    return scoped_update(
        actor,
        statement,
        expected_version,
        precondition,
        changes,
        prepare=_statement_fields,
        exclude_clean=["cycle", "organization", "secretary_name"],
    )


def _statement_fields(statement: Statement, changes: dict) -> dict:
    """What an edit sets, while the window is open: the text (required) and the attachment. The cycle and
    the organization stay."""
    refuse_moves(statement, changes, ("cycle", "organization"), MESSAGES["statement_moves"])
    _check_window(statement.cycle, timezone.now())
    fields = {}
    if "text" in changes:
        if not (changes["text"] or "").strip():
            raise ValidationError({"text": [MESSAGES["text_required"]]})
        fields["text"] = changes["text"].strip()
    if "attachment" in changes:
        if changes["attachment"]:
            _set_attachment(statement, changes["attachment"])
            fields["attachment"] = statement.attachment
        else:
            fields.update(attachment="", attachment_name="")
    return fields


# --- raters and grades --------------------------------------------------------------------------------------


@transaction.atomic
def rater_appoint(
    *, actor, cycle: EvaluationCycle, user, group: str, organization: Organization
) -> EvaluationRater:
    """Appoint ``user`` to grade, in ``group``, every secretary evaluated in ``organization``'s subtree."""
    if not organization_in_scope(actor, cycle.county, Capability.POLICY) or not organization_in_scope(
        actor, organization, Capability.POLICY
    ):
        raise OutOfScope(NOT_ALLOWED)
    if cycle.state != CycleState.OPEN:
        raise ValidationError({"cycle": [MESSAGES["not_open"]]})
    if not organization.path.startswith(cycle.county.path):
        raise ValidationError({"organization": [MESSAGES["rater_outside"]]})
    if not user.is_active:
        raise ValidationError({"user": [MESSAGES["rater_inactive"]]})
    if EvaluationRater.objects.filter(cycle=cycle, user=user, organization=organization).exists():
        raise ValidationError({"user": [MESSAGES["rater_exists"]]})
    rater = EvaluationRater(cycle=cycle, user=user, group=group, organization=organization)
    rater.full_clean(validate_constraints=False)
    rater._history_user = actor
    try:
        with transaction.atomic():
            rater.save()
    except IntegrityError as error:
        raise ValidationError({"user": [MESSAGES["rater_exists"]]}) from error
    ensure_in_scope(actor, rater, "add")
    return rater


@transaction.atomic
def rater_remove(*, actor, rater: EvaluationRater) -> None:
    """Withdraw an appointment while the cycle is open; the rater's grades go with it (history keeps them)."""
    ensure_in_scope(actor, rater, "delete", NOT_ALLOWED)
    if rater.cycle.state != CycleState.OPEN:
        raise ValidationError({"cycle": [MESSAGES["not_open"]]})
    for grade in rater.grades.all():
        grade._history_user = actor
        grade.delete()
    rater._history_user = actor
    rater.delete()


@transaction.atomic
def grade_submit(
    *, actor, rater: EvaluationRater, organization_id: int, grade: str
) -> tuple[SecretaryGrade, bool]:
    """The rater grades one secretary of their subtree (评) while the cycle is open; a second grade replaces
    the first (history keeps both). An appointment that is not the actor's, or an organization outside the
    rater's subtree, is the same 404 as a missing one. Returns (grade, created)."""
    if rater.user_id != getattr(actor, "pk", None):
        raise Http404
    rater = EvaluationRater.objects.select_related("cycle__county", "organization").get(pk=rater.pk)
    organization = Organization.objects.filter(
        pk=organization_id, path__startswith=rater.organization.path
    ).first()
    if organization is None:
        raise Http404
    if rater.cycle.state != CycleState.OPEN:
        raise ValidationError({"cycle": [MESSAGES["not_open"]]})
    if subject_of(rater.cycle, organization) is None:
        raise ValidationError({"organization": [MESSAGES["not_subject"]]})
    if grade not in EvaluationGrade.values:
        raise ValidationError({"grade": [_("Choose a grade: good, fairly good, average or poor.")]})
    if StaffRole.objects.filter(user=actor, organization=organization, role=Role.BRANCH_SECRETARY).exists():
        raise ValidationError({"organization": [MESSAGES["self_grade"]]})
    existing = SecretaryGrade.objects.filter(rater=rater, organization=organization).first()
    if existing is not None:
        current = lock_for_edit(existing, None)
        if current.grade == grade:
            return current, False
        return apply_changes(current, {"grade": grade}, actor=actor), False
    record = SecretaryGrade(rater=rater, organization=organization, grade=grade)
    record._history_user = actor
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:  # the same rater's concurrent first grade: replace it
        current = lock_for_edit(SecretaryGrade.objects.get(rater=rater, organization=organization), None)
        return apply_changes(current, {"grade": grade}, actor=actor), False
    return record, True
