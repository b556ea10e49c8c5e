"""A contract as OCDS 1.1 open data: its release package and its record package, and the extension they use."""

import json

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from contracts.models import Contract
from contracts.ocds.records import RecordTooLarge, record_package
from contracts.ocds.schemas import EXTENSION_DIR, EXTENSION_FILES
from contracts.ocds.streaming import release_package_json
from contracts.views.choosing import refuse_any_parameters


def _published_contract(request: HttpRequest, slug: str) -> Contract:
    contract = get_object_or_404(Contract.objects.select_related("supplier"), slug=slug)
    refuse_any_parameters(request)
    if not contract.revisions.visible(drafts=False).exists():
        raise Http404(f"{contract.title} has no published revision yet, so it has no open contracting data.")
    return contract


def _addresses(request: HttpRequest) -> dict[str, str]:
    return {
        "uri": request.build_absolute_uri(request.path),
        "extension_url": request.build_absolute_uri(reverse("ocds_extension", args=["extension.json"])),
    }


@require_safe
def ocds_release_package(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The contract's published revisions as an OCDS release package: drafts are never in it. Streamed, its
    items written as they are read."""
    contract = _published_contract(request, slug)
    pieces = release_package_json(contract, **_addresses(request))
    return StreamingHttpResponse(pieces, content_type="application/json; charset=utf-8")


@require_safe
def ocds_record_package(request: HttpRequest, slug: str) -> HttpResponse:
    """The contract's OCDS record: its releases, compiled and versioned."""
    contract = _published_contract(request, slug)
    try:
        package = record_package(contract, **_addresses(request))
    except RecordTooLarge as refusal:
        releases = request.build_absolute_uri(reverse("ocds_release_package", args=[contract.slug]))
        return JsonResponse({"detail": str(refusal), "releasePackage": releases}, status=400)
    return HttpResponse(
        json.dumps(package, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )


@require_safe
def ocds_extension(request: HttpRequest, name: str) -> HttpResponse:
    """The files of this project's OCDS extension, where a package's `extensions` URL leads validators."""
    if name not in EXTENSION_FILES and not name.startswith("codelists/"):
        raise Http404(f"The extension has no file “{name[:60]}”.")
    refuse_any_parameters(request)
    path = (EXTENSION_DIR / name).resolve()
    if EXTENSION_DIR.resolve() not in path.parents or not path.is_file():
        raise Http404(f"The extension has no file “{name[:60]}”.")
    text = path.read_text(encoding="utf-8")
    if name == "extension.json":
        metadata = json.loads(text)
        readme = request.build_absolute_uri(reverse("ocds_extension", args=["README.md"]))
        text = json.dumps({**metadata, "documentationUrl": {"en": readme}}, ensure_ascii=False, indent=2)
    content_type = {".json": "application/json", ".csv": "text/csv"}.get(path.suffix, "text/markdown")
    return HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
