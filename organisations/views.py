"""Pages of the "组织机构" application."""

from django.views import generic

from . import selectors


class OrgTreeView(generic.TemplateView):
    """The organisation tree(s) the user may see: departments, townships, villages, grids."""

    template_name = "organisations/org_tree.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            trees=selectors.org_tree_list(user),
            memberships=selectors.membership_list(user),
            **kwargs,
        )
