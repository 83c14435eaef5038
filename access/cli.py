"""`python -m access`: manage accounts and read the audit log (a thin CLI over access.store).

    python -m access add NAAM --rol coordinator|portefeuillehouder|medewerker|beheerder [--gemeente GM0758 ...]
    python -m access list
    python -m access password NAAM
    python -m access remove NAAM
    python -m access role NAAM --rol ROL [--gemeente GM0758 ...]
    python -m access sessions      # who is logged in now (since, last seen)
    python -m access logout NAAM   # end every session of an account (also a sign-in through the provider)
    python -m access demo          # one demo account per role, passwords printed once
    python -m access audit [--limit N]

A new password, a new role and a removal end every session of the account at once (docs/security.md).
A new password is asked twice on a terminal, taken from the environment variable named by
`--password-env`, or generated and printed once.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from datetime import UTC, datetime

from access import store
from access.roles import LABELS, ROLES, STAFF

DEMO = {"coordinator": ("coordinator", ()), "wethouder": ("portefeuillehouder", ()),
        "medewerker": ("medewerker", ("GM0758", "GM1719")), "beheerder": ("beheerder", ())}


def _new_password(env: str | None) -> tuple[str, bool]:
    """(password, generated?)"""
    if env:
        value = os.environ.get(env)
        if not value:
            raise store.AccountError(f"omgevingsvariabele {env} is leeg")
        return value, False
    if sys.stdin.isatty():
        first, second = getpass.getpass("Nieuw wachtwoord: "), getpass.getpass("Nogmaals: ")
        if first != second:
            raise store.AccountError("de wachtwoorden verschillen")
        return first, False
    return secrets.token_urlsafe(15), True


def _demo() -> int:
    existing = {a.username for a in store.list_accounts()}
    made = []
    for username, (role, municipalities) in DEMO.items():
        if username in existing:
            continue
        env = f"RBL_DEMO_PASSWORD_{username.upper()}"
        password = os.environ.get(env) or secrets.token_urlsafe(15)
        store.add_account(username, role, password, municipalities)
        made.append((username, role, password if env not in os.environ else f"(uit {env})"))
    if made:
        print("Demo-accounts aangemaakt. De wachtwoorden worden maar één keer getoond:")
        for username, role, password in made:
            print(f"  {username:<12} {LABELS[role]:<20} {password}")
    else:
        print("Demo-accounts bestaan al (wachtwoord kwijt? `python -m access password NAAM`).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m access", description="Accounts en auditlog van RBL Monitor.")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="een account toevoegen")
    add.add_argument("username")
    add.add_argument("--rol", required=True, choices=ROLES)
    add.add_argument("--gemeente", nargs="*", default=[], help=f"gemeenten (verplicht voor rol {STAFF})")
    add.add_argument("--password-env", help="neem het wachtwoord uit deze omgevingsvariabele")
    sub.add_parser("list", help="de accounts")
    pw = sub.add_parser("password", help="een nieuw wachtwoord zetten")
    pw.add_argument("username")
    pw.add_argument("--password-env")
    rm = sub.add_parser("remove", help="een account verwijderen")
    rm.add_argument("username")
    role = sub.add_parser("role", help="een andere rol (alle sessies van het account eindigen)")
    role.add_argument("username")
    role.add_argument("--rol", required=True, choices=ROLES)
    role.add_argument("--gemeente", nargs="*", help=f"gemeenten (voor rol {STAFF}; standaard de huidige)")
    sub.add_parser("sessions", help="wie nu is ingelogd")
    out = sub.add_parser("logout", help="alle sessies van een account beëindigen")
    out.add_argument("username")
    sub.add_parser("demo", help="één demo-account per rol (wachtwoorden één keer getoond)")
    audit = sub.add_parser("audit", help="het auditlog")
    audit.add_argument("--limit", type=int, default=50)
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except store.AccountError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.command == "add":
        password, generated = _new_password(args.password_env)
        store.add_account(args.username.lower(), args.rol, password, tuple(args.gemeente))
        print(f"Account {args.username.lower()} ({LABELS[args.rol]}) aangemaakt."
              + (f" Wachtwoord (één keer getoond): {password}" if generated else ""))
    elif args.command == "list":
        for a in store.list_accounts():
            print(f"{a.username:<20} {LABELS[a.role]:<20} {','.join(a.municipalities)}")
    elif args.command == "password":
        password, generated = _new_password(args.password_env)
        store.set_password(args.username.lower(), password)
        print("Wachtwoord gewijzigd." + (f" Nieuw wachtwoord (één keer getoond): {password}" if generated else ""))
    elif args.command == "remove":
        store.remove_account(args.username.lower())
        print(f"Account {args.username.lower()} verwijderd.")
    elif args.command == "role":
        store.set_role(args.username.lower(), args.rol, tuple(args.gemeente) if args.gemeente else None)
        print(f"Account {args.username.lower()} is nu {LABELS[args.rol]}; de sessies van het account zijn beëindigd.")
    elif args.command == "sessions":
        for s in store.list_sessions():
            since, seen = (datetime.fromtimestamp(t, UTC).isoformat(timespec="seconds") for t in (s.since, s.seen))
            print(f"{s.username:<20} {LABELS.get(s.role, s.role):<20} {s.via:<7} sinds {since}  laatst {seen}")
    elif args.command == "logout":
        print(f"{store.end_sessions(args.username.lower())} sessie(s) van {args.username.lower()} beëindigd.")
    elif args.command == "demo":
        return _demo()
    elif args.command == "audit":
        for at, username, role, action, target in store.audit_log(args.limit):
            print(f"{at}  {username:<16} {role:<20} {action:<18} {target}")
    return 0
