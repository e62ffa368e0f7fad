from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from onex.core.dashboard import dashboard_for


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    board = dashboard_for(actor=request.actor)  # type: ignore[attr-defined]
    context = {"board": board, "chart_data": board.chart.as_json() if board.chart else None}
    # One view for page and fragment: the to-do panel's refresh button asks for the panel only.
    if getattr(request, "htmx", False):
        return render(request, "core/dashboard_todos.html", context)
    return render(request, [f"core/dashboard_{board.kind}.html", "core/dashboard.html"], context)


urlpatterns: list[URLPattern] = [path("", dashboard, name="dashboard")]
