package web

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzLocalPath: localPath gives back the return address exactly when
// isLocalPath accepts it, and the fallback otherwise; an accepted address
// is valid UTF-8 of at most 2048 bytes that starts with a single "/",
// holds no control character, space or backslash (nor does its path once
// percent-decoded), has no scheme, host, user or fragment, and, resolved
// against a page of this site, stays on this site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{
		"/", "/members", "/members/7?tab=equity&x=1", "/bookings?from=2027-01-01T09:00:00%2B01:00", "/a/../b", "/%E2%82%AC",
		"//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "/ /evil.example",
		"https://evil.example", "http:/evil.example", "javascript:alert(1)", "data:text/html,x", "evil.example", "",
		"/%2F%2Fevil.example", "/%2f/evil.example", "/%5Cevil.example", "/%09/evil.example", "/.%2F/evil.example",
		"/@evil.example", "/a@evil.example", "/a#x", "/a#", "/a?b#c", "/a\r\nSet-Cookie: hearth_session=x", "/a%0d%0aSet-Cookie:x",
		"/?next=//evil.example", "/a?%0d%0a", "/\x00", "/%00", "\x00", "/\xff", "/%ff", "\xff", "\r\n", "/\u0085", "/\u00a0",
		"/\u2028", "/\u202e", "/\uff0fevil.example", "/a b", "/a\x7f", "/" + strings.Repeat("a", 2047), "/" + strings.Repeat("a", 2048),
	} {
		f.Add(s)
	}
	base, _ := url.Parse("https://hearth.example/members/7")
	f.Fuzz(func(t *testing.T, next string) {
		ok := isLocalPath(next)
		got := localPath(next, "/fallback")
		if ok && got != next || !ok && got != "/fallback" {
			t.Fatalf("localPath(%q) = %q, isLocalPath = %v", next, got, ok)
		}
		if !ok {
			return
		}
		if len(next) > 2048 || !utf8.ValidString(next) {
			t.Fatalf("accepted %q: too long or not UTF-8", next)
		}
		if next[0] != '/' || strings.HasPrefix(next, "//") {
			t.Fatalf("accepted %q: not a single leading slash", next)
		}
		if !pathText(next) {
			t.Fatalf("accepted %q: holds a control character, a space or a backslash", next)
		}
		u, err := url.Parse(next)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || u.Fragment != "" {
			t.Fatalf("accepted %q: url.Parse gives %#v, %v", next, u, err)
		}
		if strings.HasPrefix(u.Path, "//") || !pathText(u.Path) {
			t.Fatalf("accepted %q: its decoded path %q is not a clean local path", next, u.Path)
		}
		if to := base.ResolveReference(u); to.Scheme != base.Scheme || to.Host != base.Host || to.User != nil {
			t.Fatalf("accepted %q: it leads to %s", next, to)
		}
	})
}

// pathText is an independent statement of cleanPathText's rule.
func pathText(s string) bool {
	for _, r := range s {
		switch {
		case r == utf8.RuneError, r < 0x20, r == ' ', r == '\\', r >= 0x7f && r <= 0x9f:
			return false
		}
	}
	return true
}
