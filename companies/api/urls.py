from django.urls import path

from companies.api import views

company_list = views.CompanyViewSet.as_view({"get": "list"})
company_detail = views.CompanyViewSet.as_view({"get": "retrieve"})
member_list = views.MemberViewSet.as_view({"get": "list"})
audit_list = views.AuditEntryViewSet.as_view({"get": "list"})

urlpatterns = [
    path("companies/", company_list, name="company-list"),
    path("companies/<slug:company_slug>/", company_detail, name="company-detail"),
    path("companies/<slug:company_slug>/members/", member_list, name="member-list"),
    path("companies/<slug:company_slug>/audit-log/", audit_list, name="audit-list"),
]
