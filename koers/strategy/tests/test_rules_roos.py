"""Communicatieroos: petals can't go active before Organiseren is in place."""

from __future__ import annotations

from koers.strategy.rules.roos import Organiseren, Petal, PetalPlan, Roos, roos_status

READY_CENTRE = Organiseren(
    roles=("community manager",),
    processes=("webcare rota",),
    guidelines=("social media policy",),
    internal="Employees share vacancies.",
    external="Partner shops repost offers.",
)
FULL_PETAL = PetalPlan(
    activities=("answer questions",), channels=("mastodon",), owner="bram", effort_hours_per_week=6
)


def test_no_petal_can_be_active_without_organiseren() -> None:
    status = roos_status(Roos(petals={Petal.REAGEREN: FULL_PETAL}))
    assert not status.organiseren_ready
    assert status.activation[Petal.REAGEREN].locked
    assert status.organiseren_missing[0].message["en"] == (
        "Organiseren needs roles, processes and guidelines before any petal can be active."
    )
    assert status.organiseren_missing[0].message["nl"] == (
        "Organiseren heeft rollen, processen en richtlijnen nodig voordat een blad actief kan zijn."
    )


def test_organiseren_needs_all_three_of_roles_processes_and_guidelines() -> None:
    centre = Organiseren(roles=("community manager",), processes=("rota",), guidelines=(" ",))
    status = roos_status(Roos(centre, {Petal.REAGEREN: FULL_PETAL}))
    assert not status.organiseren_ready
    assert "guidelines" in status.organiseren_missing[0].message["en"]
    assert "roles" not in status.organiseren_missing[0].message["en"]


def test_a_complete_petal_can_go_active_once_organiseren_is_ready() -> None:
    status = roos_status(Roos(READY_CENTRE, {Petal.REAGEREN: FULL_PETAL}))
    assert status.organiseren_ready
    assert not status.activation[Petal.REAGEREN].locked


def test_an_incomplete_petal_stays_locked_and_says_what_to_fill_in() -> None:
    status = roos_status(Roos(READY_CENTRE, {Petal.ZENDEN: PetalPlan(activities=("blog",))}))
    lock = status.activation[Petal.ZENDEN]
    assert lock.locked
    assert lock.reasons[0].message["nl"] == "Zenden: vul kanalen, eigenaar en inspanning in."
    assert status.activation[Petal.LUISTEREN].locked  # nothing filled in at all


def test_a_petal_stored_as_active_too_early_is_reported() -> None:
    active = PetalPlan(activities=("monitor",), channels=("rss",), owner="anna",
                       effort_hours_per_week=2, active=True)  # fmt: skip
    status = roos_status(Roos(petals={Petal.LUISTEREN: active}))
    assert [v.code for v in status.violations] == ["roos_active_too_early"]
    assert status.violations[0].message["nl"].startswith("Luisteren staat op actief")
    assert roos_status(Roos(READY_CENTRE, {Petal.LUISTEREN: active})).violations == ()
