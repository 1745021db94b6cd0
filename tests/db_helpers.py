"""Writing rows the database would now refuse, to prove older rows are still handled safely."""

from django.db import connection


def store_bypassing_checks(model, pk, **values):
    """Write a row the way a database from before migration 0011 could hold it (checks off for this test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks block ALTER TABLE
            for constraint in model._meta.constraints:
                if constraint.name.endswith("_http"):
                    cursor.execute(f"ALTER TABLE {model._meta.db_table} DROP CONSTRAINT {constraint.name}")
        model.objects.filter(pk=pk).update(**values)
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = OFF")
