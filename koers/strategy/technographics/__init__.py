"""Social Technographics (Li & Bernoff, Forrester): survey files → a rung profile.

Pure Python, no Django (see ARCHITECTURE.md, "Rule of the house"). DOMAIN.md §2 is the spec.
The package re-exports the public API of its modules: ``ladder`` (rungs, frequencies,
membership), ``messages`` (errors and warnings), ``survey`` (reading files), ``profile``
(percentages, the Inactives bound), ``benchmarks``, ``tactics``, ``report`` (JSON, table) and
``cli``.

Contracts in one place:

* Rungs overlap: a respondent can be a Creator *and* a Spectator. Only Inactives is exclusive.
* Membership: Creators, Critics, Collectors, Joiners and Spectators need any of their activities
  at least **monthly**; Conversationalists need one at least **weekly**. Inactives are the
  respondents who are a member of none of the *measured* rungs.
* A rung whose activity columns are all absent from the survey is *unknown*: its members and
  percentage are ``None``, never 0. Inactives is then computed against the measured rungs only and
  the profile carries a warning saying so.
* Percentages are floats with full precision (``members / respondents * 100``); rounding to one
  decimal (half up) happens only when presenting (:func:`to_json`, :func:`format_table`).
* Every user-facing string exists in English and Dutch (``{"en": ..., "nl": ...}``).

Survey files (:func:`read_survey`): comma-, semicolon- or tab-separated (sniffed from the header
line), UTF-8 with or without BOM, or Windows-1252. Header names are the activity ids of
:data:`RUNG_ACTIVITIES`, the same words with spaces or hyphens ("publish blog"), or Dutch names
from :data:`DUTCH_HEADERS`. An optional respondent id column is recognised by the names in
:data:`ID_COLUMN_NAMES`. Other columns are ignored with a warning naming each
(``Survey.ignored_columns``); a template with every recognised column, in Dutch or English names,
comes from :func:`template_csv`. Fully blank rows (Excel often writes ``;;;;`` at the end) are
skipped; a blank cell is "no answer" and does not make the respondent a member through that
activity.

Command line: ``koers technographics FILE.csv [--json] [--lang nl]`` (or
``python -m koers.strategy.technographics``).
"""

from __future__ import annotations

from koers.strategy.technographics.benchmarks import (
    BENCHMARKS,
    Benchmark,
    RungComparison,
    compare,
)
from koers.strategy.technographics.cli import (
    main,
)
from koers.strategy.technographics.ladder import (
    ACTIVE_RUNGS,
    ACTIVITY_IDS,
    ACTIVITY_RUNG,
    FREQUENCY_WORDS,
    RUNG_ACTIVITIES,
    RUNG_NAMES,
    RUNG_THRESHOLD,
    Frequency,
    Rung,
    UnknownFrequencyError,
    parse_frequency,
    rungs_for,
)
from koers.strategy.technographics.messages import (
    MESSAGES,
    SurveyError,
    SurveyWarning,
)
from koers.strategy.technographics.profile import (
    InactivesBound,
    RungResult,
    TechnographicsProfile,
    build_profile,
    check_inactives_bound,
    profile_from_bytes,
    profile_from_survey,
    sanity_warnings,
)
from koers.strategy.technographics.report import (
    format_table,
    round_pct,
    to_json,
)
from koers.strategy.technographics.survey import (
    DUTCH_HEADERS,
    DUTCH_TEMPLATE_NAMES,
    ID_COLUMN_NAMES,
    Respondent,
    Survey,
    map_header,
    read_survey,
    recognised_columns,
    template_columns,
    template_columns_by_activity,
    template_csv,
)
from koers.strategy.technographics.tactics import (
    DEFAULT_TACTICS,
    PARTICIPATION_90_9_1,
    RUNG_OBJECTIVES,
    ParticipationRule,
    TacticAdvice,
    expected_participation,
    suggest_objectives,
    suggest_tactics,
)

__all__ = [
    "Frequency",
    "Rung",
    "ACTIVE_RUNGS",
    "RUNG_ACTIVITIES",
    "ACTIVITY_RUNG",
    "ACTIVITY_IDS",
    "RUNG_THRESHOLD",
    "RUNG_NAMES",
    "FREQUENCY_WORDS",
    "UnknownFrequencyError",
    "parse_frequency",
    "rungs_for",
    "MESSAGES",
    "SurveyError",
    "SurveyWarning",
    "DUTCH_HEADERS",
    "DUTCH_TEMPLATE_NAMES",
    "ID_COLUMN_NAMES",
    "Respondent",
    "Survey",
    "map_header",
    "read_survey",
    "recognised_columns",
    "template_columns",
    "template_columns_by_activity",
    "template_csv",
    "RungResult",
    "TechnographicsProfile",
    "build_profile",
    "profile_from_survey",
    "profile_from_bytes",
    "InactivesBound",
    "check_inactives_bound",
    "sanity_warnings",
    "Benchmark",
    "BENCHMARKS",
    "RungComparison",
    "compare",
    "DEFAULT_TACTICS",
    "RUNG_OBJECTIVES",
    "suggest_objectives",
    "TacticAdvice",
    "suggest_tactics",
    "ParticipationRule",
    "PARTICIPATION_90_9_1",
    "expected_participation",
    "round_pct",
    "to_json",
    "format_table",
    "main",
]
