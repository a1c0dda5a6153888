package web_test

import (
	"fmt"
	"html/template"
	"strings"
	"testing"
)

// TestAdmissionInputParsedOnce: an amount or a date written wrong gets the
// same code and message from the API and from the admission page, those
// of the one parser of each (money.Parse, day.Parse), and nothing is
// written.
func TestAdmissionInputParsedOnce(t *testing.T) {
	t.Parallel()
	w := newMoveWorld(t)
	hugo := w.ts.token(t, w.hugo)
	page := signInPages(t, w.ts, w.hugo)
	valid := func() map[string]string {
		return map[string]string{"unit_id": fmt.Sprint(w.l4), "member_id": fmt.Sprint(w.liam.ID), "date": w.day(0),
			"cash": "30000.00", "loan": "0", "idempotency_key": "liam-l4"}
	}
	for _, c := range []struct {
		field, value, code string
	}{
		{"cash", "1e3", "invalid_amount"},
		{"cash", "12.345", "too_many_places"},
		{"cash", "--5", "invalid_amount"},
		{"loan", "0.001", "too_many_places"},
		{"quoted_price", "40.0000001", "too_many_places"},
		{"date", "2027-02-30", "invalid_date"},
		{"date", "2027-2-3", "invalid_date"},
	} {
		fields := valid()
		fields[c.field] = c.value
		body := map[string]any{}
		for k, v := range fields {
			body[k] = v
		}
		body["unit_id"], body["member_id"] = w.l4, w.liam.ID
		status, answer := w.ts.call(t, "POST", fmt.Sprintf("/api/v1/sites/%d/admissions", w.linden), hugo, body)
		if status != 422 || errorCode(answer) != c.code {
			t.Errorf("API, %s %q: %d %s, want 422 %s", c.field, c.value, status, errorCode(answer), c.code)
			continue
		}
		message, _ := answer["error"].(map[string]any)["message"].(string)
		status, html, _ := page.post(fmt.Sprintf("/equity/sites/%d/admit", w.linden), fields)
		if status != 422 || !strings.Contains(html, template.HTMLEscapeString(message)) {
			t.Errorf("page, %s %q: %d, want 422 with the API's message %q", c.field, c.value, status, message)
		}
	}
	if n := count(t, w.ts, "admissions"); n != 0 {
		t.Errorf("refused admissions wrote %d", n)
	}
	if status, _, to := page.post(fmt.Sprintf("/equity/sites/%d/admit", w.linden), valid()); status != 303 {
		t.Errorf("the admission written right: %d to %q", status, to)
	}
}
