"""The machine's suggestions: check-worthy sentences, the speaker of a quote, related claims.

Plain Python over installed model packages (no Django, no database): each module loads its model once per
process from an installed package (never from the network) and turns text into scored suggestions. The
services store them with their provenance (`models.SuggestionProvenance`); people accept or dismiss them.
"""
