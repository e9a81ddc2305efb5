"""Models of the apps above ``core``, looked up by name so that no import runs upwards.

The recommendations and actions apps need the response a URL names (for permission
and for the page around an editor), but importing ``responses.models`` from them would
make the apps import each other in a circle: ``responses`` assembles the document
from both.
"""

from django.apps import apps
from django.shortcuts import get_object_or_404


def response_model():
    return apps.get_model("responses", "ManagementResponse")


def get_response_or_404(**lookup):
    return get_object_or_404(response_model(), **lookup)
