import importlib

from django.db import migrations

from members.triggers import changed_rows
from members.triggers import pg_function

# The PostgreSQL trigger functions of the training and meeting tallies that found an UPDATE's changed rows
# by joining its two transition tables, rewritten as set differences (members/triggers.py, changed_rows):
# PL/pgSQL keeps a trigger's plan for the session, and a join planned for a one-row edit compared every
# pair of rows of a later bulk update. What each function counts is unchanged.
trainings = importlib.import_module("members.migrations.0013_training_tallies")
meetings = importlib.import_module("members.migrations.0014_meeting_tallies")

RETIMED = f"{changed_rows('id, held_on, days, hours', version='old')} x"
REASSIGNED = " UNION ".join(
    f"SELECT c.member_id FROM {changed_rows('id, member_id', version=version)} c" for version in ("old", "new")
)
# A meeting whose branch, kind or day changed is subtracted as it was and added as it is: a new day within
# the same year subtracts and adds one to the same count.
MOVED_COLUMNS = "id, organization_id, kind, held_on"
BODIES = {
    "members_trainings_retimed": trainings.ATTENDEES.format(trainings=RETIMED),
    "members_trainings_reassigned": REASSIGNED,
}


def new_functions() -> list[str]:
    moved = meetings.pg_add(f"{changed_rows(MOVED_COLUMNS, version='new')} x") + meetings.pg_subtract(
        f"{changed_rows(MOVED_COLUMNS, version='old')} x"
    )
    return [trainings.recount_function(name, touched) for name, touched in BODIES.items()] + [
        pg_function("members_meetings_moved", moved)
    ]


def old_functions() -> list[str]:
    return [trainings.recount_function(name, trainings.POSTGRES[name][2]) for name in BODIES] + [
        pg_function("members_meetings_moved", meetings.POSTGRES["members_meetings_moved"][1])
    ]


def replace(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite's triggers run row by row, on OLD and NEW
        with schema_editor.connection.cursor() as cursor:
            for statement in statements():
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0015_admission_credits"),
    ]

    operations = [migrations.RunPython(replace(new_functions), replace(old_functions))]
