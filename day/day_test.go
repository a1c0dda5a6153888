package day_test

import (
	"encoding/json"
	"testing"
	"time"

	"hearth/app"
	"hearth/day"
)

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in, want string // want "" for a refusal
	}{
		{"2027-03-01", "2027-03-01"},
		{" 2027-03-01 ", "2027-03-01"},
		{"2028-02-29", "2028-02-29"},
		{"2027-02-29", ""},
		{"2027-02-30", ""},
		{"2027-2-3", ""},
		{"2027-02-03T00:00:00Z", ""},
		{"1899-12-31", ""},
		{"3000-01-01", ""},
		{"", ""},
		{"01/03/2027", ""},
	} {
		d, err := day.Parse(tt.in)
		if tt.want == "" {
			if e, ok := app.AsError(err); !ok || e.Code != "invalid_date" || e.Kind != app.KindUnprocessable {
				t.Errorf("Parse(%q): got %v, %v, want invalid_date", tt.in, d, err)
			}
			continue
		}
		if err != nil || d.String() != tt.want {
			t.Errorf("Parse(%q): got %v, %v, want %s", tt.in, d, err, tt.want)
		}
	}
}

func TestTodayIsAskedAtAPlace(t *testing.T) {
	t.Parallel()
	// At one instant it can be two days: 02:00 UTC on a Tuesday is still
	// Monday evening in Los Angeles.
	instant := time.Date(2027, 3, 2, 2, 0, 0, 0, time.UTC)
	la, _ := time.LoadLocation("America/Los_Angeles")
	if got, want := day.Of(instant.In(la)).String(), "2027-03-01"; got != want {
		t.Errorf("in Los Angeles: got %s, want %s", got, want)
	}
	if got, want := day.Of(instant).String(), "2027-03-02"; got != want {
		t.Errorf("in UTC: got %s, want %s", got, want)
	}
}

func TestArithmeticAndJSON(t *testing.T) {
	t.Parallel()
	d := day.New(2027, 1, 31)
	if got := d.AddDays(1).String(); got != "2027-02-01" {
		t.Errorf("AddDays: %s", got)
	}
	if got := d.AddMonths(1).String(); got != "2027-02-01" {
		t.Errorf("AddMonths gives the first of the month: %s", got)
	}
	if got := d.Month().String(); got != "2027-01-01" {
		t.Errorf("Month: %s", got)
	}
	if got := d.DaysUntil(day.New(2027, 3, 1)); got != 29 {
		t.Errorf("DaysUntil: %d", got)
	}
	b, _ := json.Marshal(struct{ On day.Day }{d})
	if string(b) != `{"On":"2027-01-31"}` {
		t.Errorf("JSON: %s", b)
	}
	var in struct{ On day.Day }
	if err := json.Unmarshal([]byte(`{"On":"2027-2-3"}`), &in); app.ErrorKind(err) != app.KindUnprocessable {
		t.Errorf("a malformed day in JSON: %v", err)
	}
}
