// Package lottery allocates scarce peak slots of a shared resource (the guest
// room over New Year) by a seeded, weighted and auditable draw.
//
// A coordinator opens a window for a resource and a set of slots. The server
// generates a random 32-byte seed and publishes only its SHA-256 (the
// commitment). Members rank the slots they want until the window closes; the
// requests are then frozen. At the draw the seed is revealed and Draw, a pure
// function of the seed, the slots, the requests and each member's past
// allocations, decides who gets what. Everything Draw reads is published, so
// anyone can re-run it (hearth lottery verify) and get the same result.
package lottery

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"slices"
	"time"
)

// Algorithm names the draw procedure below. A published record carries it, so
// that a later change of procedure can never silently reinterpret old draws.
const Algorithm = "hearth-lottery-v1"

// SeedSize is the length of a draw seed in bytes.
const SeedSize = 32

// Slot is one unit of the scarce resource that the draw hands out (a night or
// a fixed block). Available is false when the slot was already booked outside
// the lottery when the draw ran: the draw treats it as taken.
type Slot struct {
	ID        int64     `json:"id"`
	Label     string    `json:"label"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Available bool      `json:"available"`
}

// Entrant is a member taking part in a draw: their ranked preferences (slot
// ids, best first) and the number of peak allocations they received in the
// year before the window closed, which sets their weight.
type Entrant struct {
	MemberID        int64   `json:"member_id"`
	Name            string  `json:"name"`
	PastAllocations int     `json:"past_allocations"`
	Preferences     []int64 `json:"preferences"`
}

// Weight returns the entrant's weight 1/(1+past allocations) as a fraction.
func (e Entrant) Weight() *big.Rat {
	return big.NewRat(1, int64(1+e.PastAllocations))
}

// WeightString returns the weight as the fraction people read, "1" or "1/3".
func (e Entrant) WeightString() string {
	if e.PastAllocations == 0 {
		return "1"
	}
	return fmt.Sprintf("1/%d", 1+e.PastAllocations)
}

// DrawInput is everything a draw depends on.
type DrawInput struct {
	Seed           []byte    `json:"-"`
	SlotsPerMember int       `json:"slots_per_member"`
	Slots          []Slot    `json:"slots"`
	Entrants       []Entrant `json:"entrants"`
}

// Allocation gives one slot to one member. Rank is the place of the slot in
// the member's preferences (1 = first choice); Round is the pass of the
// allocation in which it was given (1 for the first slot of every member).
type Allocation struct {
	SlotID   int64 `json:"slot_id" db:"slot_id"`
	MemberID int64 `json:"member_id" db:"member_id"`
	Rank     int   `json:"rank" db:"rank"`
	Round    int   `json:"round" db:"round"`
}

// DrawResult is the outcome of a draw: the drawn order of members and the
// slots they received, in the order they were given.
type DrawResult struct {
	Order       []int64      `json:"order"`
	Allocations []Allocation `json:"allocations"`
}

// SeedHash returns the SHA-256 commitment of a seed.
func SeedHash(seed []byte) []byte {
	h := sha256.Sum256(seed)
	return h[:]
}

// Draw runs the hearth-lottery-v1 procedure:
//
//  1. Entrants are put in canonical order, by member id.
//  2. Weighted random order without replacement: while entrants remain, each
//     remaining entrant i holds weight w_i = 1/(1+p_i), where p_i is their
//     past allocations; one of them is picked with probability w_i / Σw, using
//     exact integer arithmetic (every weight is scaled by the least common
//     multiple of the denominators) and an integer drawn uniformly from the
//     seed's stream; the picked entrant is appended to the order and removed.
//  3. Allocation in rounds: in round r = 1..SlotsPerMember, each entrant in
//     drawn order who holds fewer than r slots receives their best-ranked
//     preference that is still available and not yet given, if any.
//
// The stream is SHA-256(Algorithm ‖ seed ‖ counter) for counter = 0, 1, 2, …
// (counter as 8 bytes big-endian), concatenated. A uniform integer below n is
// read as ceil(bits(n)/8) bytes of the stream, big-endian, with the bits above
// bits(n) cleared, and rejected and read again while it is ≥ n.
//
// Errors describe an input that is not a valid draw (a short seed, an unknown
// or repeated preference, a member entered twice); they are plain errors, as
// they can only come from a corrupt record.
func Draw(in DrawInput) (DrawResult, error) {
	if err := in.validate(); err != nil {
		return DrawResult{}, err
	}
	entrants := slices.Clone(in.Entrants)
	slices.SortFunc(entrants, func(a, b Entrant) int { return cmp.Compare(a.MemberID, b.MemberID) })

	order := drawOrder(newStream(in.Seed), entrants)
	return DrawResult{Order: memberIDs(order), Allocations: allocate(order, in.Slots, in.SlotsPerMember)}, nil
}

func (in DrawInput) validate() error {
	if len(in.Seed) != SeedSize {
		return fmt.Errorf("lottery: the seed must be %d bytes, not %d", SeedSize, len(in.Seed))
	}
	if in.SlotsPerMember < 1 {
		return fmt.Errorf("lottery: slots per member must be at least 1")
	}
	slots := map[int64]bool{}
	for _, s := range in.Slots {
		if slots[s.ID] {
			return fmt.Errorf("lottery: slot %d is listed twice", s.ID)
		}
		slots[s.ID] = true
	}
	members := map[int64]bool{}
	for _, e := range in.Entrants {
		if members[e.MemberID] {
			return fmt.Errorf("lottery: member %d is entered twice", e.MemberID)
		}
		members[e.MemberID] = true
		if e.PastAllocations < 0 {
			return fmt.Errorf("lottery: member %d has negative past allocations", e.MemberID)
		}
		seen := map[int64]bool{}
		for _, p := range e.Preferences {
			if !slots[p] {
				return fmt.Errorf("lottery: member %d prefers slot %d, which is not in the window", e.MemberID, p)
			}
			if seen[p] {
				return fmt.Errorf("lottery: member %d lists slot %d twice", e.MemberID, p)
			}
			seen[p] = true
		}
	}
	return nil
}

// drawOrder returns the entrants in a weighted random order without replacement.
func drawOrder(s *stream, entrants []Entrant) []Entrant {
	// Scaling every weight 1/(1+p) by the lcm of the denominators makes all
	// of them integers, so the draw needs no floating point and reads the
	// same on every machine.
	lcm := big.NewInt(1)
	for _, e := range entrants {
		d := big.NewInt(int64(1 + e.PastAllocations))
		g := new(big.Int).GCD(nil, nil, lcm, d)
		lcm.Mul(lcm, d.Div(d, g))
	}
	scaled := make([]*big.Int, len(entrants))
	for i, e := range entrants {
		scaled[i] = new(big.Int).Div(lcm, big.NewInt(int64(1+e.PastAllocations)))
	}

	remaining := slices.Clone(entrants)
	order := make([]Entrant, 0, len(entrants))
	for len(remaining) > 0 {
		total := new(big.Int)
		for _, w := range scaled {
			total.Add(total, w)
		}
		r := s.uniform(total)
		pick := 0
		cum := new(big.Int)
		for i, w := range scaled {
			cum.Add(cum, w)
			if r.Cmp(cum) < 0 {
				pick = i
				break
			}
		}
		order = append(order, remaining[pick])
		remaining = slices.Delete(remaining, pick, pick+1)
		scaled = slices.Delete(scaled, pick, pick+1)
	}
	return order
}

// allocate hands out slots to the ordered entrants in rounds.
func allocate(order []Entrant, slots []Slot, perMember int) []Allocation {
	free := map[int64]bool{}
	for _, s := range slots {
		free[s.ID] = s.Available
	}
	held := map[int64]int{}
	var out []Allocation
	for round := 1; round <= perMember; round++ {
		for _, e := range order {
			if held[e.MemberID] >= round {
				continue
			}
			for rank, slot := range e.Preferences {
				if free[slot] {
					free[slot] = false
					held[e.MemberID]++
					out = append(out, Allocation{SlotID: slot, MemberID: e.MemberID, Rank: rank + 1, Round: round})
					break
				}
			}
		}
	}
	return out
}

func memberIDs(es []Entrant) []int64 {
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.MemberID
	}
	return ids
}

// stream is the deterministic byte stream of a seed (see Draw).
type stream struct {
	seed    []byte
	counter uint64
	buf     []byte
}

func newStream(seed []byte) *stream { return &stream{seed: seed} }

func (s *stream) read(n int) []byte {
	for len(s.buf) < n {
		h := sha256.New()
		h.Write([]byte(Algorithm))
		h.Write(s.seed)
		h.Write(binary.BigEndian.AppendUint64(nil, s.counter))
		s.counter++
		s.buf = h.Sum(s.buf)
	}
	out := s.buf[:n:n]
	s.buf = s.buf[n:]
	return out
}

// uniform returns an integer drawn uniformly from [0, n), n > 0, by rejection.
func (s *stream) uniform(n *big.Int) *big.Int {
	bits := n.BitLen()
	size := (bits + 7) / 8
	excess := uint(size*8 - bits)
	for {
		b := slices.Clone(s.read(size))
		b[0] &= 0xff >> excess
		v := new(big.Int).SetBytes(b)
		if v.Cmp(n) < 0 {
			return v
		}
	}
}
