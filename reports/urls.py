from django.urls import path

from reports import views, views_people

app_name = "reports"

urlpatterns = [
    # The heads' dashboard and its exports (section VI, III.25).
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/", views.start_export, name="export"),
    path("exports/<id:job_id>/", views.export_progress, name="export-progress"),
    path("exports/<id:job_id>/download/", views.export_download, name="export-download"),
    # The live board (heads) and the operator's own page ("around the job").
    path("live/", views_people.live_board, name="live"),
    path("me/", views_people.my_results, name="me"),
]
