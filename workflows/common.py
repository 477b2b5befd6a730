"""Timeouts and retry policies shared by the workflows."""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy

# Projection writes run as local activities. A database outage must delay them, never
# lose them: retry without limit, backing off to a minute.
RECORD_TIMEOUT = timedelta(seconds=30)
RECORD_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=60),
)

# Documents (render + sign) are CPU work of a few seconds; retry transient failures.
DOCUMENT_TIMEOUT = timedelta(minutes=2)
DOCUMENT_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=2),
    maximum_attempts=10,
    non_retryable_error_types=["NoSigningIdentity"],
)

MAX_TEXT = 2000
