package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/housing/feeds"
)

// Calendar feed links are a member's own: each member makes, replaces and
// revokes theirs, for their bookings and for each space they may follow.

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

func (h *lotteryHandlers) apiFeeds(c *fiber.Ctx) error {
	o, err := h.feeds.Overview(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	resources := make([]feedResourceJSON, len(o.Resources))
	for i, r := range o.Resources {
		resources[i] = feedResourceJSON{ResourceID: r.ResourceID, ResourceName: r.ResourceName, SiteID: r.SiteID,
			SiteName: r.SiteName, Link: newFeedLinkJSON(r.Link)}
	}
	return c.JSON(fiber.Map{"mine": newFeedLinkJSON(o.Own), "resources": resources})
}

// feedResource reads the optional :resource_id; 0 means the member's own
// bookings.
func feedResource(c *fiber.Ctx) (int64, error) {
	if c.Params("resource_id") == "" {
		return 0, nil
	}
	return paramID(c, "resource_id")
}

func (h *lotteryHandlers) apiNewFeedLink(c *fiber.Ctx) error {
	resourceID, err := feedResource(c)
	if err != nil {
		return err
	}
	token, err := h.feeds.NewLink(c.UserContext(), principal(c), resourceID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(h.feedLink(token))
}

func (h *lotteryHandlers) apiRevokeFeedLink(c *fiber.Ctx) error {
	resourceID, err := feedResource(c)
	if err != nil {
		return err
	}
	if err := h.feeds.Revoke(c.UserContext(), principal(c), resourceID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
