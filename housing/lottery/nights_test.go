package lottery_test

import (
	"testing"
	"time"

	"hearth/app"
	"hearth/housing/lottery"
)

// TestNightsFollowTheLocalClockAcrossDST: check-in and check-out stay at
// their local times on the nights around the spring-forward change.
func TestNightsFollowTheLocalClockAcrossDST(t *testing.T) {
	t.Parallel()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	slots, err := lottery.Nights{First: "2027-03-27", Last: "2027-03-29", CheckIn: "15:00", CheckOut: "11:00", PerSlot: 2}.Slots(berlin)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(slots), 2; got != want {
		t.Fatalf("slots: got %d, want %d", got, want)
	}
	for i, c := range []struct{ label, start, end string }{
		{"Sat 27 Mar – Sun 28 Mar 2027 (2 nights)", "2027-03-27 15:00 CET", "2027-03-29 11:00 CEST"},
		{"Mon 29 Mar 2027", "2027-03-29 15:00 CEST", "2027-03-30 11:00 CEST"},
	} {
		s := slots[i]
		if got := s.Label; got != c.label {
			t.Errorf("slot %d label: got %q, want %q", i, got, c.label)
		}
		if got := s.StartsAt.In(berlin).Format("2006-01-02 15:04 MST"); got != c.start {
			t.Errorf("slot %d start: got %s, want %s", i, got, c.start)
		}
		if got := s.EndsAt.In(berlin).Format("2006-01-02 15:04 MST"); got != c.end {
			t.Errorf("slot %d end: got %s, want %s", i, got, c.end)
		}
	}
	// 02:30 does not exist in Berlin on 28 March 2027.
	_, err = lottery.Nights{First: "2027-03-28", Last: "2027-03-28", CheckIn: "02:30", CheckOut: "11:00", PerSlot: 1}.Slots(berlin)
	if e, ok := app.AsError(err); !ok || e.Code != "nonexistent_local_time" {
		t.Errorf("check-in skipped by DST: got %v", err)
	}
	for name, n := range map[string]lottery.Nights{
		"last_before_first":       {First: "2027-01-02", Last: "2027-01-01", CheckIn: "15:00", CheckOut: "11:00", PerSlot: 1},
		"invalid_date":            {First: "2027-13-02", Last: "2027-01-01", CheckIn: "15:00", CheckOut: "11:00", PerSlot: 1},
		"invalid_time":            {First: "2027-01-01", Last: "2027-01-01", CheckIn: "3pm", CheckOut: "11:00", PerSlot: 1},
		"invalid_nights_per_slot": {First: "2027-01-01", Last: "2027-01-01", CheckIn: "15:00", CheckOut: "11:00", PerSlot: 0},
		"too_many_slots":          {First: "2027-01-01", Last: "2029-01-01", CheckIn: "15:00", CheckOut: "11:00", PerSlot: 1},
	} {
		_, err := n.Slots(berlin)
		if e, ok := app.AsError(err); !ok || e.Code != name {
			t.Errorf("%s: got %v", name, err)
		}
	}
}
