package web

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// localPath returns next when it is a path on this site that is safe to put
// into a Location header, and fallback otherwise. A return address comes
// from the request (the sign-in's next, a cancel form's back), so an
// attacker can choose it: without this check a link could send a member on
// to another host after signing in, or, through CR or LF, write headers of
// its own (a planted session cookie) into the answer.
//
// Accepted: an absolute path with an optional query, valid UTF-8 with no
// control character, space or backslash (in the path also once
// percent-decoded), and no scheme, host, user or fragment. Browsers read "//host", "/\host"
// and "/\t/host" as another host, so those are refused too.
func localPath(next, fallback string) string {
	if !isLocalPath(next) {
		return fallback
	}
	return next
}

func isLocalPath(next string) bool {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || len(next) > 2048 || !cleanPathText(next) {
		return false
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || u.Fragment != "" {
		return false
	}
	// The decoded path must be as clean as the raw one: a browser or a
	// proxy may decode it before it resolves it. (The query goes out
	// encoded as it came, already checked raw.)
	return cleanPathText(u.Path) && !strings.HasPrefix(u.Path, "//")
}

// cleanPathText reports whether s is valid UTF-8 without control characters,
// spaces or backslashes.
func cleanPathText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) {
			return false
		}
	}
	return true
}
