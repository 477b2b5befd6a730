"""Documents: decisions, submissions, council minutes, public notices, certificates and
reports, rendered from Jinja2 templates to PDF (WeasyPrint), signed (PAdES, in
``activities.signing``) and stored content-addressed with their SHA-256.

Layout follows Decree 30/2020 (national title and motto, issuing body, number, place and
date, type and summary, legal bases, articles, signer block, recipients) on A4 with
Times New Roman metrics (Liberation Serif).

One module per idea; this file imports none of them, so that the workflow sandbox can
import ``types`` alone:

- ``types``: the activities' inputs and outputs, the rule-set lookup, ``DocumentError``
  (light: what the workflows import);
- ``activities``: ``DocumentActivities``, the Temporal activities (issue, sign, store);
- ``renderer``: WeasyPrint with its fonts and stylesheet, loaded once per process;
- ``phrasing``: the wording the documents share (signer block, legal bases, counts);
- ``decision``, ``certificate``, ``minutes``, ``public_notice``, ``report``: what each
  kind of document says (its template's context, read from the database);
- ``award_registry``: the awardees of an issued decision written into the award history.

The ``render_*`` functions also serve the API (previews and certificates).
"""
