"""The product's URLs plus two baselines doing the same indexed lookup as public verification.

- ``/bench/bare/``: a plain Django view, one query, ``JsonResponse``.
- ``/bench/drf/<number>/``: a Django REST framework ``RetrieveAPIView`` with a serializer.
Both answer the fields of ``GET /api/v1/public/certificates/verify`` and 404 on a name mismatch.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from django.urls import include, path
from rest_framework import generics, serializers

from onex.certificates.models import IssuedCertificate

FIELDS = (
    "number",
    "holder_name",
    "id_number_masked",
    "level",
    "issued_on",
    "status",
    "status_reason",
    "certificate__name",
    "org__name",
)


def bare(request: HttpRequest) -> JsonResponse:
    row = (
        IssuedCertificate.objects.filter(number=request.GET.get("number", ""))
        .values(*FIELDS)
        .first()
    )
    if row is None or row["holder_name"] != request.GET.get("name"):
        raise Http404
    return JsonResponse(row)


class CertificateSerializer(serializers.ModelSerializer[IssuedCertificate]):
    certificate_name = serializers.CharField(source="certificate.name")
    org_name = serializers.CharField(source="org.name")

    class Meta:
        model = IssuedCertificate
        fields = (
            "number",
            "holder_name",
            "id_number_masked",
            "level",
            "issued_on",
            "status",
            "status_reason",
            "certificate_name",
            "org_name",
        )


class CertificateView(generics.RetrieveAPIView[IssuedCertificate]):
    serializer_class = CertificateSerializer
    lookup_field = "number"

    def get_queryset(self) -> Any:
        return IssuedCertificate.objects.select_related("certificate", "org")

    def get_object(self) -> IssuedCertificate:
        certificate = super().get_object()
        if certificate.holder_name != self.request.query_params.get("name"):
            raise Http404
        return certificate


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/drf/<str:number>/", CertificateView.as_view()),
    path("", include("onex.urls")),
]
