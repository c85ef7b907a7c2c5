"""Names and URL patterns on real sites (no browser): library names from the app's title, not
its port; parameter names from short labels or field names, not sentences; `issue12` and
`user3` are different kinds of item; an app's sections under its mount point stay apart."""

from __future__ import annotations

from agent.browser.facts import FieldFact, SubmitFact, generalise, primary_submit, url_pattern
from agent.policies.heuristic.propose import _field_words
from agent.target import host_name, name_from_title, scope_of


def test_library_names_come_from_the_title_or_the_host_never_the_port() -> None:
    assert name_from_title("<title>List of issues - Tracker</title>") == "tracker"
    assert name_from_title("<title>Log in | Django site admin</title>") == "django_site_admin"
    assert name_from_title("<TITLE>\n  Skillwright Demo\n</TITLE>") == "skillwright_demo"
    assert name_from_title("<title>Welcome</title>") == ""
    assert host_name("http://127.0.0.1:8301/app/") == "site_127_0_0_1"
    assert host_name("http://wiki.example.org:8080/") == "wiki_example_org"


def test_scope_is_the_folder_of_the_start_path() -> None:
    assert scope_of("/admin/") == "/admin/"
    assert scope_of("/library") == "/library/"
    assert scope_of("/demo/issue?@sort=id") == "/demo/issue/"
    assert scope_of("/app/index.php") == "/app/"


def test_parameter_names_are_short_words_not_sentences() -> None:
    def field(name: str, label: str) -> FieldFact:
        return FieldFact(tag="input", type="text", name=name, label=label)

    assert _field_words(field("field_summary", "Summary:")) == "Summary"
    assert _field_words(field("text", "You may use WikiFormatting here.")) == "text"
    assert _field_words(field("attachment", "I have files to attach to this ticket")) == (
        "attachment"
    )
    assert _field_words(field("field_description", "")) == "description"


def test_numbered_segments_are_kinds_and_mount_points_are_not_items() -> None:
    assert url_pattern("/demo/issue12") == "/demo/issue{id}"
    assert url_pattern("/demo/user3") == "/demo/user{id}"
    assert url_pattern("/product/17") == "/product/{id}"
    paths = ["/demo/issue", "/demo/user", "/demo/keyword", "/demo/home", "/demo/issue4"]
    # under "/", the app's sections would be one {slug} kind; under its mount point they differ
    assert set(generalise(paths).values()) == {"/demo/{slug}", "/demo/issue{id}"}
    mounted = generalise(paths, "/demo/")
    assert mounted["/demo/issue"] == "/demo/issue" and mounted["/demo/user"] == "/demo/user"
    forums = ["/f/music", "/f/books", "/f/games", "/f/garden"]
    assert set(generalise(forums).values()) == {"/f/{slug}"}


def test_the_primary_submit_is_the_one_that_does_the_work() -> None:
    buttons = [SubmitFact(text="Preview"), SubmitFact(text="Create ticket")]
    assert primary_submit(buttons).text == "Create ticket"  # type: ignore[union-attr]
    wiki = [SubmitFact(text="Preview Page"), SubmitFact(text="Review Changes")]
    wiki += [SubmitFact(text="Submit changes"), SubmitFact(text="Cancel")]
    assert primary_submit(wiki).text == "Submit changes"  # type: ignore[union-attr]
    hidden = [SubmitFact(text="Save", visible=False), SubmitFact(text="Go")]
    assert primary_submit(hidden).text == "Go"  # type: ignore[union-attr]
