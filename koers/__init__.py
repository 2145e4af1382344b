"""koers: a self-hostable social-media strategy platform (plan, publish, listen, measure)."""

__version__ = "0.1.0"
