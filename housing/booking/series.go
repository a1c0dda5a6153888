package booking

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/teambition/rrule-go"

	"hearth/app"
)

// MaxOccurrences caps how many bookings one recurring rule may make.
const MaxOccurrences = 200

// SeriesRequest asks for a recurring booking: the first occurrence's times
// (Request) repeated by an RFC 5545 RRULE such as "FREQ=WEEKLY;COUNT=10".
type SeriesRequest struct {
	Request
	RRule string
	// SkipConflicts books the occurrences that can be booked and reports the
	// others; without it, the series is booked all or nothing.
	SkipConflicts bool
}

// Occurrence is one time of a series and what became of it: a booking, or
// the code and message of the conflict or rule that refused it.
type Occurrence struct {
	StartsAt time.Time
	EndsAt   time.Time
	Booking  *Booking
	Code     string
	Message  string
}

// SeriesResult lists every occurrence of a series request in time order.
type SeriesResult struct {
	SeriesID    int64 // 0 when nothing was booked
	Occurrences []Occurrence
}

// Created counts the occurrences that were booked.
func (r SeriesResult) Created() int {
	n := 0
	for _, o := range r.Occurrences {
		if o.Booking != nil {
			n++
		}
	}
	return n
}

// CreateSeries books the occurrences of a recurring rule, generated in the
// site's local time so that 09:00 stays 09:00 across daylight-saving
// changes. The result lists every occurrence with its booking or the code
// of the conflict or rule that refused it; it comes back filled also when
// the error is series_refused.
//
// by books for themself (Request.MadeBy). Errors: forbidden (403); (422) rrule_invalid, rrule_unbounded (no COUNT or UNTIL),
// rrule_too_many (more than MaxOccurrences), rrule_too_long (beyond the
// two-year limit); the errors of checkRange for the first occurrence;
// series_refused (409 when only conflicts refused occurrences, 422
// otherwise) when an all-or-nothing series, or every occurrence of a
// skip-conflicts series, was refused: then nothing is written.
func (s *Service) CreateSeries(ctx context.Context, by *app.Principal, req SeriesRequest) (SeriesResult, error) {
	var res SeriesResult
	if err := req.MadeBy(by); err != nil {
		return res, err
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		res, err = s.createSeries(ctx, tx, req)
		return err
	})
	return unwritten(res, err)
}

// CreateSeriesTx is CreateSeries in the caller's transaction, for the demo
// cooperative, which writes its history in one: a refused series leaves
// nothing written there either.
func (s *Service) CreateSeriesTx(ctx context.Context, tx *sqlx.Tx, by *app.Principal, req SeriesRequest) (SeriesResult, error) {
	if err := req.MadeBy(by); err != nil {
		return SeriesResult{}, err
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT series`); err != nil {
		return SeriesResult{}, fmt.Errorf("booking: %w", err)
	}
	res, err := s.createSeries(ctx, tx, req)
	if err != nil {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT series`); rerr != nil {
			return SeriesResult{}, fmt.Errorf("booking: %w", rerr)
		}
		return unwritten(res, err)
	}
	if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT series`); err != nil {
		return SeriesResult{}, fmt.Errorf("booking: %w", err)
	}
	return res, nil
}

// unwritten answers a series whose transaction failed: a refusal with the
// occurrences and why each was refused, none of them written.
func unwritten(res SeriesResult, err error) (SeriesResult, error) {
	if err == nil {
		return res, nil
	}
	if app.ErrorKind(err) != app.KindConflict && app.ErrorKind(err) != app.KindUnprocessable {
		return SeriesResult{}, err
	}
	res.SeriesID = 0
	for i := range res.Occurrences {
		res.Occurrences[i].Booking = nil
	}
	return res, err
}

// createSeries books a series in tx.
func (s *Service) createSeries(ctx context.Context, tx *sqlx.Tx, req SeriesRequest) (SeriesResult, error) {
	var res SeriesResult
	if err := checkRange(req.StartsAt, req.EndsAt); err != nil {
		return res, err
	}
	r, err := resourceTx(ctx, tx, req.ResourceID)
	if err != nil {
		return res, err
	}
	rule, times, err := occurrences(req.RRule, req.StartsAt, req.EndsAt, r.loc, s.now())
	if err != nil {
		return res, err
	}
	res = SeriesResult{Occurrences: make([]Occurrence, len(times))}
	if err := tx.GetContext(ctx, &res.SeriesID, `
		INSERT INTO booking_series (site_id, resource_id, member_id, rrule, first_during, created_at)
		VALUES ($1, $2, $3, $4, tstzrange($5, $6, '[)'), $7) RETURNING id`,
		r.SiteID, r.ID, req.MemberID, rule, req.StartsAt, req.EndsAt, s.now()); err != nil {
		if app.PQConstraint(err) == "booking_series_member_id_fkey" {
			return res, app.NotFound("There is no member %d.", req.MemberID)
		}
		return res, fmt.Errorf("booking: unable to create series: %w", err)
	}
	for i, t := range times {
		o := &res.Occurrences[i]
		o.StartsAt, o.EndsAt = t.StartsAt, t.EndsAt
		one := req.Request
		one.StartsAt, one.EndsAt = t.StartsAt, t.EndsAt
		if _, err := tx.ExecContext(ctx, `SAVEPOINT occurrence`); err != nil {
			return res, fmt.Errorf("booking: %w", err)
		}
		b, err := s.book(ctx, tx, one, &res.SeriesID)
		if e, ok := app.AsError(err); ok && (e.Kind == app.KindConflict || e.Kind == app.KindUnprocessable) {
			o.Code, o.Message = e.Code, e.Message
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT occurrence`); err != nil {
				return res, fmt.Errorf("booking: %w", err)
			}
			continue
		}
		if err != nil {
			return res, err
		}
		o.Booking = &b
	}
	refused := len(times) - res.Created()
	if refused == 0 || req.SkipConflicts && refused < len(times) {
		return res, nil
	}
	return res, seriesRefused(res, refused, req.SkipConflicts)
}

func seriesRefused(res SeriesResult, refused int, skip bool) error {
	kind := app.KindConflict
	for _, o := range res.Occurrences {
		if o.Code != "" && o.Code != "booking_conflict" {
			kind = app.KindUnprocessable
		}
	}
	if skip {
		return app.Errorf(kind, "series_refused", "None of the %d times can be booked.", len(res.Occurrences))
	}
	return app.Errorf(kind, "series_refused", "%d of the %d times cannot be booked, so none was booked. "+
		"Choose other times, or book the others and skip these.", refused, len(res.Occurrences))
}

// occurrences expands an RRULE from the first occurrence [start, end) in
// loc. Each occurrence keeps the wall-clock times of the first one (a
// 09:00–10:00 slot stays 09:00–10:00 through DST; a Friday 15:00 to
// Sunday 11:00 stay keeps its days and hours). It returns the rule as
// stored (without "RRULE:").
func occurrences(text string, start, end time.Time, loc *time.Location, now time.Time) (string, []Interval, error) {
	rule := strings.TrimPrefix(strings.TrimSpace(text), "RRULE:")
	if rule == "" || len(rule) > 500 || strings.ContainsAny(rule, "\r\n") || strings.Contains(strings.ToUpper(rule), "DTSTART") {
		return "", nil, app.Unprocessable("rrule_invalid",
			"Give the repeat rule alone, like FREQ=WEEKLY;COUNT=10; the first booking's times set where it starts.").OnField("rrule")
	}
	opt, err := rrule.StrToROptionInLocation(rule, loc)
	if err != nil {
		return "", nil, app.Unprocessable("rrule_invalid", "The repeat rule %q is not an RFC 5545 RRULE: %v.", rule, err).OnField("rrule")
	}
	if opt.Freq > rrule.DAILY {
		return "", nil, app.Unprocessable("rrule_invalid", "A booking repeats daily, weekly, monthly or yearly.").OnField("rrule")
	}
	if err := checkRuleParts(opt); err != nil {
		return "", nil, err
	}
	if opt.Count <= 0 && opt.Until.IsZero() {
		return "", nil, app.Unprocessable("rrule_unbounded",
			"Say how many times the booking repeats (COUNT=10) or until when (UNTIL=20261231T235959Z).").OnField("rrule")
	}
	if opt.Count > MaxOccurrences {
		return "", nil, app.Unprocessable("rrule_too_many", "A series makes at most %d bookings.", MaxOccurrences).OnField("rrule")
	}
	// The rule runs on the wall clock, read as UTC ("floating" time), and
	// each time it gives is then placed in loc. Run in loc itself, rrule-go
	// steps over a day whose midnight a daylight-saving change skips
	// (America/Santiago in September): it gives the day before twice.
	first := start.In(loc)
	opt.Dtstart = floating(first)
	if !opt.Until.IsZero() {
		opt.Until = floating(opt.Until.In(loc))
	}
	rr, err := rrule.NewRRule(*opt)
	if err != nil {
		return "", nil, app.Unprocessable("rrule_invalid", "The repeat rule %q cannot be used: %v.", rule, err).OnField("rrule")
	}
	// The last occurrence's wall clock, as days after the first and a time of day.
	last := end.In(loc)
	days := int(localDate(last, loc).Sub(localDate(first, loc)).Hours()/24 + 0.5)
	endClock := Clock(last.Hour()*60 + last.Minute())
	limit := nextDate(localDate(now, loc), MaxAheadDays+1)

	var out []Interval
	next := rr.Iterator()
	for w, ok := next(); ok; w, ok = next() {
		y, m, d := w.Date()
		t := time.Date(y, m, d, w.Hour(), w.Minute(), w.Second(), 0, loc)
		if len(out) == MaxOccurrences {
			return "", nil, app.Unprocessable("rrule_too_many", "A series makes at most %d bookings.", MaxOccurrences).OnField("rrule")
		}
		if !t.Before(limit) {
			return "", nil, app.Unprocessable("rrule_too_long", "The series runs past %s: bookings can be made at most two years ahead.",
				limit.Format("2 January 2006")).OnField("rrule")
		}
		e := endClock.On(y, m, d+days, loc)
		if !e.After(t) {
			e = t.Add(end.Sub(start))
		}
		out = append(out, Interval{t, e})
	}
	if len(out) == 0 {
		return "", nil, app.Unprocessable("rrule_invalid", "The repeat rule produces no dates from the first booking on.").OnField("rrule")
	}
	return rule, out, nil
}

// checkRuleParts refuses the parts of a rule that set a time of day
// (BYHOUR, BYMINUTE, BYSECOND): the first booking sets it, and each
// occurrence keeps its start and end. With them a 09:00-10:00 booking and
// BYHOUR=5 gave 05:00-10:00, BYSECOND starts between minutes, and two
// times in a skipped hour the same instant twice. It also refuses the
// parts that rrule-go would panic on, indexing its calendar of the year out
// of range: BYEASTER (not RFC 5545, and its offset goes unchecked) and,
// where weekdays are counted within a month, a BYDAY number beyond the
// fifth (BYDAY=-6MO). Errors: rrule_invalid (422).
func checkRuleParts(opt *rrule.ROption) error {
	if len(opt.Byhour) > 0 || len(opt.Byminute) > 0 || len(opt.Bysecond) > 0 {
		return app.Unprocessable("rrule_invalid",
			"The first booking sets the time of day: leave BYHOUR, BYMINUTE and BYSECOND out of the repeat rule.").OnField("rrule")
	}
	if len(opt.Byeaster) > 0 {
		return app.Unprocessable("rrule_invalid", "BYEASTER is not part of an RFC 5545 repeat rule.").OnField("rrule")
	}
	inMonth := opt.Freq == rrule.MONTHLY || opt.Freq == rrule.YEARLY && len(opt.Bymonth) > 0
	for _, w := range opt.Byweekday {
		if inMonth && (w.N() > 5 || w.N() < -5) {
			return app.Unprocessable("rrule_invalid",
				"A month has at most five of a weekday: number them from 1 to 5, or -1 to -5 from the end (BYDAY=-1FR).").OnField("rrule")
		}
	}
	return nil
}

// floating returns the wall-clock time of t as the same time in UTC.
func floating(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// CancelSeries cancels the occurrences of a series that start at or after
// from (the rest of the series; from before now means from now). Its owner,
// a coordinator of its site or an admin may. The freed times go to the
// waitlist. It returns how many were cancelled. Errors: not_found;
// forbidden.
func (s *Service) CancelSeries(ctx context.Context, by *app.Principal, seriesID int64, from time.Time) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		now := s.now()
		var owner struct {
			SiteID     int64 `db:"site_id"`
			ResourceID int64 `db:"resource_id"`
			MemberID   int64 `db:"member_id"`
		}
		err := tx.GetContext(ctx, &owner, `SELECT site_id, resource_id, member_id FROM booking_series WHERE id = $1`, seriesID)
		if app.ErrNoRows(err) {
			return app.NotFound("There is no such series.")
		}
		if err != nil {
			return fmt.Errorf("booking: unable to fetch series: %w", err)
		}
		if owner.MemberID != by.ID && !by.Coordinates(owner.SiteID) {
			return app.Forbidden("You can only cancel your own bookings.")
		}
		from = later(from, now)
		var freed []struct {
			ID int64 `db:"id"`
			Interval
		}
		if err := tx.SelectContext(ctx, &freed, `
			SELECT id, lower(blocks) AS starts_at, upper(blocks) AS ends_at FROM bookings
			WHERE series_id = $1 AND `+activeStatuses+` AND lower(during) >= $2
			ORDER BY lower(during) FOR UPDATE`, seriesID, from); err != nil {
			return fmt.Errorf("booking: unable to find the series' bookings: %w", err)
		}
		ids := make([]int64, len(freed))
		for i, f := range freed {
			ids[i] = f.ID
		}
		if err := s.setStatus(ctx, tx, by, ids, cancel, "", now); err != nil {
			return err
		}
		r, err := s.lockedResource(ctx, tx, owner.ResourceID)
		if err != nil {
			return err
		}
		for _, f := range freed {
			if err := s.offerFreed(ctx, tx, &r, f.Interval, now); err != nil {
				return err
			}
		}
		n = len(freed)
		return nil
	})
	return n, err
}
