"""导入清单: the county office uploads an approved lists file, sees what it would
change (a dry run), and confirms; the template is downloadable."""

import secrets
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from .documents.excel import CONTENT_TYPE
from .importing import ImportRefused, counties_importable_by, lists_import, template_xlsx
from .importing.template import TEMPLATE_FILE_NAME
from .models import Category

SESSION_KEY = "list_import"
UPLOAD_DIR = "list_imports"
MAX_FILE_SIZE = 20 * 1024 * 1024


class ListImportForm(forms.Form):
    file = forms.FileField(label="清单文件（.xlsx）")
    document_number = forms.CharField(
        label="印发文号",
        max_length=100,
        help_text="如：清委办发〔2026〕12号；作为每个事项历史记录的理由",
    )
    effective_date = forms.DateField(
        label="生效日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="文件中未填生效日期的事项取此日期",
    )
    withdraw_missing = forms.BooleanField(label="取消文件中没有的在用事项", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise ValidationError("文件不能超过 20 MB。")
        return upload


def _county(request):
    counties = counties_importable_by(request.user)
    if not counties:
        raise PermissionDenied("只有县委编办和县级管理员可以导入清单。")
    return counties[0]


class ListImportView(View):
    """GET: the upload form. POST ``preview``: a dry run of the uploaded file (its
    problems, or what it would add, change and withdraw per list, and counts per sheet);
    POST ``confirm``: the same import written, when the lists still match the preview."""

    template_name = "duty_lists/list_import.html"

    def get(self, request):
        county = _county(request)
        return render(request, self.template_name, {"county": county, "form": ListImportForm()})

    def post(self, request):
        county = _county(request)
        if request.POST.get("action") == "confirm":
            return self._confirm(request, county)
        form = ListImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"county": county, "form": form})
        upload = form.cleaned_data["file"]
        content = upload.read()
        options = {
            "document_number": form.cleaned_data["document_number"],
            "effective_date": form.cleaned_data["effective_date"].isoformat(),
            "withdraw_missing": form.cleaned_data["withdraw_missing"],
        }
        try:
            result = self._run(request, county, content, upload.name, options, dry_run=True)
        except ImportRefused as refused:
            context = {"county": county, "form": form, "issues": refused.issues}
            return render(request, self.template_name, context, status=400)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return render(request, self.template_name, {"county": county, "form": form})
        previous = request.session.get(SESSION_KEY)
        if previous:
            # One pending preview per session: the earlier upload is no longer needed.
            default_storage.delete(previous["path"])
        token = secrets.token_hex(16)
        path = default_storage.save(f"{UPLOAD_DIR}/{token}.xlsx", ContentFile(content))
        request.session[SESSION_KEY] = {
            "token": token,
            "path": path,
            "file_name": upload.name,
            "county": county.pk,
            "summary": repr(result.summary()),
            **options,
        }
        context = {"county": county, "result": result, "token": token}
        return render(request, self.template_name, context)

    def _confirm(self, request, county):
        stored = request.session.get(SESSION_KEY)
        if (
            not stored
            or stored["token"] != request.POST.get("token")
            or (stored["county"] != county.pk)
        ):
            messages.error(request, "预览已失效，请重新上传文件。")
            return redirect("lists:import")
        options = {
            key: stored[key] for key in ("document_number", "effective_date", "withdraw_missing")
        }
        with default_storage.open(stored["path"], "rb") as file:
            content = file.read()
        try:
            preview = self._run(request, county, content, stored["file_name"], options, True)
            if repr(preview.summary()) != stored["summary"]:
                messages.error(request, "预览之后清单已有变化，请重新上传文件并预览。")
                return redirect("lists:import")
            result = self._run(request, county, content, stored["file_name"], options, False)
        except (ImportRefused, ValidationError):
            messages.error(request, "文件已无法导入，请重新上传文件并预览。")
            return redirect("lists:import")
        finally:
            default_storage.delete(stored["path"])
            del request.session[SESSION_KEY]
        counts = "；".join(
            f"{p.label}清单新增 {len(p.added)}、修改 {len(p.changed)}、取消 {len(p.withdrawn)}"
            for p in result.lists
        )
        messages.success(request, f"已按{result.document_number}导入：{counts}。")
        level = result.lists[0].level if result.lists else "township"
        return redirect(f"{reverse('lists:index')}?level={level}")

    @staticmethod
    def _run(request, county, content, file_name, options, dry_run):
        return lists_import(
            actor=request.user,
            county=county,
            content=content,
            file_name=file_name,
            document_number=options["document_number"],
            effective_date=timezone.datetime.fromisoformat(options["effective_date"]).date(),
            withdraw_missing=options["withdraw_missing"],
            dry_run=dry_run,
        )


class ListImportTemplateView(View):
    """The import template (.xlsx), generated from the column registry; its 类别
    drop-down lists the categories of the county the user imports into (the default
    eight when it has none yet, or for anyone else)."""

    def get(self, request):
        counties = counties_importable_by(request.user)
        names = None
        if counties:
            categories = Category.objects.filter(county=counties[0]).select_related("parent")
            names = [category.full_name for category in categories] or None
        response = HttpResponse(template_xlsx(names), content_type=CONTENT_TYPE)
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{quote(TEMPLATE_FILE_NAME)}"
        )
        return response
