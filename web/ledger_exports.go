package web

import (
	"bufio"
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/day"
	"hearth/finance/ledger"
)

// The treasurer's CSV exports: an account's statement and the journal of
// a period, streamed however long they are.

// statementCSV exports an account's statement of a period.
func (h *ledgerHandlers) statementCSV(c *fiber.Ctx) error {
	code := paramCode(c)
	p, err := queryPeriod(c)
	if err != nil {
		return err
	}
	export, err := h.led.StatementCSV(c.UserContext(), principal(c), code, p)
	if err != nil {
		return err
	}
	return h.sendCSV(c, csvName(code, p), export)
}

// journalCSV exports every entry of a period.
func (h *ledgerHandlers) journalCSV(c *fiber.Ctx) error {
	p, err := queryPeriod(c)
	if err != nil {
		return err
	}
	export, err := h.led.JournalCSV(c.UserContext(), principal(c), p)
	if err != nil {
		return err
	}
	return h.sendCSV(c, csvName("journal", p), export)
}

// sendCSV answers with a CSV attachment that export streams after the
// handler returns, so an export of a million lines never sits in memory.
// The export was allowed and checked before: errors that happen mid-stream
// can only be logged, the status is sent.
func (h *ledgerHandlers) sendCSV(c *fiber.Ctx, filename string, export ledger.Export) error {
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	log, path := h.log, logPath(c)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		if err := export(ctx, w); err != nil {
			log.Error("csv export failed", "path", path, "err", err)
		}
		w.Flush()
	})
	return nil
}

// csvName makes a file name of an account code and a period.
func csvName(prefix string, p ledger.Period) string {
	name := strings.ReplaceAll(prefix, ":", "-")
	if p.From != nil {
		name += "_from-" + p.From.Format(day.Layout)
	}
	if p.To != nil {
		name += "_to-" + p.To.Format(day.Layout)
	}
	return name + ".csv"
}
