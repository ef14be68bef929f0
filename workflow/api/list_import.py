"""``POST /api/lists/import/``: the import of approved lists, as the upload page does it
(``duty_lists.importing.lists_import``); here because it uses the API's shared fields."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, parsers, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from duty_lists.import_views import MAX_FILE_SIZE
from duty_lists.importing import ImportRefused, can_import_lists, lists_import
from organisations.models import County

from .fields import IdField


class ListImportInputSerializer(serializers.Serializer):
    """Input of the import (multipart)."""

    file = serializers.FileField(help_text="清单文件（.xlsx）")
    county = IdField(kind="县", queryset=County.objects.all(), help_text="县 id")
    document_number = serializers.CharField(max_length=100, help_text="印发文号")
    effective_date = serializers.DateField(help_text="生效日期（文件中未填的事项取此日期）")
    withdraw_missing = serializers.BooleanField(default=False, help_text="取消文件中没有的在用事项")
    dry_run = serializers.BooleanField(default=True, help_text="只预览，不写入（默认）")

    def validate_file(self, upload):
        if upload.size > MAX_FILE_SIZE:
            raise serializers.ValidationError("文件不能超过 20 MB。")
        return upload


def result_data(result) -> dict:
    """The JSON answer: what was (or would be) written per list and sheet."""
    return {
        "dry_run": result.dry_run,
        "written": not result.dry_run and result.has_changes,
        "document_number": result.document_number,
        "sheets": [
            {"name": s.name, "level": s.level, "township": s.township, "items": s.items}
            for s in result.sheets
        ],
        "lists": [
            {
                "level": plan.level,
                "added": [spec.code for spec in plan.added],
                "changed": [{"code": c.item.code, "fields": c.fields} for c in plan.changed],
                "withdrawn": [item.code for item in plan.withdrawn],
                "kept": [item.code for item in plan.kept],
                "unchanged": plan.unchanged,
            }
            for plan in result.lists
        ],
        "releases": [release.pk for release in result.releases],
        "notices": result.notices,
    }


class ListImportView(APIView):
    """Import a county's approved lists (dry run by default)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(
        summary="导入清单",
        description=(
            "上传县里已印发的清单文件（.xlsx，格式见导入模板），按事项编码新增、修改事项；"
            "dry_run=true（默认）只返回将发生的变更。文件有误时返回 400，issues 列出每处错误的"
            "工作表、行和列，不写入任何数据。仅县委编办和县级管理员可用。"
        ),
        request={"multipart/form-data": ListImportInputSerializer},
        responses={
            200: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="每个工作表和每张清单将（或已）新增、修改、取消的事项编码",
            ),
            400: OpenApiResponse(description="请求或文件有误：issues 列出每处错误的工作表、行和列"),
            401: OpenApiResponse(description="未登录或令牌无效"),
            403: OpenApiResponse(description="无权导入该县的清单"),
        },
    )
    def post(self, request):
        """Run ``lists_import`` with the request's user as actor."""
        data = ListImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        county = values["county"]
        if not can_import_lists(request.user, county):
            raise exceptions.PermissionDenied("您无权导入该县的清单。")
        upload = values["file"]
        try:
            result = lists_import(
                actor=request.user,
                county=county,
                content=upload.read(),
                file_name=upload.name,
                document_number=values["document_number"],
                effective_date=values["effective_date"],
                withdraw_missing=values["withdraw_missing"],
                dry_run=values["dry_run"],
            )
        except ImportRefused as refused:
            return Response({"issues": [i.as_dict() for i in refused.issues]}, status=400)
        except DjangoValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from error
        except PermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        return Response(result_data(result))
