"""REST API of the list documents (清单文件) for logged-in users: ``/api/documents/xlsx/``
and ``/api/documents/pdf/``, scoped like the list pages and the lists app's download
page (``duty_lists.permissions.can_export_list_document``). A county the user sees
nothing of answers 404 like an unknown one; a document of a county the user sees in part
(a township user asking for the whole list or another township's) answers 403."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.views import APIView

from config.api_errors import NotVisible
from organisations.models import County, Department, Township

from .documents import document_response, list_document
from .forms import ListDocumentForm
from .models import Level
from .permissions import can_export_list_document
from .selectors import counties_of_user

API_FORMATS = ("xlsx", "pdf")


class DocumentExportView(APIView):
    """A list document as Excel or PDF, for a user who may see it."""

    @extend_schema(
        summary="下载清单文件（Excel / PDF）",
        description=(
            "某县某层级的整张清单，或某乡镇(街道)适用的事项（township），或某部门牵头的事项"
            "（department）；现行清单或某个发布版本（release，版本号）。查看整张清单的用户"
            "（编办、县级管理员、部门）可下载全部文件，乡镇(街道)用户只能下载本乡镇的文件。"
        ),
        parameters=[
            OpenApiParameter(
                "file_format",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(API_FORMATS),
                description="文件格式",
            ),
            OpenApiParameter("county", OpenApiTypes.INT, required=True, description="县 id"),
            OpenApiParameter(
                "level", OpenApiTypes.STR, required=True, enum=Level.values, description="层级"
            ),
            OpenApiParameter("township", OpenApiTypes.INT, description="乡镇(街道) id"),
            OpenApiParameter("department", OpenApiTypes.INT, description="部门 id"),
            OpenApiParameter("release", OpenApiTypes.INT, description="发布版本号；不填为现行"),
        ],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiTypes.BINARY
            ),
            (200, "application/pdf"): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="参数有误：按参数给出错误信息"),
            401: OpenApiResponse(description="未登录或令牌无效"),
            403: OpenApiResponse(description="无权下载该文件（只能下载本乡镇(街道)的文件）"),
            404: OpenApiResponse(description="没有该格式，或该县不在本人的查看范围内"),
        },
    )
    def get(self, request, file_format):
        if file_format not in API_FORMATS:
            raise NotFound("没有该格式的文件。")
        user = request.user
        # Any county, township or department is a valid choice here: one outside the
        # user's scope is refused below (404 or 403), not reported as an unknown value.
        form = ListDocumentForm(
            {**request.query_params.dict(), "file": file_format},
            counties=County.objects.all(),
            townships=Township.objects.all(),
            departments=Department.objects.all(),
        )
        if not form.is_valid():
            raise ValidationError(_messages(form))
        data = form.cleaned_data
        if not counties_of_user(user).filter(pk=data["county"].pk).exists():
            raise NotVisible("没有该县的清单。")
        if not can_export_list_document(user, data["county"], township=data["township"]):
            # The API's exception handler writes the denial to the audit log.
            raise PermissionDenied("您无权下载该清单文件。")
        document = list_document(
            data["duty_list"],
            township=data["township"],
            department=data["department"],
            release=data["release"],
        )
        return document_response(document, file_format)


def _messages(form) -> dict[str, list[str]]:
    return {field: [str(message) for message in errors] for field, errors in form.errors.items()}
