package web

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/housing/membership"
)

// movesPage shows the member's move requests and the units free at other
// sites from a day on, with what their equity buys there.
func (h *moveHandlers) movesPage(c *fiber.Ctx) error {
	p := principal(c)
	ctx := c.UserContext()
	f := &Form{Values: map[string]string{"on": c.Query("on")}, Errors: map[string]string{}}
	on := h.svc.Equity.Today()
	if f.Value("on") != "" {
		d, err := parseDay("on", f.Value("on"))
		if err != nil {
			formError(f, err)
		} else {
			on = d
		}
	}
	opts, err := h.svc.MoveOptions(ctx, p.ID, on)
	if err != nil {
		return err
	}
	mine, err := h.svc.MovesOf(ctx, p.ID)
	if err != nil {
		return err
	}
	toReview := 0
	if p.IsAdmin() || p.IsCoordinator() {
		open, _, err := h.svc.MovesTo(ctx, coordinatedSites(p), 0)
		if err != nil {
			return err
		}
		toReview = len(open)
	}
	return h.render(c, "moves/index", fiber.Map{"Title": "Moves", "Options": opts, "Moves": mine, "ToReview": toReview, "Form": f})
}

// coordinatedSites are the sites whose moves p decides: every site (nil)
// for the treasurer.
func coordinatedSites(p *app.Principal) []int64 {
	if p.IsAdmin() {
		return nil
	}
	return p.CoordinatorOf
}

// quoteForm reads a quote's fields from a form or the query.
func quoteForm(f *Form) (unit, moveOn, surplus, shortfall string) {
	return f.Value("unit_id"), f.Value("move_on"), f.Value("surplus"), f.Value("shortfall")
}

// newMovePage shows the quote of a move to a unit, with the member's
// choices, and the form that asks for it.
func (h *moveHandlers) newMovePage(c *fiber.Ctx) error {
	f := &Form{Values: map[string]string{}, Errors: map[string]string{}}
	for _, k := range []string{"unit_id", "move_on", "surplus", "shortfall"} {
		f.Values[k] = c.Query(k)
	}
	return h.renderQuote(c, f, fiber.StatusOK)
}

// renderQuote quotes the move a form describes and shows it; a mistake in
// the form, or a move that cannot be, shows with the form instead.
func (h *moveHandlers) renderQuote(c *fiber.Ctx, f *Form, status int) error {
	if f.Value("move_on") == "" {
		f.Values["move_on"] = dayText(h.svc.Equity.Today())
	}
	for k, def := range map[string]string{"surplus": string(membership.SurplusPayout), "shortfall": string(membership.ShortfallCash)} {
		if f.Value(k) == "" {
			f.Values[k] = def
		}
	}
	data := fiber.Map{"Title": "Your move", "Form": f, "FormKey": newFormKey(), "MaxAhead": membership.MaxMoveAheadDays}
	unit, moveOn, surplus, shortfall := quoteForm(f)
	in, err := h.quoteRequestFrom(principal(c).ID, unit, moveOn, surplus, shortfall)
	if err == nil {
		var q membership.Quote
		if q, err = h.svc.QuoteMove(c.UserContext(), in); err == nil {
			data["Quote"] = q
		}
	}
	if err != nil {
		// A unit that is not there is the member's mistake here too.
		if e, ok := app.AsError(err); ok && e.Kind == app.KindNotFound {
			f.Message = e.Message
		} else if !formError(f, err) {
			return err
		}
		status = fiber.StatusUnprocessableEntity
	}
	return h.renderStatus(c, status, "moves/new", data)
}

// requestMove asks for the move the quote page showed, at the prices it
// showed.
func (h *moveHandlers) requestMove(c *fiber.Ctx) error {
	f := newForm(c)
	unit, moveOn, surplus, shortfall := quoteForm(f)
	in, err := h.moveRequestFrom(principal(c).ID, unit, moveOn, surplus, shortfall, f.Value("from_price"), f.Value("to_price"))
	var mv membership.Move
	if err == nil {
		in.IdempotencyKey = f.Value("idempotency_key")
		mv, err = h.svc.RequestMove(c.UserContext(), in)
	}
	if err != nil {
		if formError(f, err) {
			return h.renderQuote(c, f, fiber.StatusUnprocessableEntity)
		}
		return err
	}
	h.flash(c, fmt.Sprintf("Your request to move to %s, %s on %s is with the coordinators of %s.", mv.SiteName, mv.UnitName, mv.MoveOn.Format("2 Jan 2006"), mv.SiteName))
	return redirect(c, movePath(mv.ID))
}

func movePath(id int64) string { return fmt.Sprintf("/moves/%d", id) }

// movePage shows a move request: to the member and the treasurer with its
// money and, while it is open, whether today's figures still match the
// confirmed ones; to coordinators of the destination with their decisions.
func (h *moveHandlers) movePage(c *fiber.Ctx) error {
	mv, err := h.visibleMove(c)
	if err != nil {
		return err
	}
	return h.renderMove(c, mv, &Form{Values: map[string]string{}, Errors: map[string]string{}}, fiber.StatusOK)
}

func (h *moveHandlers) renderMove(c *fiber.Ctx, mv membership.Move, f *Form, status int) error {
	p := principal(c)
	today := h.svc.Equity.Today()
	data := fiber.Map{"Title": fmt.Sprintf("Move to %s", mv.SiteName), "Move": mv, "Form": f,
		"CanSeeMoney": p.CanSeeMoneyOf(mv.MemberID), "IsMover": p.ID == mv.MemberID, "CanDecide": p.Coordinates(mv.SiteID),
		"Due": !today.Before(mv.MoveOn), "Today": today}
	if mv.Status.Open() && p.CanSeeMoneyOf(mv.MemberID) {
		q, err := h.svc.CurrentQuote(c.UserContext(), mv)
		switch {
		case err == nil:
			data["Current"], data["Stale"] = q, mv.Stale(q)
		case app.ErrorKind(err) == app.KindInternal:
			return err
		default: // a user-facing refusal, such as a home that now ends too early
			e, _ := app.AsError(err)
			data["CurrentError"] = e.Message
		}
	}
	return h.renderStatus(c, status, "moves/show", data)
}

// moveAction runs one action on a visible move from its page: authorize,
// act, and flash done; a refusal shows the page again with the reason.
func (h *moveHandlers) moveAction(c *fiber.Ctx, authorize func(*app.Principal, membership.Move) error,
	act func(context.Context, membership.Move, *Form, *app.Principal) (membership.Move, error), done string) error {
	mv, err := h.visibleMove(c)
	if err != nil {
		return err
	}
	p := principal(c)
	if err := authorize(p, mv); err != nil {
		return err
	}
	f := newForm(c)
	if _, err := act(c.UserContext(), mv, f, p); err != nil {
		if formError(f, err) {
			if fresh, ferr := h.svc.Move(c.UserContext(), h.db, mv.ID); ferr == nil {
				mv = fresh
			}
			return h.renderMove(c, mv, f, fiber.StatusUnprocessableEntity)
		}
		return err
	}
	h.flash(c, done)
	return redirect(c, movePath(mv.ID))
}

func coordinatorOfDestination(p *app.Principal, mv membership.Move) error {
	return p.RequireCoordinator(mv.SiteID)
}

func (h *moveHandlers) approveMove(c *fiber.Ctx) error {
	return h.moveAction(c, coordinatorOfDestination, func(ctx context.Context, mv membership.Move, _ *Form, p *app.Principal) (membership.Move, error) {
		return h.svc.ApproveMove(ctx, mv.ID, p.ID)
	}, "The move is approved.")
}

func (h *moveHandlers) declineMove(c *fiber.Ctx) error {
	return h.moveAction(c, coordinatorOfDestination, func(ctx context.Context, mv membership.Move, f *Form, p *app.Principal) (membership.Move, error) {
		return h.svc.DeclineMove(ctx, mv.ID, p.ID, f.Value("reason"))
	}, "The move is declined.")
}

func (h *moveHandlers) completeMove(c *fiber.Ctx) error {
	return h.moveAction(c, coordinatorOfDestination, func(ctx context.Context, mv membership.Move, _ *Form, p *app.Principal) (membership.Move, error) {
		return h.svc.CompleteMove(ctx, mv.ID, &p.ID)
	}, "The move is complete: the equity went with the member and the new home is theirs.")
}

func (h *moveHandlers) withdrawMove(c *fiber.Ctx) error {
	return h.moveAction(c, func(p *app.Principal, mv membership.Move) error { return requireMover(p, mv, true) },
		func(ctx context.Context, mv membership.Move, _ *Form, _ *app.Principal) (membership.Move, error) {
			return h.svc.WithdrawMove(ctx, mv.ID)
		}, "The move request is withdrawn.")
}

func (h *moveHandlers) confirmMove(c *fiber.Ctx) error {
	return h.moveAction(c, func(p *app.Principal, mv membership.Move) error { return requireMover(p, mv, false) },
		func(ctx context.Context, mv membership.Move, f *Form, _ *app.Principal) (membership.Move, error) {
			in, err := confirmFrom(f.Value("surplus"), f.Value("shortfall"), f.Value("from_price"), f.Value("to_price"))
			if err != nil {
				return mv, err
			}
			return h.svc.ConfirmMove(ctx, mv.ID, in)
		}, "You confirmed today's figures of your move.")
}

// reviewPage lists the move requests into the sites the caller coordinates
// (every site for the treasurer): open ones first, then recent decisions.
func (h *moveHandlers) reviewPage(c *fiber.Ctx) error {
	p := principal(c)
	if !p.IsAdmin() && !p.IsCoordinator() {
		return app.Forbidden("Only coordinators decide moves into their sites.")
	}
	open, closed, err := h.svc.MovesTo(c.UserContext(), coordinatedSites(p), 20)
	if err != nil {
		return err
	}
	return h.render(c, "moves/review", fiber.Map{"Title": "Move requests", "Open": open, "Closed": closed, "Today": h.svc.Equity.Today()})
}
