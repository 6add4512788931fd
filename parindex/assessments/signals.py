"""What the workflow announces to the apps above it, which it may not import.

`round_closed` is sent inside the transaction that closes an appraisal round, before the
cycle moves on, with `cycle`, `round_number`, `closed` (the assessments the round closed)
and `by`. A receiver returns one sentence saying what it did, for the administrator's
page (the results app computes the preliminary results and sends them to the units); an
error in a receiver undoes the whole close.
"""

from django.dispatch import Signal

round_closed = Signal()

# `proposals_wanted` is sent by the assessment page with `assessment`, `criteria` (its
# leaves whose framework names a `prefill` source, frameworks.prefill) and `viewer` (who
# reads the page: a source the viewer may not open is counted, not named). A receiver returns
# {criterion code: frameworks.prefill.Proposal} for the leaves it can propose an answer
# for, from what it holds of the unit's year; it reads and never writes.
proposals_wanted = Signal()
