from django.urls import path

from onex.supervision.views import pages

app_name = "supervision"

urlpatterns = [
    path("monitoring-points/", pages.point_list, name="point_list"),
    path("monitoring-points/<int:pk>/", pages.point_detail, name="point_detail"),
    path("monitoring-coverage/", pages.coverage, name="coverage"),
    path("spot-checks/", pages.round_list, name="round_list"),
    path("spot-checks/<int:pk>/", pages.round_detail, name="round_detail"),
    path("spot-check-items/<int:pk>/", pages.item_detail, name="item_detail"),
    path("rectifications/", pages.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/", pages.rectification_detail, name="rectification_detail"),
    path("proceedings/", pages.proceeding_list, name="proceeding_list"),
    path("proceedings/new/school/", pages.proceeding_new_school, name="proceeding_new_school"),
    path("proceedings/new/org/", pages.proceeding_new_org, name="proceeding_new_org"),
    path("proceedings/<int:pk>/", pages.proceeding_detail, name="proceeding_detail"),
    path("evaluation/", pages.evaluation, name="evaluation"),
]
