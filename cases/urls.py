from django.urls import path

from cases import alert_views, audit_views, leaver_views, views, views_casework

app_name = "cases"
urlpatterns = [
    path("mine/", views.my_cases, name="my_cases"),
    path("opgaver/", alert_views.my_alerts, name="my_alerts"),
    path("opgaver/klokke/", alert_views.alert_bell, name="alert_bell"),
    path("opgaver/<int:alert_id>/laest/", alert_views.alert_acknowledge, name="alert_acknowledge"),
    path("opgaver/<int:alert_id>/loest/", alert_views.alert_resolve, name="alert_resolve"),
    path("opret/", views.register, name="register"),
    path("arbejdsgivere/", views.employer_search, name="employer_search"),
    path("soeg/", views.search, name="search"),
    path("<uuid:uuid>/", views.detail, name="detail"),
    path("<uuid:uuid>/cpr/", views.full_cpr, name="full_cpr"),
    path("undtagelser/", views_casework.exceptions_pending, name="exceptions_pending"),
    path("undtagelser/<int:exception_id>/afgoer/", views_casework.exception_decide, name="exception_decide"),
    path("import/", views_casework.import_upload, name="import"),
    path("import/<uuid:job_uuid>/", views_casework.import_job, name="import_job"),
    path(
        "import/<uuid:job_uuid>/fremskridt/", views_casework.import_job_progress, name="import_job_progress"
    ),
    path("import/<uuid:job_uuid>/bekraeft/", views_casework.import_job_confirm, name="import_confirm"),
    path("import/<uuid:job_uuid>/annuller/", views_casework.import_job_cancel, name="import_cancel"),
    path("<uuid:uuid>/handling/<slug:slug>/", views_casework.action, name="action"),
    path("<uuid:uuid>/handling/<slug:slug>/formular/", views_casework.action_form, name="action_form"),
    path("<uuid:uuid>/tilbud/<int:offer_id>/afslut/", views_casework.offer_finish, name="offer_finish"),
    path("<uuid:uuid>/indsats/<int:measure_id>/afslut/", views_casework.measure_end, name="measure_end"),
    path("<uuid:uuid>/genaabn/", views_casework.reopen, name="reopen"),
    path("<uuid:uuid>/indsats/<int:measure_id>/ret/", views_casework.measure_correct, name="measure_correct"),
    path("<uuid:uuid>/tilbud/<int:offer_id>/ret/", views_casework.offer_correct, name="offer_correct"),
    path("<uuid:uuid>/klage/<int:complaint_id>/", views_casework.complaint_detail, name="complaint_detail"),
    path(
        "<uuid:uuid>/visitation/<int:visitation_id>/ret/",
        views_casework.visitation_correct,
        name="visitation_correct",
    ),
    path(
        "<uuid:uuid>/undtagelse/<int:exception_id>/ret/",
        views_casework.exception_correct,
        name="exception_correct",
    ),
    path(
        "<uuid:uuid>/samtale/<int:conversation_id>/ret/",
        views_casework.conversation_correct,
        name="conversation_correct",
    ),
    path("<uuid:case_uuid>/adgangslog/", audit_views.case_access_log, name="access_log"),
    path("medarbejdere/<int:user_id>/fratraedelse/", leaver_views.leaver_hand_over, name="leaver_hand_over"),
    path("revision/stikproeve/", audit_views.audit_sample_review, name="audit_sample"),
]
