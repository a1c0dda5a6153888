// Package app is the foundation every Hearth package stands on, and the
// only one that imports no other of them but the migrations: the
// configuration, the database (and the private PostgreSQL cluster started
// when none is configured, and the migrations), the one error type and its
// kinds, members' accounts, sessions and API tokens, and the Principal,
// who is asking, whose methods are the primitives the domain's permission
// rules are written with.
package app
