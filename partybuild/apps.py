from django.contrib.admin.apps import AdminConfig
from django.contrib.staticfiles.apps import StaticFilesConfig


class PartybuildAdminConfig(AdminConfig):
    default_site = "branches.scope.admin_site.PartybuildAdminSite"


class PartybuildStaticFilesConfig(StaticFilesConfig):
    """Collect what the pages load: no source maps and no ECharts build other than ``echarts.min.js``
    (templates/assessments/dashboard): tens of megabytes no page asks for, copied at every set-up and
    compressed for the production image."""

    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "*.map",
        "echarts.js",
        "echarts.common*",
        "echarts.esm*",
        "echarts.simple*",
    ]
