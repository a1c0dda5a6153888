package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/finance/equity/charges"
	"hearth/finance/equity/loans"
	"hearth/finance/equity/statement"
	"hearth/finance/ledger"
)

// benchEquity measures the equity area: the statement of a member with ten
// years of history, and the monthly charge run over 10,000 occupied units
// at 100 sites with half the residents paying a share loan, run once and
// run again (when it has nothing to post).
func benchEquity(ctx context.Context, b *benchEnv) error {
	// Its own equity service, for a clock of its own.
	svc := equity.New(b.db, b.svc.Ledger)
	ln := loans.New(svc)
	ch := charges.New(svc, ln)
	statements := statement.New(svc, ln, ch)
	today := equity.Day(time.Now())
	clock := today
	svc.Now = func() time.Time { return clock }
	last := equity.MonthOf(today).AddDate(0, -1, 0)

	fmt.Fprintln(b.out, "| measure | what | time |")
	fmt.Fprintln(b.out, "| --- | --- | ---: |")

	member, err := benchEquityHistory(ctx, b.db, svc, &clock, last)
	if err != nil {
		return fmt.Errorf("ten years of history: %w", err)
	}
	clock = today
	var times []time.Duration
	var st statement.Statement
	self := &app.Principal{Member: app.Member{ID: member}}
	for range 5 {
		start := time.Now()
		if st, err = statements.MemberStatement(ctx, self, member); err != nil {
			return err
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	fmt.Fprintf(b.out, "| equity statement, member with 10 years of history | %d lines, %d chart points (median of 5) | %d ms |\n",
		len(st.Events), len(st.Series), times[2].Milliseconds())

	lent, err := benchEquityWorld(ctx, b.db, svc, &clock, last)
	if err != nil {
		return fmt.Errorf("10,000 residents: %w", err)
	}
	clock = today
	start := time.Now()
	run, err := ch.RunScheduledCharges(ctx, last)
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(b.out, "| monthly charge run, 10,000 occupied units at 100 sites, %d share loans (target < 10 s) | %d charges, %d mortgage and loan installments posted | %.2f s |\n",
		lent, run.Posted, run.Installments, took.Seconds())
	start = time.Now()
	again, err := ch.RunScheduledCharges(ctx, last)
	if err != nil {
		return err
	}
	fmt.Fprintf(b.out, "| the same month run again | %d posted, %d already charged | %.2f s |\n",
		again.Posted, again.Skipped, time.Since(start).Seconds())
	return nil
}

// benchEquityHistory builds a net-asset-value site whose three residents
// bought in ten years ago, with a yearly appraisal and every month's
// charges since, and returns one of the residents.
func benchEquityHistory(ctx context.Context, db *sqlx.DB, svc *equity.Service, clock *time.Time, last time.Time) (int64, error) {
	ln := loans.New(svc)
	start := last.AddDate(-10, 1, 0)
	*clock = start
	var site int64
	var members []int64
	err := app.InTx(ctx, db, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &site, `INSERT INTO sites (name, timezone) VALUES ('Old Mill', 'Europe/London') RETURNING id`); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &members, `
			INSERT INTO members (email, name, password_hash)
			SELECT 'mill' || n || '@bench.example', 'Mill resident ' || n, 'not a hash: benchmark members never sign in'
			FROM generate_series(1, 3) n RETURNING id`); err != nil {
			return err
		}
		for i, m := range members {
			var unit int64
			if err := tx.GetContext(ctx, &unit, `INSERT INTO units (site_id, name, monthly_charge, required_equity) VALUES ($1, $2, 1800, 40000) RETURNING id`,
				site, fmt.Sprintf("M%d", i+1)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO residencies (site_id, unit_id, member_id, starts_on) VALUES ($1, $2, $3, $4)`,
				site, unit, m, start.Format(time.DateOnly)); err != nil {
				return err
			}
		}
		if _, err := svc.SetPolicyTx(ctx, tx, equity.NewPolicy{SiteID: site, EffectiveFrom: start, Kind: equity.NetAssetValue, BasePrice: decimal.NewFromInt(100)}); err != nil {
			return err
		}
		if _, err := ln.CreateMortgageTx(ctx, tx, loans.NewMortgage{SiteID: site, Principal: decimal.NewFromInt(400000), YearlyRatePct: decimal.NewFromInt(5),
			Months: 300, IdempotencyKey: "bench:mill"}); err != nil {
			return err
		}
		if _, err := svc.RecordAppraisalTx(ctx, tx, equity.NewAppraisal{SiteID: site, Amount: decimal.NewFromInt(400000)}); err != nil {
			return err
		}
		for _, m := range members {
			if _, err := ln.ChangeShareLoanTx(ctx, tx, loans.LoanChange{MemberID: m, SiteID: site, Delta: decimal.NewFromInt(30000),
				IdempotencyKey: fmt.Sprintf("bench:mill:loan:%d", m)}); err != nil {
				return err
			}
			if _, err := svc.IssueSharesTx(ctx, tx, equity.IssueRequest{SiteID: site, MemberID: m, Kind: equity.BuyIn, Amount: decimal.NewFromInt(40000),
				Cash: decimal.NewFromInt(10000), IdempotencyKey: fmt.Sprintf("bench:mill:buy-in:%d", m)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	appraisal := decimal.NewFromInt(400000)
	for month := start; !month.After(last); month = month.AddDate(0, 1, 0) {
		*clock = month.AddDate(0, 1, 0)
		if _, err := charges.New(svc, ln).RunScheduledCharges(ctx, month); err != nil {
			return 0, err
		}
		if clock.Month() == time.March {
			appraisal = appraisal.Mul(decimal.RequireFromString("1.03")).Round(2)
			err := app.InTx(ctx, db, func(tx *sqlx.Tx) error {
				_, err := svc.RecordAppraisalTx(ctx, tx, equity.NewAppraisal{SiteID: site, Amount: appraisal, EffectiveOn: clock.AddDate(0, 0, 9)})
				return err
			})
			if err != nil {
				return 0, err
			}
		}
	}
	return members[0], nil
}

// benchEquityWorld builds 100 sites of 100 occupied units each, half of
// the residents with a share loan taken last month, and returns how many
// loans it made.
func benchEquityWorld(ctx context.Context, db *sqlx.DB, svc *equity.Service, clock *time.Time, last time.Time) (int, error) {
	ln := loans.New(svc)
	*clock = last.AddDate(0, -1, 14)
	movedIn := last.AddDate(0, -1, 0).Format(time.DateOnly)
	var members []int64
	err := app.InTx(ctx, db, func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &members, `
			INSERT INTO members (email, name, password_hash)
			SELECT 'bench' || n || '@bench.example', 'Resident ' || n, 'not a hash: benchmark members never sign in'
			FROM generate_series(1, 10000) n RETURNING id`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO sites (name, timezone) SELECT 'Bench site ' || n, 'UTC' FROM generate_series(1, 100) n;
			INSERT INTO units (site_id, name, monthly_charge, required_equity)
			SELECT s.id, 'U' || n, 800 + 8 * (n % 100), 40000 FROM sites s, generate_series(1, 100) n WHERE s.name LIKE 'Bench site %'`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO residencies (site_id, unit_id, member_id, starts_on)
			SELECT u.site_id, u.id, m.id, $2::date
			FROM (SELECT id, site_id, row_number() OVER (ORDER BY id) AS k FROM units WHERE name ~ '^U[0-9]+$') u
			JOIN (SELECT id, row_number() OVER (ORDER BY id) AS k FROM members WHERE id = ANY($1)) m USING (k)`,
			pq.Array(members), movedIn)
		return err
	})
	if err != nil {
		return 0, err
	}
	var sites []int64
	if err := db.SelectContext(ctx, &sites, `SELECT id FROM sites WHERE name LIKE 'Bench site %' ORDER BY id`); err != nil {
		return 0, err
	}
	err = app.InTx(ctx, db, func(tx *sqlx.Tx) error {
		for i, site := range sites {
			p := equity.NewPolicy{SiteID: site, EffectiveFrom: *clock, Kind: equity.NetAssetValue, BasePrice: decimal.NewFromInt(100)}
			if i%2 == 1 {
				rate := decimal.RequireFromString("2.5")
				p = equity.NewPolicy{SiteID: site, EffectiveFrom: *clock, Kind: equity.LimitedEquity, BasePrice: decimal.NewFromInt(100),
					BaseDate: clock.AddDate(-4, 0, 0), YearlyRatePct: &rate}
			}
			if _, err := svc.SetPolicyTx(ctx, tx, p); err != nil {
				return err
			}
			if _, err := ln.CreateMortgageTx(ctx, tx, loans.NewMortgage{SiteID: site, Principal: decimal.NewFromInt(9000000),
				YearlyRatePct: decimal.RequireFromString("4.75"), Months: 300, IdempotencyKey: fmt.Sprintf("bench:mortgage:%d", site)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	// Every resident's account exists, as their admission would have made
	// it; half of them took a share loan a fortnight into last month.
	l := svc.Ledger
	made := 0
	for start := 0; start < len(members); start += 500 {
		chunk := members[start:min(start+500, len(members))]
		err := app.InTx(ctx, db, func(tx *sqlx.Tx) error {
			for k, m := range chunk {
				if err := l.EnsureAccountTx(ctx, tx, ledger.Account{Code: equity.AccountsOfMember(m).Receivable, Type: ledger.Asset, MemberID: &m}); err != nil {
					return err
				}
				if (start+k)%2 == 1 {
					continue
				}
				if _, err := ln.ChangeShareLoanTx(ctx, tx, loans.LoanChange{MemberID: m, SiteID: sites[(start+k)/100], Delta: decimal.NewFromInt(30000),
					IdempotencyKey: fmt.Sprintf("bench:loan:%d", m)}); err != nil {
					return err
				}
				made++
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return made, nil
}
