// Package feeds publishes bookings as iCalendar (RFC 5545) feeds that
// calendar apps subscribe to: one per member (their bookings) and one per
// resource (when it is taken), each at an unguessable URL that its holder can
// revoke by making a new one.
package feeds

import (
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// ContentType is the media type of a feed.
const ContentType = "text/calendar; charset=utf-8"

// prodID names the program that wrote a feed (RFC 5545 §3.7.3).
const prodID = "-//Hearth//Hearth co-housing cooperative//EN"

// Status is an event's status as calendar apps read it.
type Status string

const (
	StatusConfirmed Status = "CONFIRMED"
	StatusTentative Status = "TENTATIVE" // waiting for a coordinator's approval
	StatusCancelled Status = "CANCELLED"
)

// Event is one booking in a feed. UID must stay the same for the life of the
// booking, and Sequence must grow whenever the booking changes (a
// cancellation, an approval), so that calendar apps update their copy
// rather than add a second one.
type Event struct {
	UID         string
	Summary     string
	Description string
	Location    string
	StartsAt    time.Time
	EndsAt      time.Time
	Status      Status
	Sequence    int
	Created     time.Time
	Modified    time.Time
}

// Calendar is a feed: its name as calendar apps show it, and its events.
type Calendar struct {
	Name        string
	Description string
	Events      []Event
}

// Write writes the calendar as an iCalendar object: VERSION 2.0, METHOD
// PUBLISH, times in UTC (so no VTIMEZONE is needed and every app places them
// right), CRLF line endings and lines folded at 75 octets. now is the
// DTSTAMP: with METHOD present, RFC 5545 §3.8.7.2 makes it the time the
// object was written.
func Write(w io.Writer, c Calendar, now time.Time) error {
	cal := ics.NewCalendar()
	cal.SetProductId(prodID)
	cal.SetVersion("2.0")
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetXWRCalName(plain(c.Name))
	cal.SetName(plain(c.Name))
	if c.Description != "" {
		cal.SetXWRCalDesc(plain(c.Description))
	}
	// Hints for how often to poll: Apple and Outlook read X-PUBLISHED-TTL,
	// RFC 7986 clients REFRESH-INTERVAL. Google polls on its own schedule.
	cal.SetXPublishedTTL("PT1H")
	cal.SetRefreshInterval("PT1H")
	for _, e := range c.Events {
		ev := cal.AddEvent(e.UID)
		ev.SetDtStampTime(now)
		ev.SetStartAt(e.StartsAt)
		ev.SetEndAt(e.EndsAt)
		ev.SetSummary(plain(e.Summary))
		if e.Description != "" {
			ev.SetDescription(plain(e.Description))
		}
		if e.Location != "" {
			ev.SetLocation(plain(e.Location))
		}
		ev.SetStatus(ics.ObjectStatus(e.Status))
		ev.SetSequence(e.Sequence)
		if !e.Created.IsZero() {
			ev.SetCreatedTime(e.Created)
		}
		if !e.Modified.IsZero() {
			ev.SetLastModifiedAt(e.Modified)
		}
		// A cancelled booking frees the time in the subscriber's calendar.
		if e.Status == StatusCancelled {
			ev.SetTimeTransparency(ics.TransparencyTransparent)
		} else {
			ev.SetTimeTransparency(ics.TransparencyOpaque)
		}
	}
	if err := cal.SerializeTo(w, ics.WithNewLineWindows); err != nil {
		return fmt.Errorf("feeds: unable to write the calendar: %w", err)
	}
	return nil
}

// plain makes free text safe for a TEXT value: line breaks become LF (which
// the library escapes as \n) and other control characters go, since RFC 5545
// forbids them in content lines.
func plain(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}
