"""The Django admin site of a model with an ``admin`` interface: the pages staff use, the
ModelAdmin classes that define them, the sign-in through the identity provider with its
groups mapped to Django groups, and one bulk action as an example.

A Django admin is server-rendered HTML for staff, not a JSON API: everything here is shaped by
the model's entities (their columns, states and who writes them) so the pages, filters and
actions are the schema's.
"""

from __future__ import annotations

import re

from smartspec.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from smartspec.model import Entity, Operation, SystemModel

# Column types that make a good change-list filter (few values), and those worth searching.
_FILTER_TYPES = ("small-integer", "boolean", "code", "date")
_SEARCH_TYPES = ("string", "text")


class AdminPage(NamedTuple):
    name: str  # "Ticket list"
    url: str  # "/admin/support/ticket/"
    purpose: str  # what staff do there


class AdminGroup(NamedTuple):
    idp_group: str  # the group at the identity provider: "support-staff"
    django_group: str  # the Django group it maps to: "Staff"
    permissions: str  # what the group may do, in words


class AdminSite(NamedTuple):
    app: str  # the Django app label in the URLs
    idp: str | None  # the identity provider staff sign in with, if any
    pages: tuple[AdminPage, ...]
    actions: tuple[Operation, ...]  # bulk state changes on a change list
    groups: tuple[AdminGroup, ...]
    admin_py: str  # admin.py: one ModelAdmin per entity
    backend_py: str | None  # the OIDC backend mapping identity-provider groups, if any
    example_request: str  # one bulk action, as the browser posts it
    example_response: str


def _class(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _shown(entity: Entity) -> list[str]:
    """Columns a change list shows: the entity's plain attributes, at most four."""
    return [a.name for a in entity.attributes
            if a.type.partition(":")[0] not in ("bytes", "json") and not a.name.endswith("_hash")
            ][:4]


def _model_admin(entity: Entity, actions: list[Operation], read_only: bool) -> list[str]:
    name = _class(entity.name)
    shown = _shown(entity)
    display = ["id", *shown, *(["status"] if entity.states else []),
               entity.time_column or "created_at"]
    filters = [*(["status"] if entity.states else []),
               *[a.name for a in entity.attributes if a.type.partition(":")[0] in _FILTER_TYPES],
               *([f"{entity.owner}"] if entity.owner else [])]
    search = [a.name for a in entity.attributes if a.type.partition(":")[0] in _SEARCH_TYPES][:3]
    stamp = entity.time_column or "created_at"
    lines = ["", "", f"@admin.register({name})", f"class {name}Admin(admin.ModelAdmin):",
             f"    list_display = {_tuple(display)}"]
    if filters:
        lines.append(f"    list_filter = {_tuple(filters)}")
    if search:
        lines.append(f"    search_fields = {_tuple(search)}")
    lines += [f'    ordering = ("-{stamp}",)', "    list_per_page = 50"]
    if read_only:
        lines += [
            "", "    # Written by the service itself; staff read it and nobody edits it here.",
            "    def has_add_permission(self, request):", "        return False", "",
            "    def has_change_permission(self, request, obj=None):", "        return False", "",
            "    def has_delete_permission(self, request, obj=None):", "        return False"]
        return lines
    readonly = ["id", *(["status"] if entity.states else []), "created_at", "updated_at"]
    lines.append(f"    readonly_fields = {_tuple(readonly)}")
    if entity.states:
        # Status moves only through the actions below, one per state a record moves to.
        lines.append(f"    actions = {_tuple([_action_name(a) for a in actions])}")
        for op in actions:
            state = op.verb.removeprefix("mark-").replace("-", "_").upper()
            lines += ["", f'    @admin.action(description="{op.summary}", permissions=["change"])',
                      f"    def {_action_name(op)}(self, request, queryset):",
                      f'        self._move(request, queryset, "{state}")']
        plural = entity.plural.replace("_", " ")
        lines += [
            "", "    def _move(self, request, queryset, status):",
            "        # Each record is saved and logged on its own, so its history shows who",
            "        # moved it and when; the rows stay locked until the commit.",
            "        with transaction.atomic():",
            "            moved = 0",
            "            for record in queryset.select_for_update():",
            "                record.status = status",
            '                record.save(update_fields=["status", "updated_at"])',
            '                self.log_change(request, record, f"status -> {status}")',
            "                moved += 1",
            f'        self.message_user(request, f"{{moved}} of the selected {plural} moved to '
            '{status}.")']
    return lines


def _action_name(op: Operation) -> str:
    return op.verb.replace("-", "_")


def _tuple(names: list[str]) -> str:
    quoted = ", ".join(f'"{n}"' for n in names)
    return f"({quoted},)" if len(names) == 1 else f"({quoted})"


def admin_site(model: SystemModel) -> AdminSite | None:
    """The admin site of ``model``, or None when the model has no admin interface."""
    pages_ops = model.pages
    if not pages_ops:
        return None
    app = next(o.path.split("/")[2] for o in pages_ops)
    pages: list[AdminPage] = []
    actions: list[Operation] = []
    code = ['"""The admin site: one ModelAdmin per model; status moves only by actions."""',
            "from django.contrib import admin", "from django.db import transaction", "",
            f"from .models import {', '.join(_class(e.name) for e in model.entities)}"]
    for entity in model.entities:
        ops = [o for o in pages_ops if o.entity == entity.name]
        if not ops:
            continue
        mine = [o for o in ops if o.verb.startswith("mark-")]
        actions += mine
        read_only = not any(o.verb == "create" for o in ops)
        label = entity.name.replace("_", " ")
        for op in ops:
            if op.verb.startswith("mark-"):
                continue
            name = {"list": f"{label.capitalize()} list", "create": f"Add {label}",
                    "update": f"Change {label}", "get": f"View {label}"}[op.verb]
            purpose = op.summary
            if op.verb == "list" and mine:
                purpose += " (" + ", ".join(f"`{_action_name(a)}`" for a in mine) + ")"
            pages.append(AdminPage(name, op.path, purpose))
        code += _model_admin(entity, mine, read_only)
    from smartspec.content.examples import example_ids

    idp = next((p.name for p in model.parties_of("identity-provider")), None)
    groups = _groups(model, app)
    first = actions[0] if actions else None
    target = first.path if first else pages[0].url
    body = ("csrfmiddlewaretoken=4b9e2d7c1a6f3e8b&action="
            f"{_action_name(first) if first else 'delete_selected'}"
            f"&select_across=0&index=0&_selected_action="
            f"{example_ids(model.name).of(first.entity if first else pages_ops[0].entity)}")
    host = (re.sub(r"[^a-z0-9]+", "-", model.name.lower()).strip("-") or "admin") + ".example.com"
    request = "\n".join([f"POST {target} HTTP/1.1", f"Host: {host}",
                         "Cookie: sessionid=8d1f3c2a9b7e4f60a5c1; csrftoken=4b9e2d7c1a6f3e8b",
                         "Content-Type: application/x-www-form-urlencoded", "", body])
    response = "\n".join(["HTTP/1.1 302 Found", f"Location: {target}",
                          "Set-Cookie: messages=...; HttpOnly; Secure; SameSite=Lax"])
    return AdminSite(app, idp, tuple(pages), tuple(actions), groups, "\n".join(code) + "\n",
                     _backend(idp, groups) if idp else None, request, response)


def _groups(model: SystemModel, app: str) -> tuple[AdminGroup, ...]:
    """Django groups from the people the model names: staff work the records, and
    administrators (when the description names them) may also delete one."""
    people = {a.name for a in model.actors if a.kind == "person"}
    found = [AdminGroup(f"{app}-staff", "Staff",
                        "view, add and change every model; run the status actions")]
    if people & {"administrator", "operator"}:
        found.append(AdminGroup(f"{app}-administrators", "Administrators",
                                "everything Staff may do, and delete a record"))
    return tuple(found)


def _backend(idp: str, groups: tuple[AdminGroup, ...]) -> str:
    mapping = ", ".join(f'"{g.idp_group}": "{g.django_group}"' for g in groups)
    return "\n".join([
        f'"""Sign-in through {idp} (OpenID Connect): its groups decide the Django groups."""',
        "from django.contrib.auth.models import Group",
        "from mozilla_django_oidc.auth import OIDCAuthenticationBackend",
        "",
        f"# {idp} group -> Django group; someone in none of them cannot sign in.",
        f"GROUPS = {{{mapping}}}",
        "",
        "",
        f"class {re.sub(r'[^A-Za-z0-9]', '', idp)}Backend(OIDCAuthenticationBackend):",
        "    def verify_claims(self, claims):",
        '        groups = set(claims.get("groups", []))',
        "        return super().verify_claims(claims) and bool(groups & GROUPS.keys())",
        "",
        "    def create_user(self, claims):",
        "        return self.update_user(super().create_user(claims), claims)",
        "",
        "    def update_user(self, user, claims):",
        f"        # Every sign-in copies the groups from {idp}, so a removal there takes effect",
        "        # at the next sign-in; nobody becomes a superuser through it.",
        "        user.is_staff, user.is_superuser = True, False",
        '        user.save(update_fields=["is_staff", "is_superuser"])',
        '        names = [GROUPS[g] for g in claims.get("groups", []) if g in GROUPS]',
        "        user.groups.set(Group.objects.filter(name__in=names))",
        "        return user",
    ]) + "\n"
