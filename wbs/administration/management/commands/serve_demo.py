"""`./wbs-demo serve_demo [ADDR:PORT]`: Django's development server for `make demo`, without
the `Server: WSGIServer/0.2 CPython/3.x` header that names the server and Python version on
every answer (issue 11 §1). Production runs gunicorn behind nginx (server_tokens off), never
this."""

from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand
from django.core.servers import basehttp
from django.utils.translation import gettext_lazy

from wbs.cli import WbsCommand

SERVER_NAME = "WBS"


class Command(WbsCommand, RunserverCommand):
    help = gettext_lazy("Serve the demo (development server, no Server header).")

    def inner_run(self, *args, **options):
        # wsgiref writes its Server header only when the handler names software; the request
        # handler's own error answers (a malformed request line) use its version string.
        basehttp.ServerHandler.server_software = None
        basehttp.WSGIRequestHandler.server_version = SERVER_NAME
        basehttp.WSGIRequestHandler.sys_version = ""
        return super().inner_run(*args, **options)
