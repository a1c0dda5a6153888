package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"hearth/app"
	"hearth/finance/equity/charges"
)

// runCharges runs `hearth charges run --month YYYY-MM`: the monthly carrying
// charges of every occupied unit, posted as the treasurer's page does. A
// month already charged is reported and left as it is.
func runCharges(args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "run" {
		return errors.New("usage: hearth charges run --month YYYY-MM")
	}
	fs := flag.NewFlagSet("charges run", flag.ContinueOnError)
	monthFlag := fs.String("month", "", "the month to charge, YYYY-MM; it can be charged from its last day on")
	if done, err := parseFlags(fs, args[1:], stdout, "month"); done || err != nil {
		return err
	}
	month, err := charges.ParseMonth(*monthFlag)
	if err != nil {
		return fmt.Errorf("charges run: --month %q: %s", *monthFlag, err.(*app.Error).Message)
	}
	return withDB(func(ctx context.Context, env *environment) error {
		run, err := env.svc.Charges.RunScheduledCharges(ctx, month)
		if e, ok := app.AsError(err); ok {
			return fmt.Errorf("charges run: %s", e.Message)
		}
		if err != nil {
			return err
		}
		printChargeRun(stdout, run)
		return nil
	})
}

// printChargeRun writes what a run did: a sentence, then a line per site.
func printChargeRun(w io.Writer, run charges.ChargeRun) {
	month := run.Month.Format("January 2006")
	if run.Posted == 0 && run.Skipped > 0 {
		fmt.Fprintf(w, "%s was already charged (%d charges): nothing changed.\n", month, run.Skipped)
	} else {
		fmt.Fprintf(w, "%s: %d charges posted for %s; %d already charged before; %d loan installments posted (%s).\n",
			month, run.Posted, run.Total.StringFixed(2), run.Skipped, run.Installments, run.Duration.Round(1e6))
	}
	if run.Posted > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "site\tposted\tskipped\ttotal\tprincipal\tshares\tprice\t")
		for _, s := range run.Sites {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t\n", s.SiteName, s.Posted, s.Skipped, s.Total.StringFixed(2),
				s.Principal.StringFixed(2), s.Shares.StringFixed(6), s.Price.StringFixed(6))
		}
		tw.Flush()
	}
	for _, name := range run.NoPool {
		fmt.Fprintf(w, "%s has residents but no share pool: not charged. Adopt a price policy to open its pool.\n", name)
	}
}
