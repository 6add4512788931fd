"""The pure scoring engine: dataclasses in, dataclasses out, no Django.

`rules` holds the scoring rules of a leaf, `tree` the criteria tree and its validator,
`numbers` the one place where rounding is written down.
"""
