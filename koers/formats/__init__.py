"""koers' date and time styles, one per language (``FORMAT_MODULE_PATH``).

Templates name a style instead of spelling a pattern: ``{{ day|date:"DATE_FORMAT" }}`` (or just
``{{ day|date }}``), ``"DATETIME_FORMAT"``, ``"SHORT_DATETIME_FORMAT"`` (day, month and time, for
lists of recent things), ``"MONTH_DAY_FORMAT"``, ``"YEAR_MONTH_FORMAT"``. Months are written
out in both languages: "4 december 2026" and "4 December 2026", never "4 Dec 2026" next to
"20 januari 2027". Numbers follow the language through Django's localisation (``floatformat``,
``koers.core.numbers``): "82,5" in Dutch, "82.5" in English.
"""
