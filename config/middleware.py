"""Request middleware of the project."""

from django.conf import settings
from django.utils import translation


class PreferredLanguageMiddleware:
    """Activate the language the user chose (cookie set by ``/i18n/setlang/``), else
    ``LANGUAGE_CODE``.

    Unlike Django's ``LocaleMiddleware`` it ignores the browser's Accept-Language:
    the system is Chinese by default, whatever the browser, and English on request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
