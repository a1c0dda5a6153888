package demo

import (
	"context"

	"github.com/jmoiron/sqlx"

	"hearth/app"
)

// Password is the password of every demo account (listed in the README).
const Password = "hearth-demo"

// Accounts are the demo's people. The README lists them.
var Accounts = []struct {
	Key, Name, Email, Role string
}{
	{"treasurer", "Tamsin Reyes", "treasurer@hearth.example", app.RoleAdmin},
	{"ada", "Ada Okafor", "ada@hearth.example", app.RoleMember},
	{"ben", "Ben Lindqvist", "ben@hearth.example", app.RoleMember},
	{"chloe", "Chloé Martin", "chloe@hearth.example", app.RoleMember},
	{"dev", "Dev Patel", "dev@hearth.example", app.RoleMember},
	{"elena", "Elena Rossi", "elena@hearth.example", app.RoleMember},
	{"farid", "Farid Haddad", "farid@hearth.example", app.RoleMember},
	{"grace", "Grace Kim", "grace@hearth.example", app.RoleMember},
	{"hugo", "Hugo Schmidt", "hugo@hearth.example", app.RoleMember},
	{"ines", "Inès Duarte", "ines@hearth.example", app.RoleMember},
	{"jonas", "Jonas Berg", "jonas@hearth.example", app.RoleMember},
	{"kemi", "Kemi Adeyemi", "kemi@hearth.example", app.RoleMember},
	{"liam", "Liam O'Connor", "liam@hearth.example", app.RoleMember},
}

func seedMembers(ctx context.Context, tx *sqlx.Tx, d *demo) error {
	accounts := d.svc.Accounts
	for _, a := range Accounts {
		m, err := accounts.CreateMemberTx(ctx, tx, app.NewMember{Email: a.Email, Password: Password, Name: a.Name, Role: a.Role})
		if err != nil {
			return err
		}
		d.members[a.Key] = m
	}
	return nil
}
