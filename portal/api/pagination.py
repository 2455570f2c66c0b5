from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """`?page=N&page_size=N` (at most 200), the envelope API.md promises."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
