// Package migrations holds Hearth's goose SQL migrations, embedded into the binary.
//
// Files are numbered; each area of the product owns a block of numbers so that
// work on one area never renumbers another's: 00001–00099 foundation,
// 00100–00199 ledger, 00200–00299 housing and bookings, 00300–00399 equity and loans.
//
// schema.sql beside them is not a migration: it is the whole schema the
// migrations make, for reading (make schema writes it; app's
// TestSchemaSnapshot checks it). The pattern below embeds only the numbered
// files, so neither goose nor the binary sees it.
package migrations

import "embed"

//go:embed [0-9]*.sql
var FS embed.FS
