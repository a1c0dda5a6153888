package money_test

import (
	"encoding/json"
	"testing"

	"hearth/app"
	"hearth/money"
)

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in     string
		places int32
		want   string // a code for a refusal
	}{
		{"1250.00", 2, "1250"},
		{"-40.5", 2, "-40.5"},
		{"0", 0, "0"},
		{"12.345", 2, "too_many_places"},
		{"12.5", 0, "too_many_places"},
		{"1e3", 2, "invalid_amount"},
		{"--5", 2, "invalid_amount"},
		{"+5", 2, "invalid_amount"},
		{"1,000.00", 2, "invalid_amount"},
		{" 5", 2, "invalid_amount"},
		{"NaN", 2, "invalid_amount"},
		{".5", 2, "invalid_amount"},
		{"5.", 2, "invalid_amount"},
		{"", 2, "invalid_amount"},
		{"1000000000000000", 2, "amount_too_large"},
	} {
		d, err := money.Parse(tt.in, tt.places)
		got := d.String()
		if e, ok := app.AsError(err); ok {
			got = e.Code
		} else if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("Parse(%q, %d): got %s, want %s", tt.in, tt.places, got, tt.want)
		}
	}
}

func TestTextInJSON(t *testing.T) {
	t.Parallel()
	var in struct {
		Cash money.Text `json:"cash"`
		Loan money.Text `json:"loan"`
	}
	if err := json.Unmarshal([]byte(`{"cash":"100.25"}`), &in); err != nil || !in.Cash.Given() || in.Cash.String() != "100.25" || in.Loan.Given() {
		t.Errorf("got %+v, %v", in, err)
	}
	for _, body := range []string{`{"cash":100.25}`, `{"cash":"1e3"}`, `{"cash":""}`} {
		if err := json.Unmarshal([]byte(body), &in); app.ErrorKind(err) != app.KindUnprocessable {
			t.Errorf("%s: got %v, want invalid_amount", body, err)
		}
	}
}
