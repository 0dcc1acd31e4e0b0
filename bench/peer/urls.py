import datetime

from django.shortcuts import render
from django.urls import path

from .models import Book, Shelf


def book_list(request):
    books = Book.objects.select_related("shelf")[:50]
    return render(request, "peer/list.html", {"books": books})


def fill() -> None:
    """Create the peer's rows once (called by the benchmark after migrate --run-syncdb)."""
    if Book.objects.exists():
        return
    shelves = Shelf.objects.bulk_create(Shelf(name=f"书架{i}") for i in range(10))
    Book.objects.bulk_create(
        Book(shelf=shelves[i % 10], title=f"图书{i}", published=datetime.date(2020, 1, 1))
        for i in range(500)
    )


urlpatterns = [path("", book_list)]
