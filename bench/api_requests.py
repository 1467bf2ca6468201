"""bench/api.py's requests, N of one kind after a warm-up, for counting instructions with
callgrind (the count does not depend on the load of a shared machine, unlike time):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker REDIS_URL=redis://127.0.0.1:6379/15 \\
        valgrind --tool=callgrind --callgrind-out-file=/tmp/list.100 .venv/bin/python bench/api_requests.py list 100

and the same with 0 requests; (total of 100 - total of 0) / 100 is one request's instructions in
this process (client + Django; not PostgreSQL's). Kinds: list (the case list, 50 a page, walking
pages), detail (a private case), party (a party with contact details), as the member bench/api.py
creates. Uses bench/api.py's database, seeded by running bench/api.py first.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import api as bench_api  # noqa: E402


def main() -> None:
    kind, requests = sys.argv[1], int(sys.argv[2])
    bench_api._setup()
    from django.contrib.auth.models import User
    from django.test import Client

    from apitokens.services import api_token_create
    from cases.models import Case, Party

    _, token = api_token_create(user=User.objects.get(username="bench-lawyer"), name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = "/api/v1/cases/?page_size=50"
    cases = list(Case.objects.filter(is_public=False).order_by("-id").values_list("id", flat=True)[: requests + 5])
    parties = list(Party.objects.filter(case_id__in=cases).order_by("-id").values_list("id", flat=True)[: requests + 5])
    next_url = url
    for n in range(5):  # warm up every path, whatever the kind measured
        next_url = client.get(next_url).json()["next"]
        client.get(f"/api/v1/cases/{cases[n]}/")
        client.get(f"/api/v1/parties/{parties[n]}/")
    for n in range(5, 5 + requests):
        if kind == "list":
            next_url = client.get(next_url).json()["next"] or url
        elif kind == "detail":
            assert client.get(f"/api/v1/cases/{cases[n]}/").status_code == 200  # noqa: S101
        else:
            assert client.get(f"/api/v1/parties/{parties[n]}/").status_code == 200  # noqa: S101


if __name__ == "__main__":
    main()
