#!/bin/sh
# Runs once, when the PostgreSQL volume is empty (docker-entrypoint-initdb.d).
#
# Two login roles with their own passwords, so neither service holds the superuser's:
# - the application role owns the application database (the `migrate` service creates
#   the tables in it);
# - the Temporal role may create databases: the `temporal-schema` service creates and
#   migrates `temporal` and `temporal_visibility` with temporal-sql-tool, which then
#   belong to it.
# Changing a password later is done in SQL (ALTER ROLE ... PASSWORD ...), not here.
set -eu

: "${APP_DB_PASSWORD:?set APP_DB_PASSWORD (see deploy/production.env.example)}"
: "${TEMPORAL_DB_PASSWORD:?set TEMPORAL_DB_PASSWORD (see deploy/production.env.example)}"
APP_DB_USER="${APP_DB_USER:-thidua}"
APP_DB_NAME="${APP_DB_NAME:-thidua}"
TEMPORAL_DB_USER="${TEMPORAL_DB_USER:-temporal}"

# psql quotes :'var' as a literal and :"var" as an identifier, so a password or a name
# never becomes SQL.
psql --no-psqlrc --set ON_ERROR_STOP=1 \
    --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
    --set app_user="$APP_DB_USER" --set app_password="$APP_DB_PASSWORD" \
    --set app_db="$APP_DB_NAME" \
    --set temporal_user="$TEMPORAL_DB_USER" --set temporal_password="$TEMPORAL_DB_PASSWORD" \
    <<'SQL'
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_user" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
CREATE ROLE :"temporal_user" LOGIN CREATEDB PASSWORD :'temporal_password';
SQL

echo "created role and database ${APP_DB_NAME} (owner ${APP_DB_USER}) and role ${TEMPORAL_DB_USER} (CREATEDB)"
