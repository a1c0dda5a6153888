package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/day"
	"hearth/housing/membership"
)

// A member's side of a move: the free units at other sites with what their
// equity buys there, the quote, the request, their list of requests, a
// request's page, and confirming or withdrawing it.

// moveRequest asks for a move, or for its quote: from the API's JSON body
// or query, or from the quote page's query and form, under the same names.
// An empty move day is today.
type moveRequest struct {
	UnitID         int64                `json:"unit_id"`
	MoveOn         day.Day              `json:"move_on"`
	Surplus        membership.Surplus   `json:"surplus"`
	Shortfall      membership.Shortfall `json:"shortfall"`
	FromPrice      string               `json:"from_price"` // the prices of the quote the member saw, if given
	ToPrice        string               `json:"to_price"`
	IdempotencyKey string               `json:"idempotency_key"`
}

func (in moveRequest) quote() membership.QuoteRequest {
	return membership.QuoteRequest{UnitID: in.UnitID, MoveOn: in.MoveOn.Time(), Surplus: in.Surplus, Shortfall: in.Shortfall}
}

// quoteMove quotes a move of the caller to a unit without asking for it:
// the API answers the quote; the page shows it with the choices and the
// form that asks for the move.
func (h *membershipHandlers) quoteMove(c *fiber.Ctx) error {
	var in moveRequest
	err := bindQuery(c, &in)
	if isAPI(c) {
		var q membership.Quote
		if err == nil {
			q, err = h.membership.QuoteMove(c.UserContext(), principal(c), in.quote())
		}
		if err != nil {
			return err
		}
		return c.JSON(quoteView(q))
	}
	f := &Form{Values: map[string]string{}, Errors: map[string]string{}}
	for _, k := range []string{"unit_id", "move_on", "surplus", "shortfall"} {
		f.Values[k] = c.Query(k)
	}
	if err != nil {
		if !formError(f, err) {
			return err
		}
		return h.renderQuote(c, f, nil)
	}
	return h.renderQuote(c, f, &in)
}

// renderQuote shows the quote page: the quote of the move in asks for (none
// when in is nil, its form having been refused), the choices, and the form
// that asks for the move. A form with a mistake, or a move that cannot be,
// answers 422 with the reason beside the form.
func (h *membershipHandlers) renderQuote(c *fiber.Ctx, f *Form, in *moveRequest) error {
	status := fiber.StatusOK
	if f.Message != "" || len(f.Errors) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	data := fiber.Map{"Title": "Your move", "Form": f, "FormKey": newFormKey(), "MaxAhead": membership.MaxMoveAheadDays}
	if in != nil {
		q, err := h.membership.QuoteMove(c.UserContext(), principal(c), in.quote())
		switch e, _ := app.AsError(err); {
		case err == nil:
			data["Quote"] = q
			if f.Value("move_on") == "" {
				f.Values["move_on"] = dayText(q.MoveOn)
			}
		case e != nil && e.Kind == app.KindNotFound: // a unit that is not there is the member's mistake here too
			f.Message, status = e.Message, fiber.StatusUnprocessableEntity
		case formError(f, err):
			status = fiber.StatusUnprocessableEntity
		default:
			return err
		}
	}
	for k, def := range map[string]string{"surplus": string(membership.SurplusPayout), "shortfall": string(membership.ShortfallCash)} {
		if f.Value(k) == "" {
			f.Values[k] = def
		}
	}
	return h.renderStatus(c, status, "moves/new", data)
}

// requestMove asks for a move of the caller, at the prices of the quote
// they saw: 201 with the request and its quote, or 200 when the
// idempotency key replays an earlier request; a page goes to the request.
func (h *membershipHandlers) requestMove(c *fiber.Ctx) error {
	p := principal(c)
	var in moveRequest
	var mv membership.Move
	err := bind(c, &in)
	bound := err == nil
	if bound {
		mv, err = h.membership.RequestMove(c.UserContext(), p, membership.MoveRequest{QuoteRequest: in.quote(),
			FromPrice: in.FromPrice, ToPrice: in.ToPrice, IdempotencyKey: in.IdempotencyKey})
	}
	status := fiber.StatusCreated
	if mv.Replayed {
		status = fiber.StatusOK
	}
	return h.reply(c, err, answer{
		Status: status, JSON: moveView(p, mv, nil), To: movePath(mv.ID),
		Flash: fmt.Sprintf("Your request to move to %s, %s on %s is with the coordinators of %s.", mv.SiteName, mv.UnitName, mv.MoveOn.Format("2 Jan 2006"), mv.SiteName),
	}, func(f *Form) error {
		if !bound {
			return h.renderQuote(c, f, nil)
		}
		return h.renderQuote(c, f, &in)
	})
}

func movePath(id int64) string { return fmt.Sprintf("/moves/%d", id) }

// myMoves lists the caller's move requests, latest first (API).
func (h *membershipHandlers) myMoves(c *fiber.Ctx) error {
	p := principal(c)
	ms, err := h.membership.MovesOf(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"moves": moveViews(p, ms)})
}

// movesPage shows the caller's move requests and the units free at other
// sites from a day on, with what their equity buys there.
func (h *membershipHandlers) movesPage(c *fiber.Ctx) error {
	f := &Form{Values: map[string]string{"on": c.Query("on")}, Errors: map[string]string{}}
	var in struct {
		On day.Day `json:"on"`
	}
	if err := bindQuery(c, &in); err != nil && !formError(f, err) {
		return err
	}
	m, err := h.membership.Moves(c.UserContext(), principal(c), in.On.Time())
	if err != nil {
		return err
	}
	return h.render(c, "moves/index", fiber.Map{"Title": "Moves", "Options": m.Options, "Moves": m.Mine, "Reviews": m.Reviews,
		"ToReview": m.ToReview, "Form": f})
}

// move shows a move request to whoever may see it: to the member and the
// treasurer with its money and, while it is open, whether today's figures
// still match the confirmed ones; to coordinators with their decisions.
func (h *membershipHandlers) move(c *fiber.Ctx) error {
	id, err := paramID(c, "move_id")
	if err != nil {
		return err
	}
	d, err := h.membership.MoveDetail(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	if isAPI(c) {
		return c.JSON(moveView(principal(c), d.Move, d.Current))
	}
	return h.renderMove(c, d, &Form{Values: map[string]string{}, Errors: map[string]string{}}, fiber.StatusOK)
}

func (h *membershipHandlers) renderMove(c *fiber.Ctx, d membership.MoveDetail, f *Form, status int) error {
	data := fiber.Map{"Title": fmt.Sprintf("Move to %s", d.SiteName), "Move": d.Move, "Form": f, "CanSeeMoney": d.SeesMoney,
		"IsMover": d.IsMover, "CanDecide": d.MayDecide, "CanWithdraw": d.MayWithdraw, "Due": d.Due, "Today": d.Today,
		"CurrentError": d.CurrentError}
	if d.Current != nil {
		data["Current"], data["Stale"] = *d.Current, d.Stale
	}
	return h.renderStatus(c, status, "moves/show", data)
}

// moveAction answers an action on a move: the move for the API; for a
// page, the move's page with done, or the page again with the reason the
// action was refused.
func (h *membershipHandlers) moveAction(c *fiber.Ctx, id int64, mv membership.Move, err error, done string) error {
	p := principal(c)
	return h.reply(c, err, answer{JSON: moveView(p, mv, nil), Flash: done, To: movePath(id)}, func(f *Form) error {
		d, err := h.membership.MoveDetail(c.UserContext(), p, id)
		if err != nil {
			return err
		}
		return h.renderMove(c, d, f, fiber.StatusUnprocessableEntity)
	})
}

// bindOptional reads an action's input, which the API may leave out: no
// body is no input.
func (h *membershipHandlers) bindOptional(c *fiber.Ctx, in any) error {
	if isAPI(c) && len(c.Body()) == 0 {
		return nil
	}
	return bind(c, in)
}

// confirmRequest confirms today's figures of a move, with new choices if
// given, at the prices the member saw.
type confirmRequest struct {
	Surplus   membership.Surplus   `json:"surplus"`
	Shortfall membership.Shortfall `json:"shortfall"`
	FromPrice string               `json:"from_price"`
	ToPrice   string               `json:"to_price"`
}

// confirmMove confirms today's figures of the caller's open request.
func (h *membershipHandlers) confirmMove(c *fiber.Ctx) error {
	id, err := paramID(c, "move_id")
	if err != nil {
		return err
	}
	var in confirmRequest
	var mv membership.Move
	if err = h.bindOptional(c, &in); err == nil {
		mv, err = h.membership.ConfirmMove(c.UserContext(), principal(c), id, membership.Confirm(in))
	}
	return h.moveAction(c, id, mv, err, "You confirmed today's figures of your move.")
}

// withdrawMove withdraws the caller's open request (or, for the
// treasurer, anyone's).
func (h *membershipHandlers) withdrawMove(c *fiber.Ctx) error {
	id, err := paramID(c, "move_id")
	if err != nil {
		return err
	}
	mv, err := h.membership.WithdrawMove(c.UserContext(), principal(c), id)
	return h.moveAction(c, id, mv, err, "The move request is withdrawn.")
}
