"""Settings of the server that ``bench_pages.py`` measures: the product's own settings
(``config.settings``, read from the same environment), with two additions that live
only here, so that the product carries no benchmark code:

- ``ROOT_URLCONF`` is ``bench.pages_site``: the product's URLs plus the one-query
  baseline view at ``/bench/baseline/``;
- ``bench.pages_site.StatementCountMiddleware`` runs first and reports, in response
  headers, how many SQL statements the request sent and which worker served it.
"""

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

ROOT_URLCONF = "bench.pages_site"
MIDDLEWARE = ["bench.pages_site.StatementCountMiddleware", *MIDDLEWARE]
# The benchmark speaks plain HTTP to 127.0.0.1; a redirect to HTTPS would measure nothing.
SECURE_SSL_REDIRECT = False
