from django.utils import translation

from koers.core.templatetags.koers_audit import audit_summary


def test_an_audit_summary_that_is_a_msgid_shows_in_dutch_on_a_dutch_page():
    with translation.override("nl"):
        assert audit_summary("added a note") == "notitie toegevoegd"


def test_an_audit_summary_without_translation_is_shown_as_recorded_and_marked_english():
    with translation.override("nl"):
        assert audit_summary("assigned to <b>anna</b>") == (
            '<span lang="en">assigned to &lt;b&gt;anna&lt;/b&gt;</span>'
        )
    with translation.override("en"):
        assert audit_summary("assigned to anna") == "assigned to anna"
