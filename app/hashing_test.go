package app

import (
	"context"
	"testing"
)

// TestHashingIsCapped: when every hashing slot is taken, a sign-in waits
// and is then refused as busy rather than taking more memory.
func TestHashingIsCapped(t *testing.T) {
	t.Parallel()
	a := &Accounts{hashing: make(chan struct{}, 1)}
	a.hashing <- struct{}{} // another sign-in is hashing
	_, _, err := a.checkPassword(context.Background(), "a password", dummyHash)
	if e, ok := AsError(err); !ok || e.Code != "signin_busy" || e.Kind != KindRateLimited {
		t.Fatalf("got %v, want signin_busy", err)
	}
	<-a.hashing
	if ok, _, err := a.checkPassword(context.Background(), "not a real password", dummyHash); err != nil || !ok {
		t.Errorf("with a free slot: %v %v", ok, err)
	}
}
