"""URLs under /w/<slug>/strategy/ (namespace "strategy"); ``index`` is the navigation target."""

from __future__ import annotations

from django.urls import path

from koers.strategy import views, views_policy

app_name = "strategy"

C = "c/<int:cycle_id>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("cycles/", views.cycles, name="cycles"),
    path("cycles/new/", views.cycle_new, name="cycle-new"),
    path("policy/", views_policy.policy, name="policy"),
    path("policy/template/", views_policy.policy_template, name="policy-template"),
    path("policy/print/", views_policy.policy_document_view, {"fmt": "html"}, name="policy-print"),
    path("policy.pdf", views_policy.policy_document_view, {"fmt": "pdf"}, name="policy-pdf"),
    path(C, views.overview, name="overview"),
    path(C + "people/", views.people, name="people"),
    path(C + "people/influencers/", views.influencer_add, name="influencer-add"),
    path(
        C + "people/influencers/<int:influencer_id>/remove/",
        views.influencer_remove,
        name="influencer-remove",
    ),
    path(C + "people/audiences/", views.audience_add, name="audience-add"),
    path(
        C + "people/audiences/<int:audience_id>/remove/",
        views.audience_remove,
        name="audience-remove",
    ),
    path(C + "roi/", views.roi, name="roi"),
    path(C + "technographics/", views.technographics, name="technographics"),
    path(C + "technographics/survey/", views.survey_upload, name="survey-upload"),
    path(
        C + "technographics/template-<str:language>.csv",
        views.survey_template,
        name="survey-template",
    ),
    path(C + "technographics/benchmark/", views.benchmark_use, name="benchmark-use"),
    path(C + "technographics/compare/", views.benchmark_compare, name="benchmark-compare"),
    path(C + "technographics/tactics/", views.tactics, name="tactics"),
    path(C + "objectives/", views.objectives, name="objectives"),
    path(C + "objectives/new/", views.objective_edit, name="objective-new"),
    path(C + "objectives/example/<int:index>/", views.objective_example, name="objective-example"),
    path(C + "objectives/<int:objective_id>/", views.objective_edit, name="objective-edit"),
    path(
        C + "objectives/<int:objective_id>/delete/",
        views.objective_delete,
        name="objective-delete",
    ),
    path(C + "strategy/", views.strategy, name="strategy"),
    path(C + "decision/", views.decision, name="decision"),
    path(C + "technology/", views.technology, name="technology"),
    path(C + "technology/<int:channel_id>/remove/", views.channel_remove, name="channel-remove"),
    path(C + "technology/<int:channel_id>/", views.channel_update, name="channel-update"),
    path(C + "kerkhofs/", views.kerkhofs, name="kerkhofs"),
    path(C + "funnel/", views.funnel, name="funnel"),
    path(C + "roos/", views.roos, name="roos"),
    path(C + "maturity/", views.maturity, name="maturity"),
    path(C + "plan/", views.plan_page, name="plan"),
    path(C + "plan.html", views.plan_document, {"fmt": "html"}, name="plan-html"),
    path(C + "plan.pdf", views.plan_document, {"fmt": "pdf"}, name="plan-pdf"),
    path(C + "plan.md", views.plan_document, {"fmt": "md"}, name="plan-md"),
]
