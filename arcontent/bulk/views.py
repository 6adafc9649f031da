"""Portal pages of bulk jobs: start one from the content list's selection, watch its
progress (the status card polled by htmx), read the outcome of each item."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views import View
from django.views.generic import TemplateView

from arcontent.bulk import services
from arcontent.bulk.selectors import bulk_file_response, bulk_job_get
from arvlite.core.roles import Role
from companies.portal import CompanyPortalMixin


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


class BulkStartView(CompanyPortalMixin, TemplateView):
    """POST the list's selection and an action; the answer is the job's page (for htmx,
    the job's status card, which then polls itself)."""

    http_method_names = ["post"]
    template_name = "arcontent/partials/bulk_job.html"
    read_role = write_role = Role.EDITOR

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            job = services.bulk_job_start(
                company=self.company,
                actor=request.user,
                kind=request.POST.get("action", ""),
                ids=request.POST.getlist("ids"),
                options={"years": request.POST.get("years", ""), "language": request.LANGUAGE_CODE},
            )
        except ValidationError as error:
            if _is_htmx(request):
                context = self.get_context_data(errors=error.messages)
                return TemplateResponse(request, "arcontent/partials/bulk_errors.html", context, status=400)
            for message in error.messages:
                messages.error(request, message)
            return redirect("content-list-page", company_slug=self.company.slug)
        if _is_htmx(request):
            return self.render_to_response(self.get_context_data(job=job))
        return redirect("content-bulk-job-page", company_slug=self.company.slug, pk=job.pk)


class BulkJobView(CompanyPortalMixin, TemplateView):
    template_name = "arcontent/bulk_job.html"
    read_role = Role.EDITOR

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["job"] = bulk_job_get(company=self.company, pk=self.kwargs["pk"])
        return context


class BulkJobStatusView(BulkJobView):
    """The job's card alone, polled every second until the job has finished."""

    template_name = "arcontent/partials/bulk_job.html"


class BulkJobDownloadView(CompanyPortalMixin, View):
    """The job's PDF, only through a job of this company (another's answers 404)."""

    read_role = Role.EDITOR

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        return bulk_file_response(bulk_job_get(company=self.company, pk=kwargs["pk"]))
