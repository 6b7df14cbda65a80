"""The OpenAPI schema, generated once per process, language and version.

Every logged-in user gets the same schema (drf-spectacular's SERVE_PUBLIC: no endpoint is left out by the
reader's permissions, and no serializer depends on who reads), and generating it walks every view for
seconds of CPU. So the first request in a language pays for it and the others read the copy.
"""

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

_generated = {}


class SchemaView(SpectacularAPIView):
    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version)
        if key not in _generated:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            _generated[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(
            data=_generated[key],
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )
