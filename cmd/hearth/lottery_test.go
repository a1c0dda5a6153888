package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hearth/housing/lottery"
)

// publishedRecord builds the record of a small drawn window, as a window's
// page would offer it for download.
func publishedRecord(t *testing.T) lottery.Record {
	t.Helper()
	seed := sha256.Sum256([]byte("new year"))
	start := time.Date(2027, 12, 31, 23, 0, 0, 0, time.UTC)
	in := lottery.DrawInput{
		Seed:           seed[:],
		SlotsPerMember: 1,
		Slots: []lottery.Slot{
			{ID: 1, Label: "Fri 31 Dec", StartsAt: start, EndsAt: start.Add(20 * time.Hour), Available: true},
			{ID: 2, Label: "Sat 1 Jan", StartsAt: start.Add(24 * time.Hour), EndsAt: start.Add(44 * time.Hour), Available: true},
		},
		Entrants: []lottery.Entrant{
			{MemberID: 4, Name: "Ada", PastAllocations: 0, Preferences: []int64{1, 2}},
			{MemberID: 5, Name: "Ben", PastAllocations: 2, Preferences: []int64{1}},
			{MemberID: 6, Name: "Dev", PastAllocations: 1, Preferences: []int64{1, 2}},
		},
	}
	result, err := lottery.Draw(in)
	if err != nil {
		t.Fatal(err)
	}
	rec := lottery.Record{
		Algorithm: lottery.Algorithm, WindowID: 9, Title: "New Year", ResourceName: "Guest room", SiteName: "Elm Court",
		Status: lottery.StatusDrawn, SeedHash: hex.EncodeToString(lottery.SeedHash(seed[:])), Seed: hex.EncodeToString(seed[:]),
		SlotsPerMember: 1, Slots: in.Slots, Result: &result,
	}
	for _, e := range in.Entrants {
		rec.Entrants = append(rec.Entrants, lottery.RecordEntrant{Entrant: e, Weight: e.WeightString()})
	}
	return rec
}

func writeRecord(t *testing.T, rec lottery.Record) string {
	t.Helper()
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "window.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLotteryVerifyFile(t *testing.T) {
	t.Parallel()
	rec := publishedRecord(t)
	var out bytes.Buffer
	if err := runLottery([]string{"verify", "--file", writeRecord(t, rec)}, &out); err != nil {
		t.Fatalf("verify: %v\n%s", err, out.String())
	}
	for _, want := range []string{"verified: the draw re-runs to the published result", rec.Seed, "Ada", "1/3"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	// Another result, another commitment or a doctored weight fail.
	for name, tamper := range map[string]func(r *lottery.Record){
		"result": func(r *lottery.Record) {
			r.Result = &lottery.DrawResult{Order: r.Result.Order, Allocations: []lottery.Allocation{{SlotID: 1, MemberID: 5, Rank: 1, Round: 1}}}
		},
		"commitment": func(r *lottery.Record) { r.SeedHash = strings.Repeat("00", 32) },
		"weight":     func(r *lottery.Record) { r.Entrants[1].Weight = "1" },
	} {
		bad := publishedRecord(t)
		tamper(&bad)
		out.Reset()
		err := runLottery([]string{"verify", "--file", writeRecord(t, bad)}, &out)
		if err == nil || !strings.Contains(out.String(), "FAIL") {
			t.Errorf("tampered %s verified:\n%s", name, out.String())
		}
	}

	undrawn := publishedRecord(t)
	undrawn.Seed = ""
	if err := runLottery([]string{"verify", "--file", writeRecord(t, undrawn)}, &out); err == nil || !strings.Contains(err.Error(), "not been drawn") {
		t.Errorf("a record without its seed: got %v", err)
	}
	if err := runLottery([]string{"verify"}, &out); err == nil {
		t.Error("verify without --window or --file ran")
	}
}
