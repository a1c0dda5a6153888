package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
	"time"

	"hearth/finance/equity"
	"hearth/finance/equity/statement"
)

// The equity chart is drawn on the server as SVG, so it needs no script and
// prints as it shows. Coordinates are floats (they are pixels, not money);
// the amounts it labels are written from the decimals.

const (
	chartW, chartH                       = 760.0, 280.0
	chartLeft, chartRight                = 78.0, 16.0
	chartTop, chartBottom                = 16.0, 46.0
	chartNetColor, chartValueColor       = "#1e6fb8", "#7a8794"
	chartLoanColor, chartAppraisalColour = "#c0392b", "#2e8b57"
)

// equityChart draws net equity, the shares' value and the loan over time,
// with the statement's marks: a dot on the net line for each charge, a
// diamond for a buy-in, a triangle for each move and a dashed line for each
// appraisal. It returns "" when there is nothing to draw.
func equityChart(st statement.Statement) template.HTML {
	if len(st.Series) == 0 {
		return ""
	}
	c := newChart(st.Series)
	b := &c.b
	fmt.Fprintf(b, `<svg class="equity-chart" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">`, chartW, chartH)
	fmt.Fprintf(b, `<title id="chart-title">Equity of %s over time</title>`, html.EscapeString(st.MemberName))
	fmt.Fprintf(b, `<desc id="chart-desc">Net equity %s on %s: shares worth %s less a share loan of %s. The table below the chart lists every point.</desc>`,
		moneyText(st.NetEquity), dayText(st.On), moneyText(st.SharesValue), moneyText(st.LoanBalance))
	c.grid()
	c.appraisals(st.Marks) // behind the lines
	c.line(chartValueColor, "none", 1.5, func(p statement.EquityPoint) float64 { return p.SharesValue.InexactFloat64() })
	c.line(chartLoanColor, "6 4", 1.5, func(p statement.EquityPoint) float64 { return p.Loan.InexactFloat64() })
	c.line(chartNetColor, "none", 2.5, func(p statement.EquityPoint) float64 { return p.Net.InexactFloat64() })
	c.marks(st.Marks)
	c.legend()
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// chart is an equity chart being drawn: its points, the days and amounts
// its axes span, and the SVG so far.
type chart struct {
	b            strings.Builder
	pts          []statement.EquityPoint
	first, last  time.Time
	lo, hi, step float64
	span         float64 // hours from first to last
}

// newChart fits the axes to the points: the days they cover (a month at
// least) and the amounts, rounded out to a nice grid step.
func newChart(pts []statement.EquityPoint) *chart {
	c := &chart{pts: pts, first: pts[0].Date, last: pts[len(pts)-1].Date}
	if !c.last.After(c.first) {
		c.first = c.last.AddDate(0, -1, 0)
	}
	for _, p := range pts {
		for _, v := range []float64{p.Net.InexactFloat64(), p.SharesValue.InexactFloat64(), p.Loan.InexactFloat64()} {
			c.lo, c.hi = math.Min(c.lo, v), math.Max(c.hi, v)
		}
	}
	c.step = niceStep((c.hi - c.lo) / 4)
	c.lo, c.hi = math.Floor(c.lo/c.step)*c.step, math.Ceil(c.hi/c.step)*c.step
	if c.hi == c.lo {
		c.hi = c.lo + c.step
	}
	c.span = c.last.Sub(c.first).Hours()
	return c
}

func (c *chart) x(t time.Time) float64 {
	return chartLeft + (chartW-chartLeft-chartRight)*t.Sub(c.first).Hours()/c.span
}

func (c *chart) y(v float64) float64 {
	return chartTop + (chartH-chartTop-chartBottom)*(c.hi-v)/(c.hi-c.lo)
}

// shows reports whether a day falls within the chart.
func (c *chart) shows(t time.Time) bool { return !t.Before(c.first) && !t.After(c.last) }

// grid draws the amounts' lines and labels, and about six month labels,
// on first days of months.
func (c *chart) grid() {
	for v := c.lo; v <= c.hi+c.step/2; v += c.step {
		yy := c.y(v)
		fmt.Fprintf(&c.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#d5dce3" stroke-width="1"/>`, chartLeft, yy, chartW-chartRight, yy)
		fmt.Fprintf(&c.b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="end" fill="currentColor">%s</text>`, chartLeft-6, yy+4, axisAmount(v))
	}
	months := int(c.span/24/30) + 1
	every := max(1, months/6)
	for m, k := equity.MonthOf(c.first).AddDate(0, 1, 0), 0; !m.After(c.last); m, k = m.AddDate(0, 1, 0), k+1 {
		if k%every != 0 {
			continue
		}
		xx := c.x(m)
		fmt.Fprintf(&c.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#d5dce3" stroke-width="1"/>`, xx, chartH-chartBottom, xx, chartH-chartBottom+4)
		fmt.Fprintf(&c.b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle" fill="currentColor">%s</text>`, xx, chartH-chartBottom+17, m.Format("Jan 06"))
	}
}

// appraisals draws a dashed line at each appraisal.
func (c *chart) appraisals(marks []statement.ChartMark) {
	for _, mk := range marks {
		if mk.Kind != statement.MarkAppraisal || !c.shows(mk.Date) {
			continue
		}
		xx := c.x(mk.Date)
		fmt.Fprintf(&c.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.5" stroke-dasharray="4 3"><title>%s: %s</title></line>`,
			xx, chartTop, xx, chartH-chartBottom, chartAppraisalColour, dayText(mk.Date), html.EscapeString(mk.Label))
	}
}

// line draws one of the series through every point.
func (c *chart) line(color, dash string, width float64, val func(statement.EquityPoint) float64) {
	var path strings.Builder
	for i, p := range c.pts {
		cmd := "L"
		if i == 0 {
			cmd = "M"
		}
		fmt.Fprintf(&path, "%s%.1f %.1f ", cmd, c.x(p.Date), c.y(val(p)))
	}
	fmt.Fprintf(&c.b, `<path d="%s" fill="none" stroke="%s" stroke-width="%.1f" stroke-dasharray="%s" stroke-linejoin="round"/>`,
		strings.TrimSpace(path.String()), color, width, dash)
}

// netAt is net equity on a day, read off the net line between its points.
func (c *chart) netAt(t time.Time) float64 {
	pts := c.pts
	for i := 1; i < len(pts); i++ {
		a, z := pts[i-1], pts[i]
		if !t.After(z.Date) {
			f := t.Sub(a.Date).Hours() / math.Max(z.Date.Sub(a.Date).Hours(), 1)
			f = math.Max(0, math.Min(1, f))
			return a.Net.InexactFloat64() + f*(z.Net.InexactFloat64()-a.Net.InexactFloat64())
		}
	}
	return pts[len(pts)-1].Net.InexactFloat64()
}

// marks draws the charges and buy-ins on the net line and the moves on the
// time axis.
func (c *chart) marks(marks []statement.ChartMark) {
	for _, mk := range marks {
		if !c.shows(mk.Date) {
			continue
		}
		xx, yy := c.x(mk.Date), c.y(c.netAt(mk.Date))
		tip := fmt.Sprintf("<title>%s: %s</title>", dayText(mk.Date), html.EscapeString(mk.Label))
		switch mk.Kind {
		case statement.MarkCharge:
			fmt.Fprintf(&c.b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s">%s</circle>`, xx, yy, chartNetColor, tip)
		case statement.MarkBuyIn:
			fmt.Fprintf(&c.b, `<path d="M%.1f %.1f l6 6 l-6 6 l-6 -6 z" fill="%s">%s</path>`, xx, yy-6, chartNetColor, tip)
		case statement.MarkMove:
			base := chartH - chartBottom
			fmt.Fprintf(&c.b, `<path d="M%.1f %.1f l7 12 l-14 0 z" fill="#d98c00">%s</path>`, xx, base-12, tip)
			fmt.Fprintf(&c.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#d98c00" stroke-width="1"/>`, xx, yy, xx, base-12)
		}
	}
}

// legend names the lines and the marks under the chart.
func (c *chart) legend() {
	lx, ly := chartLeft, chartH-12
	for _, l := range []struct{ color, dash, label string }{
		{chartNetColor, "none", "Net equity"}, {chartValueColor, "none", "Shares' value"}, {chartLoanColor, "6 4", "Share loan"},
		{chartAppraisalColour, "4 3", "Appraisal"},
	} {
		fmt.Fprintf(&c.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2.5" stroke-dasharray="%s"/>`, lx, ly-4, lx+22, ly-4, l.color, l.dash)
		fmt.Fprintf(&c.b, `<text x="%.1f" y="%.1f" font-size="11" fill="currentColor">%s</text>`, lx+27, ly, l.label)
		lx += 130
	}
	fmt.Fprintf(&c.b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/><text x="%.1f" y="%.1f" font-size="11" fill="currentColor">Charge</text>`, lx+4, ly-4, chartNetColor, lx+12, ly)
	fmt.Fprintf(&c.b, `<path d="M%.1f %.1f l6 10 l-12 0 z" fill="#d98c00"/><text x="%.1f" y="%.1f" font-size="11" fill="currentColor">Move</text>`, lx+84, ly-12, lx+94, ly)
}

// niceStep rounds a raw grid step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1000
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// axisAmount writes a grid amount shortly: 12,000 as 12k, 1,500,000 as 1.5M.
func axisAmount(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e6:
		return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.2f", v/1e6), "0"), ".0") + "M"
	case a >= 1e3:
		return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", v/1e3), "0"), ".") + "k"
	}
	return fmt.Sprintf("%.0f", v)
}
