"""``POST /api/lists/import/``: the import of approved lists, as the upload page does it
(``duty_lists.importing.lists_import``); here because it uses the API's shared fields."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_errors import validated_body
from duty_lists.import_views import MAX_FILE_SIZE
from duty_lists.importing import ImportRefused, can_import_lists, lists_import
from duty_lists.models import Level
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


class ImportSheetSerializer(serializers.Serializer):
    """One sheet of the file as it was read."""

    name = serializers.CharField(read_only=True, help_text="工作表名称")
    level = serializers.ChoiceField(
        choices=Level.choices,
        read_only=True,
        allow_null=True,
        help_text="清单层级；未能确定时为空",
    )
    township = serializers.CharField(
        read_only=True, help_text="一乡一单的乡镇(街道)名称；其他为空字符串"
    )
    items = serializers.IntegerField(read_only=True, help_text="事项数")


class ImportChangeSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text="事项编码")
    fields = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="有变化的字段（中文名）"
    )


class ImportListSerializer(serializers.Serializer):
    """What the import does (or would do) to one list of the county."""

    level = serializers.ChoiceField(choices=Level.choices, read_only=True, help_text="清单层级")
    added = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="新增事项的编码"
    )
    changed = ImportChangeSerializer(many=True, read_only=True, help_text="修改的事项")
    withdrawn = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="取消的事项编码"
    )
    kept = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="文件中没有、但保留的在用事项编码（withdraw_missing=false 时）",
    )
    unchanged = serializers.IntegerField(read_only=True, help_text="无变化的事项数")


class ListImportResultSerializer(serializers.Serializer):
    """The answer of an import: what was (or would be) written per list and sheet."""

    dry_run = serializers.BooleanField(read_only=True, help_text="只是预览")
    written = serializers.BooleanField(read_only=True, help_text="已写入变更")
    document_number = serializers.CharField(read_only=True, help_text="印发文号")
    sheets = ImportSheetSerializer(many=True, read_only=True, help_text="读取的工作表")
    lists = ImportListSerializer(many=True, read_only=True, help_text="各清单的变更")
    releases = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="记录的发布版本 id（见 /api/releases/{id}/）；预览或无变更时为空",
    )
    notices = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="提示（如未导入的列）"
    )


class ImportIssueSerializer(serializers.Serializer):
    """One problem of a refused file, with where it is."""

    sheet = serializers.CharField(
        read_only=True, allow_null=True, help_text="工作表；整个文件的问题为空"
    )
    row = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="行号（与表格软件一致）；整张工作表的问题为空"
    )
    column = serializers.CharField(
        read_only=True, allow_null=True, help_text="列（文件中的表头）；整行的问题为空"
    )
    letter = serializers.CharField(
        read_only=True, allow_null=True, help_text="列字母，如 F；整行的问题为空"
    )
    message = serializers.CharField(read_only=True, help_text="问题")
    text = serializers.CharField(read_only=True, help_text="连同位置的完整说明（同 file 下的一条）")


def _field_errors(help_text: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), required=False, help_text=help_text)


class ListImportErrorSerializer(serializers.Serializer):
    """A refused import: errors by body field; a file with errors also lists them with
    their places under ``issues``."""

    file = _field_errors("文件的错误，每处一条（含工作表、行和列）")
    county = _field_errors("县的错误")
    document_number = _field_errors("文号的错误")
    effective_date = _field_errors("生效日期的错误")
    withdraw_missing = _field_errors("withdraw_missing 的错误")
    dry_run = _field_errors("dry_run 的错误")
    non_field_errors = _field_errors("与字段无关的错误")
    detail = serializers.CharField(
        required=False, help_text="请求体无法解析时的说明（此时没有其他键）"
    )
    issues = ImportIssueSerializer(
        many=True,
        required=False,
        help_text="文件的错误及其位置（与 file 一一对应）",
    )


def result_data(result) -> dict:
    """``ListImportResultSerializer`` data of an ``ImportResult``."""
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
            200: ListImportResultSerializer,
            400: OpenApiResponse(
                response=ListImportErrorSerializer,
                description=(
                    "请求或文件有误：按字段给出错误信息；文件有误时 file 下每处错误一条，"
                    "issues 给出同样的错误及其工作表、行和列"
                ),
            ),
            401: OpenApiResponse(description="未登录或令牌无效"),
            403: OpenApiResponse(description="无权导入该县的清单"),
        },
    )
    def post(self, request):
        """Run ``lists_import`` with the request's user as actor; returns the result,
        or a 400 naming the file's problems (nothing written)."""
        values = validated_body(request, ListImportInputSerializer).validated_data
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
            errors = {
                "file": [str(issue) for issue in refused.issues],
                "issues": [issue.as_dict() for issue in refused.issues],
            }
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(ListImportResultSerializer(result_data(result)).data)
