// Package feedstest checks iCalendar feeds the way strict subscribers do
// (Google Calendar, Apple Calendar, Thunderbird), for tests of any package.
package feedstest

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

var utcTime = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z$`)

// MustValidate fails the test unless raw is a well-formed iCalendar feed:
// CRLF line endings and no bare LF or CR, physical lines of at most 75
// octets, valid UTF-8, VERSION 2.0, PRODID, METHOD:PUBLISH and X-WR-CALNAME,
// and events with a unique UID, DTSTAMP, DTSTART before DTEND (in UTC or in
// a time zone the feed defines and the tz database knows), a known STATUS
// and a whole SEQUENCE. It returns the calendar parsed back by the library.
func MustValidate(t testing.TB, raw []byte) *ics.Calendar {
	t.Helper()
	if !utf8.Valid(raw) {
		t.Fatal("feed: not valid UTF-8")
	}
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		t.Error("feed: does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(raw), "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("feed line %d: bare CR or LF in %q", i+1, line)
		}
		if len(line) > 75 {
			t.Errorf("feed line %d: %d octets, more than 75: %q", i+1, len(line), line)
		}
	}
	if !bytes.HasPrefix(raw, []byte("BEGIN:VCALENDAR\r\n")) || !bytes.HasSuffix(raw, []byte("END:VCALENDAR\r\n")) {
		t.Error("feed: not a single VCALENDAR object")
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("feed: the library cannot parse it back: %v", err)
	}
	props := map[string]string{}
	for _, p := range cal.CalendarProperties {
		props[p.IANAToken] = p.Value
	}
	for key, want := range map[string]string{"VERSION": "2.0", "METHOD": "PUBLISH"} {
		if got := props[key]; got != want {
			t.Errorf("feed %s: got %q, want %q", key, got, want)
		}
	}
	for _, key := range []string{"PRODID", "X-WR-CALNAME"} {
		if props[key] == "" {
			t.Errorf("feed: no %s", key)
		}
	}
	zones := map[string]bool{}
	for _, tz := range cal.Timezones() {
		id := tz.GetProperty(ics.ComponentPropertyTzid)
		if id == nil {
			t.Error("feed: a VTIMEZONE without TZID")
			continue
		}
		if _, err := time.LoadLocation(id.Value); err != nil {
			t.Errorf("feed: VTIMEZONE %q is not a tz database zone", id.Value)
		}
		zones[id.Value] = true
	}
	uids := map[string]bool{}
	for _, ev := range cal.Events() {
		uid := ev.Id()
		if uid == "" || uids[uid] {
			t.Errorf("feed: event UID %q missing or repeated", uid)
		}
		uids[uid] = true
		stamp := ev.GetProperty(ics.ComponentPropertyDtstamp)
		if stamp == nil || !utcTime.MatchString(stamp.Value) {
			t.Errorf("event %s: DTSTAMP missing or not UTC", uid)
		}
		for _, key := range []ics.ComponentProperty{ics.ComponentPropertyDtStart, ics.ComponentPropertyDtEnd} {
			p := ev.GetProperty(key)
			if p == nil {
				t.Errorf("event %s: no %s", uid, key)
				continue
			}
			tzid := p.ICalParameters["TZID"]
			switch {
			case len(tzid) == 1 && zones[tzid[0]]:
			case len(tzid) == 0 && utcTime.MatchString(p.Value):
			default:
				t.Errorf("event %s: %s %q is neither UTC nor in a zone the feed defines", uid, key, p.Value)
			}
		}
		start, errStart := ev.GetStartAt()
		end, errEnd := ev.GetEndAt()
		if errStart != nil || errEnd != nil || !end.After(start) {
			t.Errorf("event %s: start %v and end %v (%v, %v)", uid, start, end, errStart, errEnd)
		}
		switch st := ev.GetProperty(ics.ComponentPropertyStatus); {
		case st == nil:
			t.Errorf("event %s: no STATUS", uid)
		case st.Value != "CONFIRMED" && st.Value != "TENTATIVE" && st.Value != "CANCELLED":
			t.Errorf("event %s: STATUS %q", uid, st.Value)
		}
		if seq := ev.GetProperty(ics.ComponentPropertySequence); seq == nil {
			t.Errorf("event %s: no SEQUENCE", uid)
		} else if n, err := strconv.Atoi(seq.Value); err != nil || n < 0 {
			t.Errorf("event %s: SEQUENCE %q", uid, seq.Value)
		}
	}
	return cal
}

// Event returns the event of the calendar with the given UID, nil if none.
func Event(cal *ics.Calendar, uid string) *ics.VEvent {
	for _, ev := range cal.Events() {
		if ev.Id() == uid {
			return ev
		}
	}
	return nil
}

// Value returns a property's value of an event, "" when absent.
func Value(ev *ics.VEvent, p ics.ComponentProperty) string {
	if prop := ev.GetProperty(p); prop != nil {
		return prop.Value
	}
	return ""
}
