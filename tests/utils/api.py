"""Reading API answers in tests."""


def result_ids(response) -> set:
    """The ids on a list answer's page, which must be a 200."""
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}
