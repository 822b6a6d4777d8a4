"""Pure plan parsing: text in, :class:`~workflows.parsing.result.ExtractedPlan` out. No I/O.

May import: nothing of the project (pure).
"""
