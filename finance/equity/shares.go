package equity

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/finance/ledger"
)

// ShareKind says why shares were issued or redeemed.
type ShareKind string

// The kinds of the share register. Issues are positive quantities,
// redemptions negative.
const (
	BuyIn      ShareKind = "buy_in"     // admission to a unit
	Charge     ShareKind = "charge"     // the principal part of a monthly carrying charge
	MoveIn     ShareKind = "move_in"    // value carried in from another site
	Issue      ShareKind = "issue"      // any other purchase
	MoveOut    ShareKind = "move_out"   // value carried out to another site
	Redemption ShareKind = "redemption" // any other sale back to the cooperative
)

// Label names a kind for people.
func (k ShareKind) Label() string {
	switch k {
	case BuyIn:
		return "Buy-in"
	case Charge:
		return "Monthly charge"
	case MoveIn:
		return "Move in"
	case Issue:
		return "Shares bought"
	case MoveOut:
		return "Move out"
	case Redemption:
		return "Shares redeemed"
	}
	return string(k)
}

// IsMove reports whether the event is half of a move between sites.
func (k ShareKind) IsMove() bool { return k == MoveIn || k == MoveOut }

// ShareEvent is one row of the share register.
type ShareEvent struct {
	ID          int64           `db:"id" json:"id"`
	SiteID      int64           `db:"site_id" json:"site_id"`
	MemberID    int64           `db:"member_id" json:"member_id"`
	Kind        ShareKind       `db:"kind" json:"kind"`
	EffectiveOn time.Time       `db:"effective_on" json:"effective_on"`
	Quantity    decimal.Decimal `db:"quantity" json:"quantity"` // negative for a redemption
	Price       decimal.Decimal `db:"price" json:"price"`
	Value       decimal.Decimal `db:"value" json:"value"`   // ValueOf(quantity, price), signed
	Amount      decimal.Decimal `db:"amount" json:"amount"` // money paid in (positive) or out (negative)
	EntryID     int64           `db:"entry_id" json:"entry_id"`
	Key         string          `db:"idempotency_key" json:"-"`
	// Replayed is true when the event was made by an earlier call with the
	// same idempotency key.
	Replayed bool `db:"-" json:"-"`
}

// Rounding is what the amount paid and the value of the shares differ by,
// which went to the site's rounding account.
func (e ShareEvent) Rounding() decimal.Decimal { return e.Amount.Sub(e.Value) }

const shareEventColumns = `id, site_id, member_id, kind, effective_on, quantity, price, value, amount, entry_id, idempotency_key`

// IssueRequest buys shares of a site for a member today, at today's price.
// Amount is paid by Cash (money the member pays now, into the operating
// account) and the rest from the member's settlement account: the proceeds
// of a redemption (RedeemSharesTx) or of a share loan (ChangeShareLoanTx) made
// earlier in the same transaction.
type IssueRequest struct {
	SiteID   int64
	MemberID int64
	Kind     ShareKind       // BuyIn, MoveIn or Issue
	Amount   decimal.Decimal // money spent on shares, in cents, more than zero
	Cash     decimal.Decimal // part of Amount paid in cash now, 0 ≤ Cash ≤ Amount
	// QuotedPrice, when not zero, is the price the member was shown; if
	// today's price differs the request is refused with price_changed.
	QuotedPrice    decimal.Decimal
	IdempotencyKey string
	Description    string // for the ledger entry; a default is written when empty
}

// IssueSharesTx issues shares at today's price (SharePriceOn) inside the
// caller's transaction: quantity = SharesFor(Amount, price), their value is
// credited to the site's paid-in share capital and what rounding left over
// to its rounding account; the money comes from Cash (assets:bank:operating)
// and the member's settlement account.
//
// Errors: invalid_idempotency_key, invalid_share_kind, amount_not_positive,
// amount_not_cents, cash_out_of_range, settlement_short, amount_too_small
// (422, when the amount buys no share at all), the errors of SharePriceOn,
// price_changed (409), idempotency_key_reused (409).
func (s *Service) IssueSharesTx(ctx context.Context, tx *sqlx.Tx, in IssueRequest) (ShareEvent, error) {
	if err := CheckIdempotencyKey(in.IdempotencyKey); err != nil {
		return ShareEvent{}, err
	}
	if in.Kind != BuyIn && in.Kind != MoveIn && in.Kind != Issue {
		return ShareEvent{}, app.Unprocessable("invalid_share_kind", "Shares are issued for a buy-in, a move in, or a purchase.")
	}
	if !in.Amount.IsPositive() {
		return ShareEvent{}, app.Unprocessable("amount_not_positive", "The amount must be more than zero.").OnField("amount")
	}
	if err := CheckMoney("amount", in.Amount); err != nil {
		return ShareEvent{}, err
	}
	if err := CheckMoney("cash", in.Cash); err != nil {
		return ShareEvent{}, err
	}
	if in.Cash.GreaterThan(in.Amount) {
		return ShareEvent{}, app.Unprocessable("cash_out_of_range", "The cash paid cannot be more than the amount.").OnField("cash")
	}
	if ev, done, err := s.replayShareEvent(ctx, tx, in.IdempotencyKey, in.SiteID, in.MemberID, in.Kind, in.Amount); done || err != nil {
		return ev, err
	}
	today, price, err := s.tradePrice(ctx, tx, in.SiteID, in.MemberID, in.QuotedPrice)
	if err != nil {
		return ShareEvent{}, err
	}
	fromSettlement := in.Amount.Sub(in.Cash)
	macc := AccountsOfMember(in.MemberID)
	if fromSettlement.IsPositive() {
		held, err := s.balance(ctx, tx, macc.Settlement, nil, CreditNormal)
		if err != nil {
			return ShareEvent{}, err
		}
		if held.LessThan(fromSettlement) {
			return ShareEvent{}, app.Unprocessable("settlement_short",
				"%s of these shares should come from money held for the member, but only %s is held.", FormatMoney(fromSettlement), FormatMoney(held)).OnField("cash")
		}
	}
	qty := SharesFor(in.Amount, price.Price)
	if !qty.IsPositive() {
		return ShareEvent{}, app.Unprocessable("amount_too_small", "%s buys no share at %s a share.", FormatMoney(in.Amount), price.Price.String()).OnField("amount")
	}
	value := ValueOf(qty, price.Price)
	sacc := AccountsOfSite(in.SiteID)
	desc := in.Description
	if desc == "" {
		desc = fmt.Sprintf("%s: %s shares at %s", in.Kind.Label(), qty.String(), price.Price.String())
	}
	postings := NetPostings(
		ledger.Posting{Account: AccountBank, Amount: in.Cash},
		ledger.Posting{Account: macc.Settlement, Amount: fromSettlement},
		ledger.Posting{Account: sacc.SharesPaidIn, Amount: value.Neg()},
		ledger.Posting{Account: sacc.Rounding, Amount: value.Sub(in.Amount)},
	)
	posted, err := s.Ledger.PostTx(ctx, tx, ledger.Entry{
		IdempotencyKey: "equity:shares:" + in.IdempotencyKey,
		Description:    desc,
		EffectiveDate:  today,
		Metadata:       map[string]string{"site_id": id(in.SiteID), "member_id": id(in.MemberID), "kind": string(in.Kind)},
		Postings:       postings,
	})
	if err != nil {
		return ShareEvent{}, TranslateLedger(err)
	}
	return s.recordShareEvent(ctx, tx, ShareEvent{
		SiteID: in.SiteID, MemberID: in.MemberID, Kind: in.Kind, EffectiveOn: today,
		Quantity: qty, Price: price.Price, Value: value, Amount: in.Amount, EntryID: posted.ID, Key: in.IdempotencyKey,
	})
}

// RedemptionRequest sells shares of a site back to the cooperative today, at
// today's price. Of their value, Fee goes to the site (a transfer fee),
// Payout is paid to the member now (out of the operating account), and the
// rest is held for the member in their settlement account, for IssueShares
// at another site or a loan paydown (ChangeShareLoanTx) in the same transaction.
type RedemptionRequest struct {
	SiteID   int64
	MemberID int64
	Kind     ShareKind       // MoveOut or Redemption
	Quantity decimal.Decimal // shares to redeem; zero redeems everything the member holds at the site
	Fee      decimal.Decimal
	Payout   decimal.Decimal
	// QuotedPrice, when not zero, is the price the member was shown; if
	// today's price differs the request is refused with price_changed.
	QuotedPrice    decimal.Decimal
	IdempotencyKey string
	Description    string
}

// RedeemSharesTx redeems shares at today's price inside the caller's
// transaction. Their value, ValueOf(quantity, price), is debited to the
// site's paid-in share capital, so that the net asset value price of the
// shares left is unchanged, and credited to the fee, the payout and the
// member's settlement account.
//
// Errors: invalid_idempotency_key, invalid_share_kind, quantity_invalid,
// no_shares, quantity_exceeds_holding, quantity_too_small (worth less than a
// cent), amount_negative, amount_not_cents,
// fee_exceeds_value (422, when Fee + Payout is more than the value), the
// errors of SharePriceOn, price_changed (409), idempotency_key_reused (409).
func (s *Service) RedeemSharesTx(ctx context.Context, tx *sqlx.Tx, in RedemptionRequest) (ShareEvent, error) {
	if err := CheckIdempotencyKey(in.IdempotencyKey); err != nil {
		return ShareEvent{}, err
	}
	if in.Kind != MoveOut && in.Kind != Redemption {
		return ShareEvent{}, app.Unprocessable("invalid_share_kind", "Shares are redeemed for a move out or a sale.")
	}
	if in.Quantity.IsNegative() || !in.Quantity.Equal(in.Quantity.Truncate(QuantityPlaces)) {
		return ShareEvent{}, app.Unprocessable("quantity_invalid", "A quantity of shares is positive with at most six decimals.").OnField("quantity")
	}
	if err := CheckMoney("fee", in.Fee); err != nil {
		return ShareEvent{}, err
	}
	if err := CheckMoney("payout", in.Payout); err != nil {
		return ShareEvent{}, err
	}
	if ev, done, err := s.replayShareEvent(ctx, tx, in.IdempotencyKey, in.SiteID, in.MemberID, in.Kind, in.Quantity.Neg()); done || err != nil {
		return ev, err
	}
	var held decimal.Decimal
	err := tx.GetContext(ctx, &held, `SELECT quantity FROM share_holdings WHERE site_id = $1 AND member_id = $2 FOR UPDATE`, in.SiteID, in.MemberID)
	if err != nil && !app.ErrNoRows(err) {
		return ShareEvent{}, fmt.Errorf("equity: unable to read holding: %w", err)
	}
	if !held.IsPositive() {
		return ShareEvent{}, app.Unprocessable("no_shares", "The member holds no shares at this site.")
	}
	qty := in.Quantity
	if qty.IsZero() {
		qty = held
	}
	if qty.GreaterThan(held) {
		return ShareEvent{}, app.Unprocessable("quantity_exceeds_holding", "The member holds only %s shares at this site.", held.String()).OnField("quantity")
	}
	today, price, err := s.tradePrice(ctx, tx, in.SiteID, in.MemberID, in.QuotedPrice)
	if err != nil {
		return ShareEvent{}, err
	}
	value := ValueOf(qty, price.Price)
	if value.IsZero() {
		return ShareEvent{}, app.Unprocessable("quantity_too_small",
			"%s shares are worth less than a cent at %s: redeem more of them.", qty.String(), price.Price.String()).OnField("quantity")
	}
	held4member := value.Sub(in.Fee).Sub(in.Payout)
	if held4member.IsNegative() {
		return ShareEvent{}, app.Unprocessable("fee_exceeds_value",
			"The fee and payout (%s) are more than the shares are worth (%s).", FormatMoney(in.Fee.Add(in.Payout)), FormatMoney(value)).OnField("fee")
	}
	sacc, macc := AccountsOfSite(in.SiteID), AccountsOfMember(in.MemberID)
	desc := in.Description
	if desc == "" {
		desc = fmt.Sprintf("%s: %s shares at %s", in.Kind.Label(), qty.String(), price.Price.String())
	}
	posted, err := s.Ledger.PostTx(ctx, tx, ledger.Entry{
		IdempotencyKey: "equity:shares:" + in.IdempotencyKey,
		Description:    desc,
		EffectiveDate:  today,
		Metadata:       map[string]string{"site_id": id(in.SiteID), "member_id": id(in.MemberID), "kind": string(in.Kind)},
		Postings: NetPostings(
			ledger.Posting{Account: sacc.SharesPaidIn, Amount: value},
			ledger.Posting{Account: sacc.TransferFees, Amount: in.Fee.Neg()},
			ledger.Posting{Account: AccountBank, Amount: in.Payout.Neg()},
			ledger.Posting{Account: macc.Settlement, Amount: held4member.Neg()},
		),
	})
	if err != nil {
		return ShareEvent{}, TranslateLedger(err)
	}
	return s.recordShareEvent(ctx, tx, ShareEvent{
		SiteID: in.SiteID, MemberID: in.MemberID, Kind: in.Kind, EffectiveOn: today,
		Quantity: qty.Neg(), Price: price.Price, Value: value.Neg(), Amount: value.Neg(), EntryID: posted.ID, Key: in.IdempotencyKey,
	})
}

// tradePrice readies a trade of a member's shares at a site: the member's
// accounts, today, and today's price, which must be the quoted one when
// there is a quote. Errors: price_changed (409), those of SharePriceOn.
func (s *Service) tradePrice(ctx context.Context, tx *sqlx.Tx, siteID, memberID int64, quoted decimal.Decimal) (time.Time, Price, error) {
	if err := s.EnsureMemberAccountsTx(ctx, tx, memberID); err != nil {
		return time.Time{}, Price{}, err
	}
	today := s.Today()
	price, err := s.sharePriceOn(ctx, tx, siteID, today)
	if err != nil {
		return today, price, err
	}
	if !quoted.IsZero() && !quoted.Equal(price.Price) {
		return today, price, app.Conflict("price_changed",
			"The share price changed from %s to %s since the quote: look at the new figures and confirm again.",
			quoted.String(), price.Price.String()).OnField("quoted_price")
	}
	return today, price, nil
}

// replayShareEvent returns the event an earlier call with the key made, if
// any. done is true when there is one; it must be for the same site, member,
// kind and amount (or quantity, for a redemption; zero matches any).
func (s *Service) replayShareEvent(ctx context.Context, tx *sqlx.Tx, key string, siteID, memberID int64, kind ShareKind, amountOrQty decimal.Decimal) (ShareEvent, bool, error) {
	var ev ShareEvent
	err := tx.GetContext(ctx, &ev, `SELECT `+shareEventColumns+` FROM share_events WHERE idempotency_key = $1`, key)
	if app.ErrNoRows(err) {
		return ev, false, nil
	}
	if err != nil {
		return ev, false, fmt.Errorf("equity: unable to read the register: %w", err)
	}
	ev.EffectiveOn = Day(ev.EffectiveOn)
	same := ev.SiteID == siteID && ev.MemberID == memberID && ev.Kind == kind
	switch {
	case kind == MoveOut || kind == Redemption:
		same = same && (amountOrQty.IsZero() || ev.Quantity.Equal(amountOrQty))
	default:
		same = same && ev.Amount.Equal(amountOrQty)
	}
	if !same {
		return ev, true, KeyReused(key)
	}
	ev.Replayed = true
	return ev, true, nil
}

// recordShareEvent writes an event of the register and moves the holding.
func (s *Service) recordShareEvent(ctx context.Context, tx *sqlx.Tx, ev ShareEvent) (ShareEvent, error) {
	err := tx.GetContext(ctx, &ev.ID, `
		INSERT INTO share_events (site_id, member_id, kind, effective_on, quantity, price, value, amount, entry_id, idempotency_key)
		VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8, $9, $10) RETURNING id`,
		ev.SiteID, ev.MemberID, ev.Kind, SQLDate(ev.EffectiveOn), ev.Quantity, ev.Price, ev.Value, ev.Amount, ev.EntryID, ev.Key)
	if app.PQConstraint(err) == "share_events_idempotency_key_key" {
		return ev, KeyReused(ev.Key)
	}
	if err != nil {
		return ev, fmt.Errorf("equity: unable to write the register: %w", err)
	}
	if err := MoveHoldingsTx(ctx, tx, []int64{ev.SiteID}, []int64{ev.MemberID}, []decimal.Decimal{ev.Quantity}); err != nil {
		return ev, err
	}
	return ev, nil
}

// MoveHoldingsTx adds quantities to holdings, in (site, member) order so that
// concurrent writers lock rows in the same order. Increases are upserted;
// decreases update the existing row (an upsert would check its proposed
// negative row against the CHECK before finding the conflict). Errors:
// quantity_exceeds_holding (422) when a holding would go negative.
func MoveHoldingsTx(ctx context.Context, tx *sqlx.Tx, sites, members []int64, qty []decimal.Decimal) error {
	qs := make([]string, len(qty))
	for i, q := range qty {
		qs[i] = q.String()
	}
	var missing int
	err := tx.GetContext(ctx, &missing, `
		WITH d AS (
		    SELECT site_id, member_id, sum(q) AS q
		    FROM unnest($1::bigint[], $2::bigint[], $3::numeric[]) AS t (site_id, member_id, q)
		    GROUP BY site_id, member_id
		), ins AS (
		    INSERT INTO share_holdings AS h (site_id, member_id, quantity)
		    SELECT site_id, member_id, q FROM d WHERE q > 0 ORDER BY site_id, member_id
		    ON CONFLICT (site_id, member_id) DO UPDATE SET quantity = h.quantity + excluded.quantity
		), upd AS (
		    UPDATE share_holdings h SET quantity = h.quantity + d.q FROM d
		    WHERE d.q < 0 AND h.site_id = d.site_id AND h.member_id = d.member_id
		    RETURNING h.site_id
		)
		SELECT (SELECT count(*) FROM d WHERE q < 0) - (SELECT count(*) FROM upd)`,
		pq.Array(sites), pq.Array(members), pq.Array(qs))
	if app.PQConstraint(err) == "share_holdings_quantity_check" || (err == nil && missing > 0) {
		return app.Unprocessable("quantity_exceeds_holding", "The member does not hold that many shares.")
	}
	if err != nil {
		return fmt.Errorf("equity: unable to move holdings: %w", err)
	}
	return nil
}

// NetPostings adds up postings per account, in order of first appearance,
// and leaves out accounts that net to zero (the ledger refuses zero amounts).
func NetPostings(ps ...ledger.Posting) []ledger.Posting {
	sums := map[string]decimal.Decimal{}
	var order []string
	for _, p := range ps {
		if _, ok := sums[p.Account]; !ok {
			order = append(order, p.Account)
		}
		sums[p.Account] = sums[p.Account].Add(p.Amount)
	}
	out := make([]ledger.Posting, 0, len(order))
	for _, a := range order {
		if !sums[a].IsZero() {
			out = append(out, ledger.Posting{Account: a, Amount: sums[a]})
		}
	}
	return out
}

// TranslateLedger turns the ledger's refusal of an overdrawn settlement
// account into this package's code; other errors pass through.
func TranslateLedger(err error) error {
	if e, ok := app.AsError(err); ok && e.Code == "insufficient_funds" {
		return app.Unprocessable("settlement_short", "There is not enough money held for the member to pay for this.")
	}
	return err
}

// Holding is what a member holds at a site on a day and what it is worth at
// that day's price.
type Holding struct {
	SiteID   int64           `json:"site_id"`
	SiteName string          `json:"site_name"`
	Quantity decimal.Decimal `json:"quantity"`
	Price    Price           `json:"price"`
	Value    decimal.Decimal `json:"value"`
}

// Holdings returns a member's holdings at every site where they hold shares
// now, valued at today's prices, to the member and the treasurer. Errors:
// forbidden (403), and those of SharePrice.
func (s *Service) Holdings(ctx context.Context, p *app.Principal, memberID int64) ([]Holding, error) {
	if err := p.RequireMoneyOf(memberID); err != nil {
		return nil, err
	}
	return s.holdings(ctx, s.DB, memberID)
}

// HoldingsTx returns a member's holdings at every site where they hold shares
// now, valued at today's prices. Errors: those of SharePriceOn.
func (s *Service) HoldingsTx(ctx context.Context, tx *sqlx.Tx, memberID int64) ([]Holding, error) {
	return s.holdings(ctx, tx, memberID)
}

func (s *Service) holdings(ctx context.Context, q sqlx.QueryerContext, memberID int64) ([]Holding, error) {
	var rows []struct {
		SiteID   int64           `db:"site_id"`
		SiteName string          `db:"name"`
		Quantity decimal.Decimal `db:"quantity"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT h.site_id, s.name, h.quantity FROM share_holdings h JOIN sites s ON s.id = h.site_id
		WHERE h.member_id = $1 AND h.quantity > 0 ORDER BY s.name`, memberID); err != nil {
		return nil, fmt.Errorf("equity: unable to read holdings: %w", err)
	}
	out := make([]Holding, 0, len(rows))
	today := s.Today()
	for _, r := range rows {
		p, err := s.sharePriceOn(ctx, q, r.SiteID, today)
		if err != nil {
			return nil, err
		}
		out = append(out, Holding{SiteID: r.SiteID, SiteName: r.SiteName, Quantity: r.Quantity, Price: p, Value: ValueOf(r.Quantity, p.Price)})
	}
	return out, nil
}

// HoldingAtTx returns the shares a member holds at one site now (zero when
// none) inside the caller's transaction, for a move to quote a redemption.
func (s *Service) HoldingAtTx(ctx context.Context, tx *sqlx.Tx, siteID, memberID int64) (decimal.Decimal, error) {
	return s.holdingAt(ctx, tx, siteID, memberID)
}

func (s *Service) holdingAt(ctx context.Context, q sqlx.QueryerContext, siteID, memberID int64) (decimal.Decimal, error) {
	var held decimal.Decimal
	err := sqlx.GetContext(ctx, q, &held, `SELECT quantity FROM share_holdings WHERE site_id = $1 AND member_id = $2`, siteID, memberID)
	if err != nil && !app.ErrNoRows(err) {
		return held, fmt.Errorf("equity: unable to read holding: %w", err)
	}
	return held, nil
}

// SettlementBalanceTx returns the money held for a member between a
// redemption or a loan and what it pays for, inside the caller's
// transaction (it is zero outside one).
func (s *Service) SettlementBalanceTx(ctx context.Context, tx *sqlx.Tx, memberID int64) (decimal.Decimal, error) {
	return s.balance(ctx, tx, AccountsOfMember(memberID).Settlement, nil, CreditNormal)
}

// PayOutSettlementTx pays money held for a member out to them (from the
// operating account), inside the caller's transaction: the surplus of a
// move. Errors: amount_not_positive, amount_not_cents, settlement_short (422),
// idempotency_key_reused (409).
func (s *Service) PayOutSettlementTx(ctx context.Context, tx *sqlx.Tx, memberID int64, amount decimal.Decimal, key string) (int64, error) {
	return s.payOutSettlement(ctx, tx, memberID, amount, key)
}

// payOutSettlement pays an amount from a member's settlement account out of
// the operating account.
func (s *Service) payOutSettlement(ctx context.Context, tx *sqlx.Tx, memberID int64, amount decimal.Decimal, key string) (int64, error) {
	if err := CheckIdempotencyKey(key); err != nil {
		return 0, err
	}
	if !amount.IsPositive() {
		return 0, app.Unprocessable("amount_not_positive", "The amount must be more than zero.").OnField("amount")
	}
	if err := CheckMoney("amount", amount); err != nil {
		return 0, err
	}
	delta := amount.Neg()
	if err := s.EnsureMemberAccountsTx(ctx, tx, memberID); err != nil {
		return 0, err
	}
	posted, err := s.Ledger.PostTx(ctx, tx, ledger.Entry{
		IdempotencyKey: "equity:settlement:" + key,
		Description:    "Paid out to the member",
		EffectiveDate:  s.Today(),
		Metadata:       map[string]string{"member_id": id(memberID)},
		Postings: []ledger.Posting{
			{Account: AccountBank, Amount: delta},
			{Account: AccountsOfMember(memberID).Settlement, Amount: delta.Neg()},
		},
	})
	if err != nil {
		return 0, TranslateLedger(err)
	}
	return posted.ID, nil
}
