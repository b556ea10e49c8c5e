"""Reads: plain, keyword-only functions returning querysets or plain values, with the joins their callers need.

Selectors import models and nhsit.lib only, never services or pages: what they return can be filtered,
counted, exported or paged by whoever calls them.
"""
