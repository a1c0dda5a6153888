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

// The calendars page lets a member make, replace and turn off their secret
// feed links, and the feeds themselves are served to calendar apps, which
// cannot sign in: the unguessable token in the URL is the credential.

// freshLinkCookie carries a just-made token from the "new link" post to the
// page that shows it, once: the server keeps only the token's hash, so this
// is the only time anyone sees it.
const freshLinkCookie = "hearth_feed_link"

// feedFresh is a link made a moment ago, shown in full this once.
type feedFresh struct {
	ResourceID int64 // 0: the member's own bookings
	feedURLs
}

func (h *lotteryHandlers) calendarsPage(c *fiber.Ctx) error {
	o, err := h.feeds.Overview(c.UserContext(), principal(c))
	if err != nil {
		return err
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

// feedResourceOf reads the resource of a calendars-page action: "mine" or a
// resource id.
func feedResourceOf(c *fiber.Ctx) (int64, error) {
	if c.Params("which") == "mine" {
		return 0, nil
	}
	return paramID(c, "which")
}

func (h *lotteryHandlers) newFeedLink(c *fiber.Ctx) error {
	resourceID, err := feedResourceOf(c)
	if err != nil {
		return err
	}
	token, err := h.feeds.NewLink(c.UserContext(), principal(c), resourceID)
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: freshLinkCookie, Value: fmt.Sprintf("%d:%s", resourceID, token), Path: "/calendars",
		MaxAge: 300, HTTPOnly: true, SameSite: "Lax", Secure: h.cfg.SecureCookies,
	})
	h.flash(c, "Your new calendar link is ready. Any link it replaces has stopped working.")
	return redirect(c, "/calendars")
}

func (h *lotteryHandlers) revokeFeedLink(c *fiber.Ctx) error {
	resourceID, err := feedResourceOf(c)
	if err != nil {
		return err
	}
	if err := h.feeds.Revoke(c.UserContext(), principal(c), resourceID); err != nil {
		return err
	}
	h.flash(c, "The calendar link is turned off; calendar apps that follow it will stop updating.")
	return redirect(c, "/calendars")
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
	pages.Get(feedPath(":token"), s.newLotteryHandlers().feed)
}
