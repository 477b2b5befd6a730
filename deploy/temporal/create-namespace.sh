#!/bin/sh
# One-shot (temporalio/admin-tools): register the application's namespace once, with its
# retention (how long closed workflow histories stay visible in Temporal; the
# application's own records live in its database). A no-op when it exists.
set -eu

: "${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS, for example temporal:7233}"
: "${NAMESPACE:?set NAMESPACE}"
RETENTION="${RETENTION:-720h}"
ATTEMPTS="${ATTEMPTS:-30}"
INTERVAL="${INTERVAL:-2}"

host="${TEMPORAL_ADDRESS%:*}"
port="${TEMPORAL_ADDRESS##*:}"
# Connect by IPv4 address: in some Docker networks the name resolves to an IPv6 address
# the server does not listen on (the reference compose files do the same).
ip="$(getent ahosts "$host" | awk '/STREAM/ && $1 !~ /:/ { print $1; exit }')"
address="${ip:-$host}:$port"

attempt=1
until temporal operator cluster health --address "$address" >/dev/null 2>&1; do
    if [ "$attempt" -ge "$ATTEMPTS" ]; then
        echo "Temporal at $TEMPORAL_ADDRESS ($address) is not healthy after $ATTEMPTS attempts" >&2
        exit 1
    fi
    attempt=$((attempt + 1))
    sleep "$INTERVAL"
done

if temporal operator namespace describe --namespace "$NAMESPACE" --address "$address" >/dev/null 2>&1; then
    echo "namespace $NAMESPACE exists"
else
    temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" \
        --address "$address"
    echo "namespace $NAMESPACE created (retention $RETENTION)"
fi
