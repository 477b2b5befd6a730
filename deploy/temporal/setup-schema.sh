#!/bin/sh
# One-shot (temporalio/admin-tools): create Temporal's two databases on PostgreSQL and
# bring their schemas to the version of this admin-tools image. Safe to run on every
# `docker compose up`: setup-schema skips a database already past version 0.0 and
# update-schema applies only the missing versions. After upgrading the Temporal images,
# this is what migrates the schema before the new server starts.
#
# temporal-sql-tool reads SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER and SQL_PASSWORD from
# the environment (set in docker-compose.yml).
set -eu

SCHEMA_ROOT=/etc/temporal/schema/postgresql/v12

migrate_database() {
    database="$1"
    schema_dir="$2"
    # `create` fails when the database exists (every start after the first): say so and
    # go on; if it failed for another reason, setup-schema below fails with the cause.
    if temporal-sql-tool --db "$database" create-database; then
        echo "created database $database"
    else
        echo "database $database not created (it exists already?): continuing"
    fi
    temporal-sql-tool --db "$database" setup-schema -v 0.0
    temporal-sql-tool --db "$database" update-schema -d "$SCHEMA_ROOT/$schema_dir/versioned"
}

migrate_database "${TEMPORAL_DBNAME:-temporal}" temporal
migrate_database "${TEMPORAL_VISIBILITY_DBNAME:-temporal_visibility}" visibility
echo "Temporal schemas are up to date"
