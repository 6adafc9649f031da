from django.urls import path

from companies import views

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:company_slug>/", views.CompanyDashboardView.as_view(), name="company-dashboard"),
]
