package equity_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app/apptest"
	"hearth/finance/equity"
)

// "Today" at a site is its calendar day in its own zone: the price a pool
// shows and the first day a policy may take effect follow the site's clock,
// not the server's.
func TestTodayAtTheSite(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-01-10")
	e.svc.Now = nil // the real clock
	ctx := context.Background()
	for _, zone := range []string{"Pacific/Kiritimati", "Pacific/Pago_Pago"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		site := apptest.MustCreateSite(t, e.db, zone, zone).ID
		today := dayOf(time.Now().In(loc))
		err = e.tx(func(tx *sqlx.Tx) error {
			_, err := e.svc.SetPolicyTx(ctx, tx, equity.NewPolicy{SiteID: site, EffectiveFrom: today.AddDate(0, 0, -1), Kind: equity.NetAssetValue, BasePrice: dec("100")})
			return err
		})
		if apptest.Code(err) != "policy_backdated" {
			t.Errorf("%s: a policy from the site's yesterday: %v, want policy_backdated", zone, err)
		}
		e.must("policy", func(tx *sqlx.Tx) error {
			_, err := e.svc.SetPolicyTx(ctx, tx, equity.NewPolicy{SiteID: site, EffectiveFrom: today, Kind: equity.NetAssetValue, BasePrice: dec("100")})
			return err
		})
		pr, err := e.svc.SharePrice(ctx, admin, site, time.Time{})
		if err != nil || !pr.On.Equal(today) {
			t.Errorf("%s: price of today on %s (%v), want the site's today %s", zone, pr.On, err, today)
		}
	}
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
