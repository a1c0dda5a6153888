package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"hearth/housing/lottery"
)

const lotteryUsage = `usage:
  hearth lottery verify --window ID   re-run a drawn window from the database
  hearth lottery verify --file F      re-run a window's published record (JSON); needs no database`

// runLottery runs `hearth lottery verify ...`: it re-runs a draw from its
// published input, prints the result and checks it against what was
// published. It fails when any check fails.
func runLottery(args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New(lotteryUsage)
	}
	fs := flag.NewFlagSet("lottery verify", flag.ContinueOnError)
	window := fs.Int64("window", 0, "id of a drawn window in the database")
	file := fs.String("file", "", "a window's record as downloaded from its page")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch {
	case (*window == 0) == (*file == ""):
		return errors.New("lottery verify: give either --window ID or --file F\n" + lotteryUsage)
	case *file != "":
		rec, err := readRecord(*file)
		if err != nil {
			return err
		}
		v, err := lottery.Verify(rec)
		if err != nil {
			return fmt.Errorf("lottery verify: %w", err)
		}
		return report(stdout, rec, v)
	}
	return withDB(func(ctx context.Context, env *environment) error {
		rec, v, err := env.svc.Lottery.VerifyStored(ctx, *window)
		if err != nil {
			return fmt.Errorf("lottery verify: %w", err)
		}
		return report(stdout, rec, v)
	})
}

func readRecord(path string) (lottery.Record, error) {
	var rec lottery.Record
	b, err := os.ReadFile(path)
	if err != nil {
		return rec, fmt.Errorf("lottery verify: %w", err)
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, fmt.Errorf("lottery verify: %s is not a lottery record: %w", path, err)
	}
	return rec, nil
}

// report prints the re-run draw and the checks, and fails if one failed.
func report(out io.Writer, rec lottery.Record, v lottery.Verification) error {
	names := map[int64]string{}
	weights := map[int64]string{}
	for _, e := range rec.Entrants {
		names[e.MemberID] = e.Name
		weights[e.MemberID] = e.WeightString()
	}
	slots := map[int64]string{}
	for _, s := range rec.Slots {
		slots[s.ID] = s.Label
	}
	fmt.Fprintf(out, "Lottery %d: %s (%s, %s)\n", rec.WindowID, rec.Title, rec.ResourceName, rec.SiteName)
	fmt.Fprintf(out, "algorithm    %s\nseed sha256  %s\nseed         %s\n\n", rec.Algorithm, rec.SeedHash, rec.Seed)

	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "position\tmember\tname\tweight")
	for i, m := range v.Result.Order {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\n", i+1, m, names[m], weights[m])
	}
	tw.Flush()
	fmt.Fprintln(out)
	tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "slot\tlabel\tmember\tname\tchoice\tround")
	for _, a := range v.Result.Allocations {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%d\t%d\n", a.SlotID, slots[a.SlotID], a.MemberID, names[a.MemberID], a.Rank, a.Round)
	}
	tw.Flush()
	fmt.Fprintln(out)
	for _, c := range v.Checks {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		if c.Note != "" {
			fmt.Fprintf(out, "%s %s (%s)\n", mark, c.What, c.Note)
		} else {
			fmt.Fprintf(out, "%s %s\n", mark, c.What)
		}
	}
	if !v.OK() {
		return errors.New("lottery verify: the published record does not hold")
	}
	fmt.Fprintln(out, "verified: the draw re-runs to the published result")
	return nil
}
