package lottery

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Record is the published audit record of a window: what it offered, the
// commitment, and once drawn the revealed seed, the frozen requests with
// their weights, and the result. It is the JSON document a window's page
// offers for download, and all that `hearth lottery verify --file` needs.
type Record struct {
	Algorithm      string          `json:"algorithm"`
	WindowID       int64           `json:"window_id"`
	SiteID         int64           `json:"site_id"`
	SiteName       string          `json:"site_name"`
	ResourceID     int64           `json:"resource_id"`
	ResourceName   string          `json:"resource_name"`
	Title          string          `json:"title"`
	Timezone       string          `json:"timezone"`
	OpenedAt       time.Time       `json:"opened_at"`
	ClosesAt       time.Time       `json:"closes_at"`
	DrawnAt        *time.Time      `json:"drawn_at,omitempty"`
	Status         Status          `json:"status"`
	SeedHash       string          `json:"seed_sha256"`
	Seed           string          `json:"seed,omitempty"`
	SlotsPerMember int             `json:"slots_per_member"`
	Slots          []Slot          `json:"slots"`
	Entrants       []RecordEntrant `json:"entrants,omitempty"`
	// SetAside lists members who had requested but could no longer book the
	// space when the draw ran (they had moved away); their requests were not
	// part of the draw.
	SetAside []int64     `json:"set_aside,omitempty"`
	Result   *DrawResult `json:"result,omitempty"`
}

// RecordEntrant is an entrant as published: Weight repeats 1/(1+past
// allocations) for people reading the record; verification checks it.
type RecordEntrant struct {
	Entrant
	Weight string `json:"weight"`
}

// Input returns the draw input the record publishes. Errors: the record is
// not drawn yet, or its seed is not hexadecimal.
func (r Record) Input() (DrawInput, error) {
	if r.Seed == "" {
		return DrawInput{}, errors.New("the window has not been drawn yet: its seed is still secret")
	}
	seed, err := hex.DecodeString(r.Seed)
	if err != nil {
		return DrawInput{}, fmt.Errorf("the seed is not hexadecimal: %w", err)
	}
	in := DrawInput{Seed: seed, SlotsPerMember: r.SlotsPerMember, Slots: r.Slots}
	for _, e := range r.Entrants {
		in.Entrants = append(in.Entrants, e.Entrant)
	}
	return in, nil
}

// Check is one line of a verification: what was checked and whether it held.
type Check struct {
	What string
	OK   bool
	Note string
}

// Verification is the outcome of re-running a record's draw.
type Verification struct {
	Checks []Check
	Result DrawResult // the result of the re-run
}

// OK reports whether every check held.
func (v Verification) OK() bool {
	for _, c := range v.Checks {
		if !c.OK {
			return false
		}
	}
	return len(v.Checks) > 0
}

// Verify re-runs a published record: the seed must hash to the published
// commitment, every published weight must be 1/(1+past allocations), and
// the draw of the published input must give the published result. The error
// is for a record that cannot be re-run at all (not drawn, unknown algorithm,
// malformed input); a record that re-runs to another result comes back as a
// Verification whose OK is false.
func Verify(r Record) (Verification, error) {
	var v Verification
	if r.Algorithm != Algorithm {
		return v, fmt.Errorf("the record uses algorithm %q; this program knows %q", r.Algorithm, Algorithm)
	}
	in, err := r.Input()
	if err != nil {
		return v, err
	}
	published, err := hex.DecodeString(r.SeedHash)
	if err != nil {
		return v, fmt.Errorf("the published seed hash is not hexadecimal: %w", err)
	}
	v.Checks = append(v.Checks, Check{
		What: "SHA-256 of the revealed seed equals the hash published when the window opened",
		OK:   bytes.Equal(SeedHash(in.Seed), published),
	})
	weights := Check{What: "every published weight is 1/(1 + past allocations)", OK: true}
	for _, e := range r.Entrants {
		if e.Weight != e.WeightString() {
			weights.OK = false
			weights.Note = fmt.Sprintf("member %d: published %s, expected %s", e.MemberID, e.Weight, e.WeightString())
			break
		}
	}
	v.Checks = append(v.Checks, weights)
	if v.Result, err = Draw(in); err != nil {
		return v, err
	}
	same := r.Result != nil && slices.Equal(r.Result.Order, v.Result.Order) &&
		slices.Equal(r.Result.Allocations, v.Result.Allocations)
	v.Checks = append(v.Checks, Check{What: "re-running the draw gives the published order and allocations", OK: same})
	return v, nil
}
