from django.urls import URLPattern, path

from onex.training.views import activities, programmes, resources, staff

app_name = "training"
urlpatterns: list[URLPattern] = [
    path("activities/", activities.activity_list, name="activity_list"),
    path("activities/new/", activities.activity_new, name="activity_new"),
    path("activities/calendar/", activities.activity_calendar, name="activity_calendar"),
    path("activities/calendar.ics", activities.activity_ics, name="activity_ics"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path(
        "activities/<int:pk>/acknowledge/",
        activities.activity_acknowledge,
        name="activity_acknowledge",
    ),
    path("activities/<int:pk>/cancel/", activities.activity_cancel, name="activity_cancel"),
    path("programmes/", programmes.programme_list, name="programme_list"),
    path("programmes/new/", programmes.programme_new, name="programme_new"),
    path("programmes/<int:pk>/", programmes.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/trainers/", programmes.trainer_add, name="trainer_add"),
    path(
        "programmes/<int:pk>/trainers/<int:item>/delete/",
        programmes.trainer_remove,
        name="trainer_remove",
    ),
    path("programmes/<int:pk>/fees/", programmes.fee_add, name="fee_add"),
    path("programmes/<int:pk>/fees/<int:item>/delete/", programmes.fee_remove, name="fee_remove"),
    path("programmes/<int:pk>/publish/", programmes.programme_publish, name="programme_publish"),
    path("programmes/<int:pk>/open/", programmes.programme_open, name="programme_open"),
    path("programmes/<int:pk>/close/", programmes.programme_close, name="programme_close"),
    path("programmes/<int:pk>/enrol/", programmes.programme_enrol, name="programme_enrol"),
    path("enrolments/<int:pk>/", programmes.enrolment_detail, name="enrolment_detail"),
    path("enrolments/<int:pk>/attend/", programmes.enrolment_attend, name="enrolment_attend"),
    path(
        "enrolments/<int:pk>/complete/", programmes.enrolment_complete, name="enrolment_complete"
    ),
    path(
        "enrolments/<int:pk>/withdraw/", programmes.enrolment_withdraw, name="enrolment_withdraw"
    ),
    path("teachers/", staff.teacher_list, name="teacher_list"),
    path("workload/", staff.workload, name="workload"),
    path("pay/", staff.pay_list, name="pay_list"),
    path("alliances/", staff.alliance_list, name="alliance_list"),
    path("alliances/new/", staff.alliance_new, name="alliance_new"),
    path("alliances/<int:pk>/", staff.alliance_detail, name="alliance_detail"),
    path("alliances/<int:pk>/join/", staff.alliance_join, name="alliance_join"),
    path("alliances/<int:pk>/leave/", staff.alliance_leave, name="alliance_leave"),
    path("alliances/<int:pk>/share/", staff.alliance_share, name="alliance_share"),
    path("alliances/<int:pk>/dissolve/", staff.alliance_dissolve, name="alliance_dissolve"),
    path("resources/", resources.resource_list, name="resource_list"),
    path("resources/new/", resources.resource_new, name="resource_new"),
    path("resources/<int:pk>/", resources.resource_detail, name="resource_detail"),
    path("resources/<int:pk>/refresh/", resources.resource_refresh, name="resource_refresh"),
    path("resources/<int:pk>/withdraw/", resources.resource_withdraw, name="resource_withdraw"),
    path("resources/<int:pk>/relist/", resources.resource_relist, name="resource_relist"),
    path("publishers/", resources.publisher_list, name="publisher_list"),
    path("publishers/<int:pk>/toggle/", resources.publisher_toggle, name="publisher_toggle"),
]
