// Package migrations holds Hearth's goose SQL migrations, embedded into the binary.
//
// Files are numbered; each area of the product owns a block of numbers so that
// work on one area never renumbers another's: 00001–00099 foundation,
// 00100–00199 ledger, 00200–00299 housing and bookings, 00300–00399 equity and loans.
package migrations

import "embed"

//go:embed *.sql
var FS embed.FS
