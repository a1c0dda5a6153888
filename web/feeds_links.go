package web

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/housing/feeds"
)

// Calendar feed links are a member's own: each member makes, replaces and
// revokes theirs, for their bookings and for each space they may follow.
// The feeds themselves are served to calendar apps, which cannot sign in:
// the unguessable token in the URL is the credential.

type feedLinkJSON struct {
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

type feedResourceJSON struct {
	ResourceID   int64         `json:"resource_id"`
	ResourceName string        `json:"resource_name"`
	SiteID       int64         `json:"site_id"`
	SiteName     string        `json:"site_name"`
	Link         *feedLinkJSON `json:"link"`
}

func newFeedLinkJSON(l *feeds.Link) *feedLinkJSON {
	if l == nil {
		return nil
	}
	return &feedLinkJSON{CreatedAt: l.CreatedAt, LastUsedAt: l.LastUsedAt}
}

// feedURLs are the two forms of a fresh link: https for pasting into a
// calendar app, webcal for subscribing with one click.
type feedURLs struct {
	URL       string `json:"url"`
	WebcalURL string `json:"webcal_url"`
}

// feedPath is where the public feed of a token is served.
func feedPath(token string) string { return "/calendars/" + token + ".ics" }

// feedLink builds a fresh link on the configured public address, never on the
// request's Host header, which the client chooses: a forged Host would
// hand a member a link to someone else's server.
func (s *Server) feedLink(token string) feedURLs {
	u := s.cfg.PublicURL + feedPath(token)
	_, rest, _ := strings.Cut(u, "://")
	return feedURLs{URL: u, WebcalURL: "webcal://" + rest}
}

// freshLinkCookie carries a just-made token from the "new link" post to the
// page that shows it, once: the server keeps only the token's hash, so this
// is the only time anyone sees it.
const freshLinkCookie = "hearth_feed_link"

// feedFresh is a link made a moment ago, shown in full this once.
type feedFresh struct {
	ResourceID int64 // 0: the member's own bookings
	feedURLs
}

// calendars shows the caller's feed links: on the page, a link made a
// moment ago in full, this once.
func (h *lotteryHandlers) calendars(c *fiber.Ctx) error {
	o, err := h.feeds.Overview(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	if isAPI(c) {
		resources := make([]feedResourceJSON, len(o.Resources))
		for i, r := range o.Resources {
			resources[i] = feedResourceJSON{ResourceID: r.ResourceID, ResourceName: r.ResourceName, SiteID: r.SiteID,
				SiteName: r.SiteName, Link: newFeedLinkJSON(r.Link)}
		}
		return c.JSON(fiber.Map{"mine": newFeedLinkJSON(o.Own), "resources": resources})
	}
	data := fiber.Map{"Title": "Calendar feeds", "Overview": o}
	if v := c.Cookies(freshLinkCookie); v != "" {
		c.Cookie(&fiber.Cookie{Name: freshLinkCookie, Path: "/calendars", Expires: time.Unix(0, 0), HTTPOnly: true, SameSite: "Lax", Secure: h.cfg.SecureCookies})
		if id, token, ok := strings.Cut(v, ":"); ok {
			rid, _ := strconv.ParseInt(id, 10, 64)
			data["Fresh"] = feedFresh{ResourceID: rid, feedURLs: h.feedLink(token)}
		}
	}
	return h.render(c, "feeds/calendars", data)
}

// feedResource reads which feed an action is about; 0 means the member's
// own bookings. The API says mine or resources/:resource_id in its route,
// a page "mine" or the resource's id as :which.
func feedResource(c *fiber.Ctx) (int64, error) {
	name := "resource_id"
	if !isAPI(c) {
		name = "which"
	}
	if which := c.Params(name); which == "" || which == "mine" {
		return 0, nil
	}
	return paramID(c, name)
}

// newFeedLink makes the caller a new secret link to a feed, replacing any
// before it: the API answers it; a page shows it once, through a cookie
// that lives a few minutes.
func (h *lotteryHandlers) newFeedLink(c *fiber.Ctx) error {
	resourceID, err := feedResource(c)
	if err != nil {
		return err
	}
	token, err := h.feeds.NewLink(c.UserContext(), principal(c), resourceID)
	if err == nil && !isAPI(c) {
		c.Cookie(&fiber.Cookie{
			Name: freshLinkCookie, Value: fmt.Sprintf("%d:%s", resourceID, token), Path: "/calendars",
			MaxAge: 300, HTTPOnly: true, SameSite: "Lax", Secure: h.cfg.SecureCookies,
		})
	}
	return h.reply(c, err, answer{Status: fiber.StatusCreated, JSON: h.feedLink(token), To: "/calendars",
		Flash: "Your new calendar link is ready. Any link it replaces has stopped working."}, nil)
}

// revokeFeedLink turns the caller's link to a feed off.
func (h *lotteryHandlers) revokeFeedLink(c *fiber.Ctx) error {
	resourceID, err := feedResource(c)
	if err == nil {
		err = h.feeds.Revoke(c.UserContext(), principal(c), resourceID)
	}
	return h.reply(c, err, answer{Status: fiber.StatusNoContent, To: "/calendars",
		Flash: "The calendar link is turned off; calendar apps that follow it will stop updating."}, nil)
}

// feed serves a calendar feed to a calendar app.
func (h *lotteryHandlers) feed(c *fiber.Ctx) error {
	cal, err := h.feeds.Calendar(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := feeds.Write(&buf, cal, time.Now()); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, feeds.ContentType)
	c.Set(fiber.HeaderContentDisposition, `inline; filename="hearth.ics"`)
	// Apps poll; a few minutes of caching spares the database, and private
	// keeps shared caches from holding someone's calendar.
	c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	return c.Send(buf.Bytes())
}

// mountFeeds registers the public feed route; mountPublicPages calls it,
// before sign-in is required.
func (s *Server) mountFeeds(pages fiber.Router) {
	h := &lotteryHandlers{Server: s, feeds: s.svc.Feeds}
	pages.Get(feedPath(":token"), h.feed)
}
