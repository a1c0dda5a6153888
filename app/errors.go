package app

import (
	"errors"
	"fmt"
)

// Kind says what sort of failure an Error is. The web layer maps each kind
// to one HTTP status in a single table; domain code never speaks HTTP.
type Kind string

const (
	KindInvalid         Kind = "invalid"           // malformed request (400)
	KindUnauthorized    Kind = "unauthorized"      // not signed in (401)
	KindForbidden       Kind = "forbidden"         // signed in but not allowed (403)
	KindNotFound        Kind = "not_found"         // no such thing, or not visible to the caller (404)
	KindConflict        Kind = "conflict"          // clashes with existing state (409)
	KindUnprocessable   Kind = "unprocessable"     // well-formed but against a rule (422)
	KindTooLarge        Kind = "too_large"         // request body over the limit (413)
	KindHeadersTooLarge Kind = "headers_too_large" // request headers over the limit (431)
	KindRateLimited     Kind = "rate_limited"      // too many requests (429)
	KindInternal        Kind = "internal"          // our fault (500)
	KindUnavailable     Kind = "unavailable"       // a dependency is down (503)
)

// Error is Hearth's one error type. Code is a stable snake_case identifier
// that clients may branch on (for example "booking_conflict"); Message is a
// sentence for a person. Field, when set, names the form field at fault so
// pages can show the message next to it.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf builds an Error. An empty code defaults to the kind's name.
func Errorf(kind Kind, code, format string, args ...any) *Error {
	if code == "" {
		code = string(kind)
	}
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// OnField returns a copy of e attached to a form field.
func (e *Error) OnField(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

// Shorthands for the common kinds.
func Invalid(code, format string, args ...any) *Error {
	return Errorf(KindInvalid, code, format, args...)
}
func Unprocessable(code, format string, args ...any) *Error {
	return Errorf(KindUnprocessable, code, format, args...)
}
func Conflict(code, format string, args ...any) *Error {
	return Errorf(KindConflict, code, format, args...)
}
func NotFound(format string, args ...any) *Error {
	return Errorf(KindNotFound, "not_found", format, args...)
}
func Forbidden(format string, args ...any) *Error {
	return Errorf(KindForbidden, "forbidden", format, args...)
}

// AsError returns err as an *Error when it is one (anywhere in its chain).
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// ErrorKind reports the kind of err, KindInternal for anything that is not an *Error.
func ErrorKind(err error) Kind {
	if e, ok := AsError(err); ok {
		return e.Kind
	}
	return KindInternal
}
