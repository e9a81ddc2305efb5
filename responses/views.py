from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from .document import build_document
from .interchange import export_response
from .models import ManagementResponse


def get_visible_response(request, slug):
    response = get_object_or_404(ManagementResponse, slug=slug)
    if not response.is_visible_to(request.user):
        # A draft is not announced to people who may not read it.
        raise Http404
    return response


def response_list(request):
    responses = ManagementResponse.objects.visible_to(request.user).order_by("-updated_at", "title")
    return render(request, "responses/list.html", {"responses": responses})


def response_detail(request, slug):
    response = get_visible_response(request, slug)
    document = build_document(response)
    return render(request, "responses/detail.html", {"response": response, "document": document})


def response_export(request, slug):
    response = get_visible_response(request, slug)
    http = HttpResponse(export_response(response), content_type="application/yaml; charset=utf-8")
    http["Content-Disposition"] = f'attachment; filename="{response.slug}.yaml"'
    return http
