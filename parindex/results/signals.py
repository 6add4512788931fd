"""What the results announce to the apps above them, which they may not import.

`results_published` is sent inside the transaction that publishes a revision (a first
publication or a correction), with `snapshot` and `by`. The follow-up turns the lost
points into weaknesses from it; a receiver that takes long queues a job on commit.
"""

from django.dispatch import Signal

results_published = Signal()
