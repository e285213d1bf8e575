from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("sag/<uuid:case_uuid>/", views.case_booking, name="case_booking"),
    path("sag/<uuid:case_uuid>/kontakt/", views.contact_attempt_add, name="contact_attempt_add"),
    path(
        "sag/<uuid:case_uuid>/kontakt/<int:attempt_id>/ret/",
        views.contact_attempt_correct,
        name="contact_attempt_correct",
    ),
    path("sag/<uuid:case_uuid>/bekraeft/", views.confirm, name="confirm"),
    path("sag/<uuid:case_uuid>/book/", views.book, name="book"),
    path("moede/<uuid:meeting_uuid>/", views.meeting_detail, name="meeting_detail"),
    path("moede/<uuid:meeting_uuid>/brev.pdf", views.meeting_letter, name="meeting_letter"),
    path("moede/<uuid:meeting_uuid>/invitation.ics", views.meeting_invitation, name="meeting_invitation"),
    path("moede/<uuid:meeting_uuid>/aflys/", views.meeting_cancel, name="meeting_cancel"),
    path("moede/<uuid:meeting_uuid>/flyt/", views.meeting_reschedule, name="meeting_reschedule"),
    path("moede/<uuid:meeting_uuid>/udfald/", views.meeting_outcome, name="meeting_outcome"),
    path("fordeling/", views.allocation, name="allocation"),
    path("fordeling/<uuid:case_uuid>/", views.allocate, name="allocate"),
    path("kalender/", views.team_week, name="team_week"),
    path("kalender/konsulent/<int:user_id>/", views.consultant_week, name="consultant_week"),
    path("kalender/min/", views.my_calendar, name="my_calendar"),
    path("kalender/min/feed/", views.my_feed, name="my_feed"),
    path("kalender/min/fravaer/", views.my_absence_add, name="my_absence_add"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
