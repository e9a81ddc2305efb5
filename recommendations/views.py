from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .models import Recommendation


def recommendation_detail(request, pk):
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("theme__group__response"), pk=pk
    )
    response = recommendation.theme.group.response
    if not response.is_visible_to(request.user):
        raise Http404
    links = recommendation.action_links.select_related("action__parent").order_by("order", "pk")
    return render(
        request,
        "recommendations/detail.html",
        {"recommendation": recommendation, "response": response, "links": links},
    )
