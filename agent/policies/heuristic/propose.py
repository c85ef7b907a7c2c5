"""Propose tasks from the site map (no LLM): forms, searches, entity actions, row actions."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from agent.browser.facts import FieldFact, FormFact, PageFacts, primary_submit, url_pattern
from agent.models import ParamSpec, SetupCall, TaskProposal
from agent.policies.heuristic.contract import (
    SITE_REFUSES,
    Negative,
    account_rows,
    postconditions,
    required_empty,
    test_cases,
    unknown_item,
)
from agent.policies.heuristic.inputs import (
    all_numeric,
    distinct,
    number_values,
    option_values,
    text_value,
)
from agent.policies.heuristic.naming import param_of, plural, slug, unique
from agent.policies.heuristic.plan import HeuristicPlan
from agent.policies.heuristic.sitemap import Entity, SiteMap, generalise
from agent.postconditions import PageShows, UrlMatches

N_INPUTS = 3


def _form_kind(page: PageFacts, form: FormFact, entity: Entity | None) -> str | None:
    if not form.visible or form.in_dialog or not any(s.visible for s in form.submits):
        return None
    inputs = form.inputs
    files = [f for f in inputs if f.type == "file"]
    typed = [f for f in inputs if f.type not in ("file", "checkbox", "radio") and f.tag != "select"]
    if files and (any(f.required for f in files) or not typed):
        return None  # an upload: a file is what it takes, and no test input is a file
    passwords = [f for f in inputs if f.type == "password"]
    others = [f for f in inputs if f.type not in ("password", "checkbox")]
    if len(passwords) == 1 and len(others) == 1:
        return "login"  # a user name and a password; "remember me" boxes are allowed
    if len(passwords) >= 2:
        return "register"
    if form.method == "get":
        return "search" if _search_field(form) is not None else None
    same = [f for f in page.forms if f.signature() == form.signature() and f.visible]
    if len(same) >= 2:
        return "row"
    if entity is not None:
        return "entity"
    return "page"


SEARCH_WORDS = re.compile(r"\b(search|find|query|keywords?|look ?up)\b", re.IGNORECASE)
SEARCH_NAMES = {"q", "s", "query", "search", "keywords", "terms", "term", "k"}


def _search_field(form: FormFact) -> FieldFact | None:
    """The free-text field a search form is about (type=search, a search-like name or label,
    or a form whose button says search); None for other GET forms (a date-range filter)."""
    texty = [f for f in form.inputs if f.type in ("search", "text")]
    for f in texty:
        bare = re.sub(r"[^a-z]", "", f.name.lower())
        hay = f"{f.label} {f.placeholder} {f.name}"
        if f.type == "search" or bare in SEARCH_NAMES or SEARCH_WORDS.search(hay):
            return f
    button = primary_submit(form.submits)
    if len(texty) == 1 and button is not None and SEARCH_WORDS.search(button.text):
        return texty[0]
    return None


def _edits_account(form: FormFact, accounts: dict[str, str]) -> bool:
    """A form that edits an existing account: one of the given accounts (its user name is a
    field's value), or any account (a password field beside filled-in text fields)."""
    if any(f.value and f.value in accounts for f in form.inputs):
        return True
    has_password = any(f.type == "password" for f in form.inputs)
    filled = any(f.value.strip() for f in form.inputs if f.type in ("text", "email"))
    return has_password and filled


def _bulk_editor(form: FormFact) -> bool:
    """A form holding a table as text (CSV rows in a textarea): submitting a test value would
    replace every row."""
    for f in form.inputs:
        lines = [line.strip() for line in f.value.splitlines() if line.strip()]
        if f.tag != "textarea" or not lines:
            continue
        header = re.fullmatch(r"\w+(,\w+)+", lines[0]) is not None  # id,name,order
        if header or (len(lines) >= 2 and all("," in line for line in lines)):
            return True
    return False


def _submit_text(form: FormFact) -> str:
    button = primary_submit(form.submits)
    return button.text if button is not None else "Submit"


SENTENCE = re.compile(r"\b(you|your|i|we|may|can|here|this|please)\b", re.IGNORECASE)
NAME_PREFIXES = re.compile(r"^(field_|id_|form_|input_|txt_|__|@|_)+")


def _field_words(field: FieldFact) -> str:
    """Words for a field's parameter name: its label when that is a short name ("Summary"),
    else its name attribute when that reads as words (field_description → description), else
    the label's first words."""
    label = (field.label or field.placeholder).strip().rstrip(":*").strip()
    short = label and len(label.split()) <= 4 and not SENTENCE.search(label)
    if short:
        return label
    bare = NAME_PREFIXES.sub("", field.name.lower())
    if re.fullmatch(r"[a-z][a-z0-9_ -]{1,30}", bare) and not re.search(r"\d{3,}", bare):
        return bare.replace("_", " ").replace("-", " ")
    return label or field.name


def _is_confirm(field: FieldFact) -> bool:
    hay = f"{field.name} {field.label}".lower()
    return field.type == "password" and ("confirm" in hay or "repeat" in hay or "again" in hay)


def _param_name(field: FieldFact, entity_name: str | None, taken: set[str]) -> str:
    label = _field_words(field)
    if entity_name:
        label = label.replace(entity_name, " ")
    label = re.sub(r"\bfor\s*$", "", label.strip(), flags=re.I)
    name = slug(label, max_words=3) or slug(field.name) or "value"
    if field.type == "email" or name in ("email_address", "e_mail", "e_mail_address"):
        name = "email"
    return unique(name, taken)


def _choices_text(label: str, choices: list[str]) -> str:
    shown = ", ".join(choices[:12])
    more = f" (and {len(choices) - 12} more)" if len(choices) > 12 else ""
    return f"{label}: one of {shown}{more}"


class _FieldPlan:
    def __init__(self, field: FieldFact, param: str, op: str, spec: ParamSpec) -> None:
        self.field, self.param, self.op, self.spec = field, param, op, spec


CORE_WORDS = re.compile(
    r"\b(title|summary|name|subject|description|comment|note|body|content|text|message|"
    r"e-?mail|user|password|query|search|quantity|rating|review|phone|address)",
    re.IGNORECASE,
)
MANY_FIELDS = 4


def _fields_to_fill(form: FormFact, own_name: str | None) -> list[FieldFact]:
    """The fields a task fills: never the item's own name on its edit form (the item would
    no longer be found by it); on a long form, the required ones, the core texts (title,
    description, comment…) and passwords, not every optional box."""
    fields = [f for f in form.inputs if not (own_name and f.value.strip() == own_name.strip())]
    if not [f for f in fields if not f.readonly]:
        return _tabbed_fields(form)
    if len([f for f in fields if not f.readonly]) <= MANY_FIELDS:
        return fields
    keep = [
        f
        for f in fields
        if f.required
        or f.marked_required
        or f.type in ("password", "email")
        or CORE_WORDS.search(f"{f.name} {f.label}")
    ]
    return keep or fields[:MANY_FIELDS]


def _tabbed_fields(form: FormFact) -> list[FieldFact]:
    """When nothing shown is left to fill (an item's edit form shows only its name), the
    empty core texts of the form's other tabs ("Promote": a title tag, a description): each
    step shows its tab first. Never a field that holds a value (the item's slug)."""
    return [
        f
        for f in form.fields
        if f.tab
        and f.name
        and not f.disabled
        and not f.readonly
        and f.type in ("text", "textarea")
        and not f.value.strip()
        and CORE_WORDS.search(f"{f.name} {f.label}")
    ][:MANY_FIELDS]


def _plan_fields(
    form: FormFact,
    entity_name: str | None,
    purpose: str,
    taken: set[str],
    own_name: str | None = None,
) -> tuple[list[dict[str, Any]], list[ParamSpec], list[dict[str, Any]]]:
    """Field steps, parameter specs and N_INPUTS rows of test values for a form's visible fields."""
    steps: list[dict[str, Any]] = []
    specs: list[ParamSpec] = []
    columns: dict[str, list[Any]] = {}
    password_param: str | None = None
    for field in _fields_to_fill(form, own_name):
        if field.readonly:
            continue
        if _is_confirm(field) and password_param:
            steps.append({"name": field.name, "param": password_param, "op": "fill"})
            continue
        param = _param_name(field, entity_name, taken)
        taken.add(param)
        label = field.label or field.placeholder or field.name
        if field.tag == "select":
            labels = option_values(field)
            if not labels:
                continue
            numeric = all_numeric(labels)
            optional = not field.required and any(o.value == "" for o in field.options)
            ann = "int" if numeric else "str"
            spec = ParamSpec(
                name=param,
                annotation=f"{ann} | None" if optional else ann,
                default="None" if optional else None,
                description=_choices_text(label, [o.label for o in field.options if o.value]),
                choices=[o.label for o in field.options if o.value != ""],
                choice_values={o.label: o.value for o in field.options if o.value != ""},
            )
            values: list[Any] = [int(v) if numeric else v for v in labels]
            op = "select"
        elif field.type == "checkbox":
            spec = ParamSpec(
                name=param, annotation="bool", default=repr(field.checked), description=label
            )
            values = [True, False, True]
            op = "check"
        elif field.type == "number":
            nums = number_values(field)
            default = field.value if re.fullmatch(r"-?\d+", field.value or "") else None
            spec = ParamSpec(name=param, annotation="int", default=default, description=label)
            values = nums
            op = "fill"
        elif field.type in ("radio", "file", "color", "range", "date", "time"):
            continue
        else:
            spec = ParamSpec(name=param, annotation="str", description=label)
            values = [text_value(field, n, purpose) for n in range(N_INPUTS)]
            op = "fill"
            if field.type == "password":
                password_param = param
                spec.role = "secret"
        spec.example = values[0]
        specs.append(spec)
        columns[param] = [values[i % len(values)] for i in range(N_INPUTS)]
        steps.append({"name": field.name, "param": param, "op": op, "label": label})
        if field.tab:
            steps[-1]["tab"] = field.tab
    rows = [{p: col[i] for p, col in columns.items()} for i in range(N_INPUTS)]
    return steps, specs, rows


def _skill_name(
    kind: str,
    submit: str,
    form: FormFact,
    page: PageFacts,
    entity: Entity | None,
    entity_name: str | None,
    root: str = "/",
) -> str:
    verb_text = submit.replace(entity_name, " ") if entity_name else submit
    verb = slug(verb_text, max_words=4) or "submit"
    if kind == "login":
        return "login"
    if kind in ("entity", "row") and "_" not in verb:
        if kind == "row":
            where = slug(page.h1, max_words=2)
            return (
                f"{verb}_{where}_item" if where else f"{verb}_{entity.noun if entity else 'item'}"
            )
        return f"{verb}_{entity.noun if entity else 'item'}"
    # a button that says only "Submit"/"Save" names nothing; "Submit review" names its task
    generic = verb in GENERIC_VERBS
    if kind in ("page", "entity") and generic and (form.heading or page.h1):
        what = slug(form.heading or page.h1, max_words=3)
        first = what.split("_")[0]
        if first in ("new", "add", "create") and "_" in what:  # "New Issue" → create_issue
            return "create_" + what.split("_", 1)[1]
        if kind == "entity" and entity is not None:
            return f"edit_{entity.noun}"
    if kind == "page" and (generic or "_" not in verb):
        below = form.action_path[len(root) :] if form.action_path.startswith(root) else ""
        statics = [s for s in below.split("/") if s and "{" not in url_pattern(s)]
        if statics:
            extra = slug(statics[-1])
            return f"{verb}_{extra}" if extra and extra != verb else verb
        what = slug(form.heading or page.h1, max_words=3)
        first = what.split("_")[0]
        if first in ("new", "add", "create") and "_" in what:  # "New Ticket" → create_ticket
            return "create_" + what.split("_", 1)[1]
        if first in ("edit", "change", "update", "preferences", "settings"):
            return what
        if what and what != verb:
            return f"{verb.split('_')[0]}_{what}"
    return verb


GENERIC_VERBS = {"submit", "save", "ok", "go", "send", "apply", "update"}


def _differ_from_current(
    rows: list[dict[str, Any]],
    steps: list[dict[str, Any]],
    forms: list[FormFact],
    names: list[str],
) -> None:
    """A row's number field must change (e.g. a cart quantity), or nothing observable happens."""
    for step in steps:
        for i, row in enumerate(rows):
            form = next((f for f in forms if names[i] in f.row_text), None)
            field = next((f for f in form.inputs if f.name == step["name"]), None) if form else None
            if field is None or field.type != "number" or not field.value.isdigit():
                continue
            current = int(field.value)
            high = int(field.max) if (field.max or "").isdigit() else current + 2
            row[step["param"]] = current + 1 if current + 1 <= high else max(current - 1, 1)


def _row_entity(
    page: PageFacts, forms: list[FormFact], sitemap: SiteMap
) -> tuple[Entity | None, list[str]]:
    """The entity each repeated form is about (its name appears in the form's row)."""
    best: tuple[Entity | None, list[str]] = (None, [])
    candidates = list(sitemap.entities.values())
    # names linked from this page count too (rows link to their item)
    local = [link.text for link in page.links if link.in_main and link.text]
    for entity in candidates:
        names = [n for n in entity.examples if n in local] or list(entity.examples)
        found = []
        for form in forms:
            hit = next(
                (n for n in sorted(names, key=len, reverse=True) if n in form.row_text), None
            )
            if hit:
                found.append(hit)
        if len(found) == len(forms) and len(set(found)) == len(found) and len(found) > len(best[1]):
            best = (entity, found)
    return best


def propose(
    sitemap: SiteMap,
    *,
    accounts: dict[str, str],
    known: set[tuple[Any, ...]],
    taken_names: set[str],
    setup: list[SetupCall],
    search_skill: tuple[str, str] | None,
    login_skill: str | None = None,
) -> list[TaskProposal]:
    """Proposals for forms whose signature is not in `known` (updated in place).

    `search_skill` is (skill name, entity pattern it returns) once a search skill is verified;
    entity actions then navigate through it instead of a listing page.
    """
    proposals: list[TaskProposal] = []
    for page in sitemap.pages:
        pattern = _pattern_of(page.path, sitemap)
        page_entity = sitemap.entities.get(pattern) if "{" in pattern else None
        for form in page.forms:
            entity = page_entity
            kind = _form_kind(page, form, entity)
            sig = sitemap.form_key(form)
            if kind is None or sig in known:
                continue
            if kind != "login" and _edits_account(form, accounts):
                continue  # changing the explorer's own account would lock it out
            if _bulk_editor(form):
                continue  # overwriting a whole table's rows is not a task to practise
            known.add(sig)
            if kind == "search" and "{" in sig[1]:
                # a search scoped to one item (a project's issues): not handled by this policy
                continue
            proposal = _proposal_for(
                kind,
                page,
                form,
                entity,
                sitemap,
                accounts,
                taken_names,
                setup,
                search_skill,
                login_skill,
            )
            if proposal is not None:
                taken_names.add(proposal.skill_name)
                proposals.append(proposal)
    proposals.extend(_navigation(sitemap, taken_names, setup, search_skill, known))
    order = {"login": 0, "search": 1, "register": 2, "entity": 3, "page": 4, "row": 5, "open": 6}
    proposals.sort(key=lambda p: (order.get(_kind(p), 9), -p.priority))
    for i, proposal in enumerate(proposals):
        proposal.id = f"{_kind(proposal)}-{i:02d}-{proposal.skill_name}"
    return proposals


def _kind(proposal: TaskProposal) -> str:
    assert isinstance(proposal.plan, HeuristicPlan)
    return proposal.plan.kind


def static_pages(sitemap: SiteMap) -> list[str]:
    """Pages without an item in their URL (cart, wishlist, account): where effects show."""
    out: list[str] = []
    for page in sitemap.pages:
        path = page.path.split("?")[0]
        if "?" not in page.path and "{" not in sitemap.pattern(path) and path not in out:
            out.append(path)
    return [p for p in out if p != "/"][:8]


def _pattern_of(path: str, sitemap: SiteMap) -> str:
    paths = [path, *[e for ent in sitemap.entities.values() for e in ent.examples.values()]]
    return generalise(paths, sitemap.root)[path]


def _proposal_for(
    kind: str,
    page: PageFacts,
    form: FormFact,
    entity: Entity | None,
    sitemap: SiteMap,
    accounts: dict[str, str],
    taken_names: set[str],
    setup: list[SetupCall],
    search_skill: tuple[str, str] | None,
    login_skill: str | None,
) -> TaskProposal | None:
    submit = _submit_text(form)
    plan: dict[str, Any] = {
        "kind": kind,
        # the page as crawled, query included (`/demo/user?@template=register` shows a form
        # that `/demo/user` does not); a search starts from the bare page
        "page": page.path.split("?")[0] if kind == "search" else page.path,
        "signature": list(form.signature()),
        "key": list(sitemap.form_key(form)),
        "submit": submit,
    }
    taken: set[str] = set()
    entity_names: list[str] = []
    entity_param: str | None = None
    if kind == "row":
        same = [f for f in page.forms if f.signature() == form.signature() and f.visible]
        entity, entity_names = _row_entity(page, same, sitemap)
        if entity is None:
            return None
    elif kind == "entity" and entity is not None:
        entity_names = [n for n in entity.examples if n != page.h1][:N_INPUTS]
    if entity is not None and kind in ("row", "entity"):
        entity_param = param_of(entity.noun)
        taken.add(entity_param)
    purpose = slug(submit).replace("_", " ") or "form"
    own = None
    if kind == "entity" and entity is not None:
        own = next((n for n, p in entity.examples.items() if p == page.path), page.h1 or None)
    steps, specs, rows = _plan_fields(
        form, entity_names[0] if entity_names else None, purpose, taken, own
    )
    plan["fields"] = steps
    if entity_param is not None:
        if len(entity_names) < N_INPUTS:
            return None
        spec = ParamSpec(
            name=entity_param,
            annotation="str",
            description=f"Name of the {entity.noun} as the site lists it",  # type: ignore[union-attr]
            example=entity_names[0],
            role="entity",
        )
        specs.insert(0, spec)
        for i, row in enumerate(rows):
            row[entity_param] = entity_names[i]
        if kind == "row":
            _differ_from_current(rows, plan["fields"], same, entity_names)
        assert entity is not None
        via: dict[str, Any]
        if kind == "row":
            via = {"how": "page"}
        elif search_skill is not None and search_skill[1] == entity.pattern:
            via = {"how": "search", "skill": search_skill[0]}
        else:
            via = {
                "how": "listing",
                "sources": {n: entity.sources.get(n, "/") for n in entity_names},
            }
            sources = set(via["sources"].values())
            if len(sources) != 1:
                return None
            via["source"] = sources.pop()
        plan["entity"] = {"param": entity_param, "pattern": entity.pattern, "via": via}
        if kind == "entity":
            plan["entity"]["candidates"] = {
                n: p for n, p in list(entity.examples.items())[:12] if n != page.h1
            }
    name = _skill_name(
        kind, submit, form, page, entity, entity_names[0] if entity_names else None, sitemap.root
    )
    negatives: list[Negative] = []
    if kind == "login":
        user_field = next(f for f in form.inputs if f.type != "password")
        pw_field = next(f for f in form.inputs if f.type == "password")
        specs = [
            ParamSpec(
                name="username", annotation="str", description="Account user name", role="username"
            ),
            ParamSpec(
                name="password", annotation="str", description="Account password", role="secret"
            ),
        ]
        plan["fields"] = [
            {"name": user_field.name, "param": "username", "op": "fill"},
            {"name": pw_field.name, "param": "password", "op": "fill"},
        ]
        users = list(accounts)[:N_INPUTS]
        if not users:
            return None
        rows, negatives = account_rows(users)
        if not user_field.required or form.novalidate:  # else the browser refuses it (below)
            # an account that does not exist, with a real password: the site must refuse it
            unknown = {**rows[0], "username": f"no-such-user-{len(users)}9731"}
            negatives.append((unknown, f"{SITE_REFUSES} an unknown user name"))
    if kind == "search":
        query = _search_field(form)
        assert query is not None
        for step, spec in zip(plan["fields"], specs, strict=False):
            if step["name"] == query.name:
                old = step["param"]
                step["param"] = spec.name = "query"
                spec.description = f"Words to search for ({spec.description})"
                for row in rows:
                    row["query"] = row.pop(old)
            elif spec.default is None and spec.annotation in ("str", "int"):
                spec.annotation += " | None"
                spec.default = "None"
        biggest = max(sitemap.entities.values(), key=lambda e: len(e.examples), default=None)
        words = _query_words(biggest)
        if len(words) < N_INPUTS:  # items named by numbers: words the search page lists
            words = _text_words(page.text)
        if len(words) < N_INPUTS:
            return None
        base = [{"query": w} for w in words[:N_INPUTS]]
        for spec in specs:
            if spec.name == "query":
                spec.example = words[0]
        extras = [dict(rows[0], query=""), dict(rows[1], query="")] if len(specs) > 1 else []
        rows = base + [
            {k: v for k, v in r.items() if k == "query" or v is not None} for r in extras
        ]
        label = query.label or query.placeholder
        name = slug(label) if slug(label).startswith("search") else "search"
        if name == "search" and biggest is not None:
            name = f"search_{plural(biggest.noun)}"
        plan["returns"] = "results"
    rows = distinct(rows)
    # one account is one input: a login is then proven by it plus the inputs it must refuse
    if len(rows) < N_INPUTS and specs and not (kind == "login" and negatives):
        return None
    browser_checks = not form.novalidate
    if kind in ("entity", "page", "register", "row") or (kind == "login" and browser_checks):
        required = {f.name for f in form.inputs if f.required and not f.readonly}
        negatives += required_empty(
            rows[0], plan["fields"], required, browser_checks=browser_checks
        )
    if kind == "register" and accounts:
        user = next((s for s in plan["fields"] if "user" in s["param"]), None)
        if user is not None:
            taken = {**rows[0], user["param"]: next(iter(accounts))}
            negatives.append((taken, f"{SITE_REFUSES} a user name that is taken"))
    if entity_param is not None and kind == "entity" and entity is not None:
        negatives.append(unknown_item(rows[0], entity_param, entity.noun))
    plan["inputs"] = rows
    plan["negatives"] = [row for row, _ in negatives]
    plan["hidden"] = {f.name: f.value for f in form.fields if f.type == "hidden" and f.name}
    name = unique(name, taken_names)
    typed = HeuristicPlan.model_validate({k: v for k, v in plan.items() if k != "returns"})
    return TaskProposal(
        id="",
        title=f"{submit} ({page.h1 or page.path})",
        kind="information" if kind == "search" else "procedural",
        skill_name=name,
        description=_describe(
            kind,
            submit.replace(entity_names[0], f"<{entity_param}>")
            if entity_names and entity_param
            else submit,
            page,
            entity,
        ),
        start_url=plan["page"],
        params=specs,
        plan=typed,
        key=repr(key_of(typed)),
        test_cases=test_cases(rows, negatives),
        postconditions=postconditions(
            kind,
            specs,
            fields=plan["fields"],
            entity=plan.get("entity"),
            action=form.action_path,
            hidden=plan["hidden"],
            pages=[plan["page"], *static_pages(sitemap)]
            if kind == "row"
            else static_pages(sitemap),
            login_skill=login_skill,
            defaults=_select_defaults(form, plan["fields"]),
        ),
        returns="list[str]" if kind == "search" else None,
        differential=kind not in ("row", "login"),
        needs_login=bool(setup),
        setup=list(setup),
        priority=float(len(specs)),
    )


def _select_defaults(form: FormFact, steps: list[dict[str, Any]]) -> dict[str, str]:
    """What each select without an empty option submits when its parameter is left unset:
    its selected option."""
    selects = {f.name: f for f in form.inputs if f.tag == "select"}
    out: dict[str, str] = {}
    for step in steps:
        field = selects.get(step["name"])
        if field is not None and field.options and all(o.value for o in field.options):
            out[step["param"]] = field.value
    return out


def _query_words(entity: Entity | None) -> list[str]:
    if entity is None:
        return []
    counts: Counter[str] = Counter()
    for name in entity.examples:
        # CamelCase names (wiki pages: TracGuide) are words too
        spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
        for word in re.findall(r"[A-Za-z]{4,}", spaced):
            counts[word] += 1
    return [w for w, _ in counts.most_common() if counts[w] >= 1][:5]


def _text_words(text: str) -> list[str]:
    """Words a page repeats (≥ 2 times, ≥ 4 letters, capitalised like names in a list)."""
    counts: Counter[str] = Counter(re.findall(r"\b[A-Z][a-z]{3,}\b", text))
    return [w for w, n in counts.most_common() if n >= 2][:5]


def _describe(kind: str, submit: str, page: PageFacts, entity: Entity | None) -> str:
    where = page.h1 or page.title or page.path
    if kind == "login":
        return "Log in with a username and password."
    if kind == "register":
        return f"Create a new account with the '{submit}' form ({where})."
    if kind == "search":
        return f"Search the site with the '{submit}' form and return the names of the results."
    if kind == "entity":
        return f"Open a {entity.noun if entity else 'item'} page and use its '{submit}' form."
    if kind == "row":
        noun = entity.noun if entity else "item"
        return f"On the '{where}' page, press '{submit}' in the row of one {noun}."
    return f"Fill in and submit the '{submit}' form on '{where}'."


def _navigation(
    sitemap: SiteMap,
    taken_names: set[str],
    setup: list[SetupCall],
    search_skill: tuple[str, str] | None,
    known: set[tuple[Any, ...]],
) -> list[TaskProposal]:
    out: list[TaskProposal] = []
    for entity in sitemap.entities.values():
        key = ("open", entity.pattern)
        if key in known:
            continue
        names = list(entity.examples)[: N_INPUTS + 1]
        if search_skill is not None and search_skill[1] == entity.pattern:
            via: dict[str, Any] = {"how": "search", "skill": search_skill[0]}
        else:
            sources = {entity.sources[n] for n in names}
            if len(sources) != 1:
                continue
            via = {"how": "listing", "source": sources.pop()}
        known.add(key)
        name = unique(f"open_{entity.noun}", taken_names)
        param = param_of(entity.noun)
        taken_names.add(name)
        out.append(
            TaskProposal(
                id="",
                title=f"Open a {entity.noun} page by name",
                kind="navigational",
                skill_name=name,
                description=f"Open the page of a {entity.noun} given its name.",
                start_url=via.get("source", "/"),
                params=[
                    ParamSpec(
                        name=param,
                        annotation="str",
                        description=f"Name of the {entity.noun} as the site lists it",
                        example=names[0],
                        role="entity",
                    )
                ],
                plan=HeuristicPlan(
                    kind="open",
                    entity={"param": param, "pattern": entity.pattern, "via": via},
                    inputs=[{param: n} for n in names[:N_INPUTS]],
                ),
                key=repr(key),
                test_cases=test_cases(
                    [{param: n} for n in names[:N_INPUTS]],
                    [unknown_item({}, param, entity.noun)],
                ),
                postconditions=[
                    UrlMatches(pattern=entity.pattern),
                    PageShows(params=[param], where="heading"),
                ],
                setup=list(setup),
            )
        )
    return out


def key_of(plan: HeuristicPlan) -> tuple[Any, ...]:
    if plan.kind == "open":
        assert plan.entity is not None
        return ("open", plan.entity["pattern"])
    sig = plan.key
    return (sig[0], sig[1], tuple(sig[2]))


__all__ = ["propose", "url_pattern"]
