// Package hearth is Hearth's composition root: NewServices builds every
// domain service once, for the server, the command line, the demo seed and
// the tests, so that each service (and its caches) exists once per process
// and nothing else constructs one.
package hearth

import (
	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/finance/equity/charges"
	"hearth/finance/equity/loans"
	"hearth/finance/equity/statement"
	"hearth/finance/ledger"
	"hearth/housing"
	"hearth/housing/booking"
	"hearth/housing/feeds"
	"hearth/housing/lottery"
	"hearth/housing/membership"
)

// Services are Hearth's domain services, built once.
type Services struct {
	DB         *sqlx.DB
	Accounts   *app.Accounts
	Housing    *housing.Service
	Booking    *booking.Service
	Lottery    *lottery.Service
	Feeds      *feeds.Service
	Ledger     *ledger.Ledger
	Equity     *equity.Service
	Loans      *loans.Service
	Charges    *charges.Service
	Statements *statement.Service
	Membership *membership.Service
}

// NewServices builds every service on db as the configuration says.
func NewServices(cfg app.Config, db *sqlx.DB) *Services {
	bookings := &booking.Service{DB: db}
	led := ledger.New(db, cfg.Currency)
	led.Zone = cfg.Zone
	eq := equity.New(db, led)
	ln := loans.New(eq)
	ch := charges.New(eq, ln)
	return &Services{
		DB:         db,
		Accounts:   app.NewAccounts(db, cfg),
		Housing:    &housing.Service{DB: db},
		Booking:    bookings,
		Lottery:    &lottery.Service{DB: db, Bookings: bookings},
		Feeds:      &feeds.Service{DB: db},
		Ledger:     led,
		Equity:     eq,
		Loans:      ln,
		Charges:    ch,
		Statements: statement.New(eq, ln, ch),
		Membership: membership.New(db, eq, ln),
	}
}
