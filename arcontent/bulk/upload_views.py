"""The bulk upload page: many photos into one project, customers from an optional CSV.

With JavaScript the page first asks for a check of the batch (limits, CSV rows matched to
the photos), then sends the photos one by one with a progress bar each; without it, the
form posts every photo at once and the page lists the outcome."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from arcontent.bulk import uploads
from arcontent.bulk.csv_rows import CsvRejectedError, CustomerTable, parse_customer_csv
from arcontent.forms import ContentForm
from arvlite.core.forms import add_validation_errors
from arvlite.core.roles import Role
from companies.portal import CompanyPortalMixin
from projects.models import Project

CSV_ROOM_BYTES = 2 * 1024 * 1024  # the customer file and the other fields


def _announced_bytes(request: HttpRequest) -> int:
    raw = str(request.META.get("CONTENT_LENGTH") or "")
    return int(raw) if raw.isascii() and raw.isdigit() else 0


VALUE_FIELDS = ("print_width_cm", "print_height_cm", "term_years")


class BulkUploadForm(forms.Form):
    project = ContentForm.base_fields["project"]
    print_width_cm = ContentForm.base_fields["print_width_cm"]
    print_height_cm = ContentForm.base_fields["print_height_cm"]
    term_years = forms.IntegerField(
        label=_("Hosting term, years"), min_value=1, max_value=25, required=False,
        help_text=_("Empty: the project's default term."),
    )  # fmt: skip
    customers = forms.FileField(
        label=_("Customers (CSV, optional)"), required=False,
        help_text=_("Columns: file, name, phone, email. Rows are matched to the photos by file name."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )  # fmt: skip

    def __init__(self, *args: Any, company: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Project.objects.filter(company=company).exclude(status=Project.Status.ARCHIVED)


def _table(form: BulkUploadForm) -> CustomerTable | None:
    upload = form.cleaned_data.get("customers")
    if not upload:
        return None
    try:
        return parse_customer_csv(upload.read(2 * 1024 * 1024))
    except CsvRejectedError as error:
        raise ValidationError({"customers": [str(error)]}) from None


class BulkUploadView(CompanyPortalMixin, TemplateView):
    template_name = "arcontent/bulk_upload.html"
    read_role = write_role = Role.EDITOR

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        project = self.request.GET.get("project", "")
        initial = {"project": int(project)} if project.isascii() and project.isdigit() else {}
        context.setdefault("form", BulkUploadForm(company=self.company, initial=initial))
        context.update(max_files=uploads.MAX_FILES)
        return context

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        wants_json = request.headers.get("X-Requested-With") == "XMLHttpRequest"
        if _announced_bytes(request) > uploads.MAX_FILES * settings.PHOTO_MAX_BYTES + CSV_ROOM_BYTES:
            # Refused from the headers, before a byte of the body is spooled to disk.
            message = str(
                _("The upload is too large: send at most %(limit)d photos at a time.")
                % {"limit": uploads.MAX_FILES}
            )
            if wants_json:
                return JsonResponse({"errors": {"photos": [message]}}, status=400)
            context = self.get_context_data(form=BulkUploadForm(company=self.company), too_large=message)
            return self.render_to_response(context, status=400)
        form = BulkUploadForm(request.POST, request.FILES, company=self.company)
        table = None
        if form.is_valid():
            try:
                table = _table(form)
            except ValidationError as error:
                add_validation_errors(form, error)
        if form.errors:
            if wants_json:
                errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
                return JsonResponse({"errors": errors}, status=400)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if request.POST.get("check"):
            return self._check(request, table)
        photos = request.FILES.getlist("photos")
        if wants_json:
            return self._one(form, photos, table)
        return self._all(form, photos, table)

    def _check(self, request: HttpRequest, table: CustomerTable | None) -> JsonResponse:
        """The batch as the browser is about to send it: names and sizes, no photo yet."""
        names, sizes = request.POST.getlist("names"), request.POST.getlist("sizes")
        files = [
            (name, int(size) if size.isascii() and size.isdigit() else 0)
            for name, size in zip(names, sizes, strict=False)
        ]
        planned, problems, notices = uploads.upload_plan(files=files, table=table)
        body = {
            "files": [{"name": p.name, "customer": p.customer, "errors": p.errors} for p in planned],
            "problems": problems,
            "notices": notices,
        }
        return JsonResponse(body, status=400 if problems else 200)

    def _create(
        self, form: BulkUploadForm, photo: UploadedFile, table: CustomerTable | None
    ) -> dict[str, Any]:
        values = {k: v for k, v in form.cleaned_data.items() if k in VALUE_FIELDS and v}
        try:
            content, warnings = uploads.upload_one(
                company=self.company, actor=self.request.user, project=form.cleaned_data["project"],
                photo=photo, name=photo.name or "", values=values, table=table,
            )  # fmt: skip
        except ValidationError as error:
            return {"name": photo.name, "ok": False, "errors": error.messages}
        url = reverse(
            "content-detail-page", kwargs={"company_slug": self.company.slug, "unique_id": content.unique_id}
        )
        return {
            "name": photo.name,
            "ok": True,
            "order_number": content.order_number,
            "url": url,
            "warnings": warnings,
        }

    def _one(
        self, form: BulkUploadForm, photos: list[UploadedFile], table: CustomerTable | None
    ) -> JsonResponse:
        if len(photos) != 1:
            return JsonResponse({"errors": {"photos": [str(_("Send one photo per request."))]}}, status=400)
        result = self._create(form, photos[0], table)
        return JsonResponse(result, status=201 if result["ok"] else 400)

    def _all(
        self, form: BulkUploadForm, photos: list[UploadedFile], table: CustomerTable | None
    ) -> HttpResponse:
        problems = uploads.upload_limits_check(files=[(p.name or "", p.size or 0) for p in photos])
        if problems:
            for problem in problems:
                form.add_error(None, problem)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        results = [self._create(form, photo, table) for photo in photos]
        return self.render_to_response(self.get_context_data(form=form, results=results))
