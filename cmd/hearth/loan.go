package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/day"
	"hearth/finance/loan"
	"hearth/money"
)

// runLoan runs `hearth loan schedule` and `hearth loan apr`, the loan
// mathematics of finance/loan on the command line; neither needs a database.
// Their flags and output are part of Hearth's stable interface (API.md).
func runLoan(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("loan: say which calculation you want: schedule or apr")
	}
	switch args[0] {
	case "schedule":
		return loanSchedule(args[1:], stdout)
	case "apr":
		return loanAPR(args[1:], stdout)
	}
	return fmt.Errorf("loan: unknown calculation %q; use schedule or apr", args[0])
}

// loanSchedule prints the amortization schedule as CSV, money to the cent.
func loanSchedule(args []string, stdout io.Writer) error {
	const name = "loan schedule"
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	principal := fs.String("principal", "", "amount lent, such as 100000 or 2500.50")
	rate := fs.String("rate", "", "yearly interest rate in percent, such as 6 or 4.25")
	months := fs.Int("months", 0, "number of monthly payments")
	start := fs.String("start", "", "day the loan is funded, YYYY-MM-DD (default today); the first payment is due one month later")
	if done, err := parseFlags(fs, args, stdout, "principal", "rate", "months"); done || err != nil {
		return err
	}

	terms := loan.Terms{Months: *months, Start: today()}
	var err error
	if terms.Principal, err = flagAmount(name, "principal", *principal, centPlaces); err != nil {
		return err
	}
	if terms.YearlyRatePct, err = flagAmount(name, "rate", *rate, money.MaxPlaces); err != nil {
		return err
	}
	if *start != "" {
		if terms.Start, err = flagDay(name, "start", *start); err != nil {
			return err
		}
	}
	rows, err := loan.Schedule(terms)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}

	w := csv.NewWriter(stdout)
	w.Write([]string{"period", "date", "payment", "interest", "principal", "balance"})
	for _, r := range rows {
		w.Write([]string{
			strconv.Itoa(r.Period),
			r.Date.Format(time.DateOnly),
			r.Payment.StringFixed(2),
			r.Interest.StringFixed(2),
			r.Principal.StringFixed(2),
			r.Balance.StringFixed(2),
		})
	}
	w.Flush()
	return w.Error()
}

// loanAPR prints the annual percentage rate in percent with two decimals.
func loanAPR(args []string, stdout io.Writer) error {
	const name = "loan apr"
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	amount := fs.String("amount", "", "amount financed, such as 5000")
	payment := fs.String("payment", "", "the level payment, such as 230")
	count := fs.Int("count", 0, "number of payments")
	frequency := fs.String("frequency", "", "weekly, semimonthly, monthly or quarterly")
	advance := fs.String("advance-date", "", "day the amount is advanced, YYYY-MM-DD")
	first := fs.String("first-payment", "", "day the first payment is due, YYYY-MM-DD")
	if done, err := parseFlags(fs, args, stdout, "amount", "payment", "count", "frequency", "advance-date", "first-payment"); done || err != nil {
		return err
	}

	in := loan.APRInput{Count: *count, Frequency: loan.Frequency(*frequency)}
	var err error
	if in.Amount, err = flagAmount(name, "amount", *amount, centPlaces); err != nil {
		return err
	}
	if in.Payment, err = flagAmount(name, "payment", *payment, centPlaces); err != nil {
		return err
	}
	if in.AdvanceDate, err = flagDay(name, "advance-date", *advance); err != nil {
		return err
	}
	if in.FirstPaymentDate, err = flagDay(name, "first-payment", *first); err != nil {
		return err
	}
	apr, err := loan.APR(in)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	_, err = fmt.Fprintln(stdout, apr.StringFixed(2))
	return err
}

// parseFlags parses args into fs and checks that every required flag was
// given. Asked for help, it prints the flags to stdout and reports done.
// The flag package's own printing is silenced so that a mistake is told once,
// by the error main prints, not also by a usage dump.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer, required ...string) (done bool, err error) {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "usage: hearth %s [flags]\n", fs.Name())
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return true, nil
		}
		return false, fmt.Errorf("%s: %w", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return false, fmt.Errorf("%s: unexpected argument %q; every value goes after a flag such as --%s", fs.Name(), fs.Arg(0), required[0])
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var missing []string
	for _, name := range required {
		if !set[name] {
			missing = append(missing, "--"+name)
		}
	}
	if len(missing) > 0 {
		return false, fmt.Errorf("%s: missing %s", fs.Name(), strings.Join(missing, ", "))
	}
	return false, nil
}

// centPlaces is how many places the loans' money takes: the schedule and
// the APR are computed to the cent.
const centPlaces = 2

// flagAmount reads a flag's amount with money.Parse, the parser of every
// amount Hearth reads (no exponent, no more places than the flag takes),
// and says what was wrong in the command's and the flag's name.
func flagAmount(cmd, flagName, s string, places int32) (decimal.Decimal, error) {
	d, err := money.Parse(s, places)
	if e, ok := app.AsError(err); ok {
		if e.Code == "invalid_amount" {
			return d, fmt.Errorf("%s: --%s %q is not a number; write it like 2500 or 2500.50", cmd, flagName, s)
		}
		return d, fmt.Errorf("%s: --%s %q: %s", cmd, flagName, s, e.Message)
	}
	return d, err
}

// flagDay reads a flag's day with day.Parse, the parser of every date
// Hearth reads, and says what was wrong in the command's and the flag's
// name.
func flagDay(cmd, flagName, s string) (time.Time, error) {
	d, err := day.Parse(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: --%s %q is not a date; write it as YYYY-MM-DD, such as 2027-01-01", cmd, flagName, s)
	}
	return d.Time(), nil
}

// today is the calendar date where the command runs: the loan commands
// are the treasurer's arithmetic, done at no site.
func today() time.Time { return day.Today(time.Local).Time() }
