"""`compact_snapshot` on recorded AI snapshots (Playwright 1.65, bundled sites and MiniWoB)."""

from __future__ import annotations

from agent.browser.compact import (
    clickable_refs,
    compact_snapshot,
    field_refs,
    interactive_refs,
    parse_snapshot,
    refs_in,
)

# the shop's home page (trimmed): header with a search form, categories, one product card
SHOP = """- generic [active] [ref=e1]:
  - link "Skip to content" [ref=e2] [cursor=pointer]:
    - /url: "#main"
  - banner [ref=e3]:
    - link "Skillwright Shop" [ref=e4] [cursor=pointer]:
      - /url: /
    - search [ref=e5]:
      - generic [ref=e6]: Search products
      - searchbox "Search products" [ref=e7]
      - generic [ref=e8]: Category
      - combobox "Category" [ref=e9]:
        - option "All categories" [selected]
        - option "Kitchen"
        - option "Sports & Outdoors"
      - button "Search" [ref=e10]
  - navigation "Categories" [ref=e15]:
    - list [ref=e16]:
      - listitem [ref=e17]:
        - link "Kitchen" [ref=e18] [cursor=pointer]:
          - /url: /category/kitchen
      - listitem [ref=e19]:
        - link "Home Decor" [ref=e20] [cursor=pointer]:
          - /url: /category/home-decor
  - main [ref=e37]:
    - heading "Welcome to Skillwright Shop" [level=1] [ref=e38]
    - generic [ref=e40]:
      - heading "Featured products" [level=2] [ref=e41]
      - list [ref=e42]:
        - listitem [ref=e43]:
          - article [ref=e44]:
            - heading [level=3] [ref=e45]:
              - link "Black Ceramic Mug" [ref=e46] [cursor=pointer]:
                - /url: /product/1
            - paragraph [ref=e47]: $17.49
            - paragraph [ref=e48]: Rated 3.7 out of 5 (3 reviews)
            - paragraph [ref=e49]: In stock
  - contentinfo [ref=e113]:
    - generic [ref=e114]:
      - paragraph [ref=e115]: Deals and new arrivals, once a week.
      - textbox "Your email" [ref=e116]
      - button "Subscribe" [ref=e117]"""

# one post of the forum's front page: a vote widget and a sentence with links in it
FORUM_POST = """- list [ref=f2e33]:
  - listitem [ref=f2e34]:
    - article [ref=f2e35]:
      - generic [ref=f2e36]:
        - button "Upvote" [ref=f2e37] [cursor=pointer]: ▲
        - generic "Score" [ref=f2e38]: "12"
        - button "Downvote" [ref=f2e39] [cursor=pointer]: ▼
      - generic [ref=f2e40]:
        - heading [level=2] [ref=f2e41]:
          - link "The production on Daft Punk is unreal" [ref=f2e42] [cursor=pointer]:
            - /url: /f/music/317
        - paragraph [ref=f2e43]:
          - text: Submitted by
          - link "dataDiva" [ref=f2e44] [cursor=pointer]:
            - /url: /user/dataDiva
          - text: to
          - link "f/music" [ref=f2e45] [cursor=pointer]:
            - /url: /f/music
          - time [ref=f2e46]: 1 day ago
          - text: · 12 points
        - paragraph [ref=f2e47]:
          - link "1 comment" [ref=f2e48] [cursor=pointer]:
            - /url: /f/music/317#comments"""

# MiniWoB email-inbox with an email open: icons Playwright can only call `generic`
EMAIL = """- generic [active] [ref=e1]:
  - generic [ref=e2]:
    - generic [ref=e3]: Find the email by Jemima and reply to them.
    - generic [ref=e5]:
      - generic [ref=e6]:
        - generic [ref=e7] [cursor=pointer]
        - generic [ref=e8]:
          - generic [ref=e9] [cursor=pointer]
          - generic [ref=e10] [cursor=pointer]
      - generic [ref=e11]:
        - generic [ref=e12]: Risus commodo.
        - generic [ref=e13]:
          - generic [ref=e14]: Lissie
          - generic [ref=e15]: to me
      - generic [ref=e18] [cursor=pointer]:
        - generic [ref=e19]: Reply
        - generic [ref=e22]: Forward
  - generic [ref=e26]:
    - generic [ref=e27]: "Last reward: -"
    - generic [ref=e28]:
      - text: "Last 10 average:"
      - generic [ref=e29]: "-"
  - status [ref=e30]"""

# the forum's forum list: a table whose cells Playwright names after their text
TABLE = """- table "All forums, by name" [ref=f3e24]:
  - caption [ref=f3e25]: All forums, by name
  - rowgroup [ref=f3e26]:
    - row [ref=f3e27]:
      - columnheader "Forum" [ref=f3e28]
      - columnheader "Posts" [ref=f3e31]
  - rowgroup [ref=f3e32]:
    - row [ref=f3e33]:
      - rowheader "books subscribed" [ref=f3e34]:
        - link "books" [ref=f3e35] [cursor=pointer]:
          - /url: /f/books
        - text: subscribed
      - cell "28" [ref=f3e38]"""

# MiniWoB choose-date and the tracker's toolbar: a nameless read-only field, a quoted key
FIELDS = """- generic [ref=f6e4]:
  - paragraph [ref=f6e5]:
    - text: "Date:"
    - textbox [ref=f6e6]
  - button "Submit" [ref=f6e7]
  - generic [ref=f5e18]:
    - 'textbox "Go to issue #" [ref=f5e19]'
    - button "Go" [ref=f5e20] [cursor=pointer]
  - textbox "Title" [ref=f5e21]:
    - /placeholder: One line summary
  - textbox "Body" [ref=f5e22]: "line one\\nline \\"two\\""
  - checkbox "Remember me" [checked] [ref=f5e23]
  - link [ref=f5e24] [cursor=pointer]:
    - /url: /settings"""


def test_every_interactive_ref_survives_and_structure_refs_go() -> None:
    for raw in (SHOP, FORUM_POST, EMAIL, TABLE, FIELDS):
        compact = compact_snapshot(raw)
        wanted = set(interactive_refs(raw))
        assert wanted and wanted <= refs_in(compact), sorted(wanted - refs_in(compact))
    shop = compact_snapshot(SHOP)
    assert not refs_in(shop) - set(interactive_refs(SHOP))  # no refs on paragraphs, lists...
    assert "[cursor=pointer]" not in shop and "/url" not in shop and "generic" not in shop


def test_shop_page_reads_as_an_outline() -> None:
    compact = compact_snapshot(SHOP)
    lines = compact.splitlines()
    assert lines[0] == 'link "Skip to content" [ref=e2]'
    assert "header:" in lines and " search:" in lines  # landmarks by their HTML names
    # Playwright's `role "name" [ref=...]` form is kept, so callers can still find a field
    assert '  searchbox "Search products" [ref=e7]' in lines
    # the select's options fold into its line; the label that repeats its name is gone
    assert (
        '  combobox "Category" [ref=e9] options: All categories [selected] | Kitchen | '
        "Sports & Outdoors"
    ) in lines
    assert "  Search products" not in lines and "  Category" not in lines
    # list wrappers fold; a product card is one line with its title link first
    assert 'nav "Categories": link "Kitchen" [ref=e18] · link "Home Decor" [ref=e20]' in lines
    assert " # Welcome to Skillwright Shop" in lines
    assert " ## Featured products" in lines
    card = ' ### link "Black Ceramic Mug" [ref=e46] · $17.49 · Rated 3.7 out of 5 (3 reviews)'
    assert card + " · In stock" in lines
    assert "footer: Deals and new arrivals, once a week. · textbox" in compact
    assert len(compact) < 0.5 * len(SHOP)


def test_sentences_keep_their_links_inline_and_glyphs_go() -> None:
    compact = compact_snapshot(FORUM_POST)
    assert compact.splitlines() == [
        '- button "Upvote" [ref=f2e37] · Score: 12 · button "Downvote" [ref=f2e39]',
        ' ## link "The production on Daft Punk is unreal" [ref=f2e42] · Submitted by link '
        '"dataDiva" [ref=f2e44] to link "f/music" [ref=f2e45] 1 day ago · 12 points · link '
        '"1 comment" [ref=f2e48]',
    ]


def test_unnamed_clickables_are_shown_with_hints_and_their_parts_stay_addressable() -> None:
    assert clickable_refs(EMAIL) == ["e7", "e9", "e10"]
    hints = {"e7": 'hint="#close-email"', "e9": 'hint=".trash"', "e10": 'hint=".star"'}
    compact = compact_snapshot(EMAIL, hints)
    lines = compact.splitlines()
    assert 'clickable [ref=e7] hint="#close-email"' in lines
    assert 'clickable [ref=e9] hint=".trash" · clickable [ref=e10] hint=".star"' in lines
    # "Reply" and "Forward" sit in one clickable bar; each keeps its ref
    assert "clickable [ref=e18]: Reply [ref=e19] · Forward [ref=e22]" in lines
    assert "Last reward: - · Last 10 average: -" in lines
    assert "Lissie · to me" in lines
    assert "status" not in compact  # an empty live region
    assert "[active]" not in compact  # the page root is focused, which says nothing


def test_table_rows_use_cell_names_and_drop_a_repeated_caption() -> None:
    assert compact_snapshot(TABLE).splitlines() == [
        'table "All forums, by name":',
        " Forum | Posts",
        ' link "books" [ref=f3e35] subscribed | 28',
    ]


def test_fields_quoted_keys_placeholders_values_and_read_only_hints() -> None:
    assert field_refs(FIELDS) == ["f6e6", "f5e19", "f5e21", "f5e22"]
    compact = compact_snapshot(FIELDS, {"f6e6": "[readonly]"})
    lines = compact.splitlines()
    assert "Date: textbox [ref=f6e6] [readonly]" in lines
    assert 'textbox "Go to issue #" [ref=f5e19] · button "Go" [ref=f5e20]' in lines
    assert 'textbox "Title" [ref=f5e21] placeholder="One line summary"' in lines
    assert 'textbox "Body" [ref=f5e22]: line one\\nline "two"' in lines  # one line per element
    assert 'checkbox "Remember me" [ref=f5e23] [checked]' in lines
    assert 'link [ref=f5e24] url="/settings"' in lines  # a nameless link keeps its URL


def test_parser_reads_names_attributes_values_and_props() -> None:
    (root,) = parse_snapshot(FIELDS)
    go = root.children[2].children[0]
    assert (go.role, go.name, go.ref) == ("textbox", "Go to issue #", "f5e19")
    body = root.children[4]
    assert body.text == 'line one\nline "two"'
    title = root.children[3]
    assert title.props == {"placeholder": "One line summary"}
    box = root.children[5]
    assert box.attrs == {"checked": ""} and box.ref == "f5e23"


def test_empty_and_unknown_input_does_not_fail() -> None:
    assert compact_snapshot("") == ""
    assert compact_snapshot("not a snapshot") == ""
    assert compact_snapshot('- weirdrole "x" [ref=e1] [unknown=1]: y') == "x: y"
