"""Access control: accounts, roles, login, the guard on every request, audit log, security headers."""
