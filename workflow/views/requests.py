"""提出申请 (file a new change request) and 我的申请 (the requests of the user's units).

Filing validates the form's shape and calls ``workflow.services.change_request_file``,
which checks the user's right to file for the unit and every business rule; its
``ValidationError`` is shown on the fields it names and nothing is written.
"""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.views import generic
from viewflow.forms import Column, FieldSet, Layout, Row
from viewflow.utils import viewprop
from viewflow.views import ListModelView

from config.listing import IdUrls
from duty_lists.selectors import category_choices
from organisations.models import Department, Township

from .. import permissions, selectors
from ..attachments import validate_attachment
from ..forms import ChangeRequestForm, unit_key
from ..models import ChangeRequestProcess
from ..services import attachment_add, change_request_file
from .tasks import apply_validation_error

# Fields a township's request does not set: the scope of an addition is the township
# itself, that of an amendment or withdrawal the item's.
DEPARTMENT_ONLY_FIELDS = (
    "applies_to_all",
    "target_townships",
    "target_villages",
    "village_kind",
)


def request_layout(form) -> Layout:
    """The new request form's layout, made of the fields the form has (the unit choice
    only for a user of several units, no scope for a township)."""

    def present(*names):
        return [name for name in names if name in form.fields]

    elements = [
        Row(*present("unit", "kind")),
        Row(*present("level", "target_item")),
        FieldSet(
            "事项内容（新增时必填；修改时只填需要改动的项；申请取消时不填）",
            Row(Column("title", desktop=8), Column("item_kind", desktop=4)),
            Row(*present("category", "duty_type", "primary_responsibility")),
            Row(*present("lead_department", "guidance_code")),
            "department_responsibilities",
            "cooperation",
            "local_responsibilities",
            "basis",
            Row("accountability", "exemption"),
            "work_requirements",
            Row("effective_date", "expires_on"),
            "remarks",
        ),
        FieldSet(
            "配套保障（费随事转：新增事项须写明经费、人员、装备，没有的填“无”）",
            Row(Column("funding_source", desktop=8), Column("funding_amount", desktop=4)),
            Row("staffing", "equipment"),
        ),
    ]
    if present("applies_to_all", "target_townships"):
        elements.append(
            FieldSet(
                "适用范围（新增、修改时）",
                "applies_to_all",
                "target_townships",
                *present("target_villages", "village_kind"),
            )
        )
    elements += ["reasons", "attachments"]
    return Layout(*elements)


class ChangeRequestCreateView(generic.FormView):
    """提出申请: a department files any kind of request for the items it leads; a
    township head asks to add an item for its township (naming the proposed lead
    department) or to amend or withdraw an item that applies to its township."""

    form_class = ChangeRequestForm
    template_name = "workflow/changerequest_create.html"

    def dispatch(self, request, *args, **kwargs):
        self.units = selectors.filing_units(request.user)
        if not self.units:
            raise PermissionDenied("您所在的单位不能提出申请。")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        counties = {unit.county_id for unit in self.units}
        items = selectors.items_unit_may_change(self.units[0])
        for unit in self.units[1:]:
            items = items | selectors.items_unit_may_change(unit)
        return {
            **super().get_form_kwargs(),
            "units": self.units,
            "items": items.distinct(),
            "departments": Department.objects.filter(county_id__in=counties),
            "townships": Township.objects.filter(county_id__in=counties),
            "categories": category_choices(counties),
        }

    @property
    def townships_only(self) -> bool:
        return all(isinstance(unit, Township) for unit in self.units)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.townships_only:
            for name in DEPARTMENT_ONLY_FIELDS:
                del form.fields[name]
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(units=self.units, **kwargs)
        context["layout"] = request_layout(context["form"])
        return context

    def chosen_unit(self, form):
        if "unit" not in form.cleaned_data:
            return self.units[0]
        return next(unit for unit in self.units if unit_key(unit) == form.cleaned_data["unit"])

    def form_valid(self, form):
        unit = self.chosen_unit(form)
        data = form.cleaned_data
        target_item = data["target_item"]
        if target_item is not None and not (
            selectors.items_unit_may_change(unit).filter(pk=target_item.pk).exists()
        ):
            form.add_error("target_item", f"“{unit}”不能申请调整该事项。")
            return self.form_invalid(form)
        files = data["attachments"]
        try:
            # Every file is checked before anything is written (nothing left on disk).
            for uploaded_file in files:
                validate_attachment(uploaded_file)
            with transaction.atomic():
                process = self.file(unit, form, data)
                for uploaded_file in files:
                    attachment_add(
                        actor=self.request.user, process=process, uploaded_file=uploaded_file
                    )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"申请 {process.label} 已提交，等待{selectors.reviewer_name(process)}形式审查。",
        )
        viewset = self.request.resolver_match.flow_viewset
        return redirect(viewset.reverse("process_detail", args=[process.pk]))

    def file(self, unit, form, data):
        """File the request on behalf of ``unit`` with the form's values."""
        target_item = data["target_item"]
        return change_request_file(
            actor=self.request.user,
            county=unit.county,
            kind=data["kind"],
            level=data.get("level") or None,
            department=unit if isinstance(unit, Department) else None,
            township=unit if isinstance(unit, Township) else None,
            target_item=target_item,
            fields=form.item_fields(),
            applies_to_all=data.get("applies_to_all", False),
            target_townships=data.get("target_townships", ()),
            target_villages=data.get("target_villages", ()),
            village_kind=data.get("village_kind", ""),
            reasons=data["reasons"],
        )


class RequestColumnsMixin:
    """Columns of the request lists, computed without a query per row (the queryset
    joins the filing unit and is annotated by ``selectors.with_open_step``)."""

    object_link_columns = ("request_title",)
    search_fields = ["number", "title", "code", "reasons"]
    ordering = "-created"

    def get_object_url(self, obj):
        return self.process_urls(obj.pk)

    @cached_property
    def process_urls(self) -> IdUrls:
        viewset = self.request.resolver_match.flow_viewset
        return IdUrls(lambda pk: viewset.reverse("process_detail", args=[pk]))

    def process_id(self, process):
        return process.label

    process_id.short_description = "申请编号"
    process_id.orderby_column = "pk"

    def request_title(self, process):
        return process.subject_line

    request_title.short_description = "申请"

    def initiator_name(self, process):
        return process.initiator

    initiator_name.short_description = "申请单位"

    def current_step(self, process):
        if process.open_step is not None:
            return process.open_step.task_title
        return "已办结" if process.finished else "—"

    current_step.short_description = "当前环节"


class MyChangeRequestListView(RequestColumnsMixin, ListModelView):
    """我的申请: requests filed by the user's department or township, newest first."""

    model = ChangeRequestProcess
    title = "我的申请"
    columns = (
        "process_id",
        "request_title",
        "initiator_name",
        "current_step",
        "outcome",
        "created",
    )
    paginate_by = 25

    @viewprop
    def queryset(self):
        return selectors.with_open_step(
            selectors.change_requests_filed_by_units_of(self.request.user)
        )

    def has_view_permission(self, user, obj=None):
        return permissions.has_county_role(user)
