package membership_test

import (
	"strings"
	"testing"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing/membership"
)

var choiceSeeds = []string{
	"", " ", "payout", "paydown", "cash", "loan", " payout ", "PAYOUT", "Payout", "pay out", "payout\x00", "\x00",
	"\xff", "payout\r\n", "\r\n", "loan;cash", "ʟoan", strings.Repeat("cash", 1000),
}

// FuzzParseSurplus: a surplus choice is refused as unprocessable on the
// surplus field, or it is payout or paydown, written so around spaces, with
// nothing meaning payout.
func FuzzParseSurplus(f *testing.F) {
	for _, s := range choiceSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := membership.ParseSurplus(s)
		if err != nil {
			e := apptest.CheckRefusal(t, err, app.KindUnprocessable, "invalid_surplus_choice")
			if e.Field != "surplus" {
				t.Fatalf("ParseSurplus(%q): error on field %q", s, e.Field)
			}
			return
		}
		switch written := strings.TrimSpace(s); {
		case c != membership.SurplusPayout && c != membership.SurplusPaydown:
			t.Fatalf("ParseSurplus(%q) = %q, not a surplus choice", s, c)
		case written != string(c) && !(written == "" && c == membership.SurplusPayout):
			t.Fatalf("ParseSurplus(%q) = %q, not what was written", s, c)
		}
	})
}

// FuzzParseShortfall: a shortfall choice is refused as unprocessable on the
// shortfall field, or it is cash or loan, written so around spaces, with
// nothing meaning cash.
func FuzzParseShortfall(f *testing.F) {
	for _, s := range choiceSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := membership.ParseShortfall(s)
		if err != nil {
			e := apptest.CheckRefusal(t, err, app.KindUnprocessable, "invalid_shortfall_choice")
			if e.Field != "shortfall" {
				t.Fatalf("ParseShortfall(%q): error on field %q", s, e.Field)
			}
			return
		}
		switch written := strings.TrimSpace(s); {
		case c != membership.ShortfallCash && c != membership.ShortfallLoan:
			t.Fatalf("ParseShortfall(%q) = %q, not a shortfall choice", s, c)
		case written != string(c) && !(written == "" && c == membership.ShortfallCash):
			t.Fatalf("ParseShortfall(%q) = %q, not what was written", s, c)
		}
	})
}
