package lottery_test

import (
	"testing"

	"hearth/housing/lottery"
)

// BenchmarkDraw draws a large window: 200 households with varied histories
// ranking up to 10 of 60 nights, 2 nights each.
func BenchmarkDraw(b *testing.B) {
	slots := nights(60)
	var entrants []lottery.Entrant
	for i := range 200 {
		var prefs []int64
		for j := range 1 + i%10 {
			prefs = append(prefs, slots[(i*7+j*13)%len(slots)].ID)
		}
		entrants = append(entrants, lottery.Entrant{MemberID: int64(i + 1), PastAllocations: i % 6, Preferences: dedupe(prefs)})
	}
	for i := 0; b.Loop(); i++ {
		if _, err := lottery.Draw(lottery.DrawInput{Seed: seedOf(uint64(i)), SlotsPerMember: 2, Slots: slots, Entrants: entrants}); err != nil {
			b.Fatal(err)
		}
	}
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
