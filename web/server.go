// Package web translates HTTP into calls on Hearth's domain packages and back:
// server-rendered pages for people, a JSON API for programs. It holds no
// business rule.
package web

import (
	"context"
	"embed"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/gofiber/template/html/v2"
	"github.com/jmoiron/sqlx"
	"github.com/valyala/fasthttp"

	"hearth/app"
)

//go:embed templates
var templatesFS embed.FS

//go:embed static
var staticFS embed.FS

// Server is Hearth's HTTP server: one Fiber app serving pages and the API.
type Server struct {
	App      *fiber.App
	cfg      app.Config
	db       *sqlx.DB
	log      *slog.Logger
	accounts *app.Accounts
	kv       *app.KVStore
}

// New builds the server and registers every route.
func New(cfg app.Config, db *sqlx.DB, log *slog.Logger) *Server {
	s := &Server{
		cfg:      cfg,
		db:       db,
		log:      log,
		accounts: &app.Accounts{DB: db, SessionTTL: cfg.SessionTTL, TokenTTL: cfg.TokenTTL},
		kv:       &app.KVStore{DB: db},
	}
	if err := s.accounts.Prepare(context.Background()); err != nil {
		log.Warn("authentication queries not prepared; running them unprepared", "err", err)
	}
	engine := html.NewFileSystem(http.FS(templatesFS), ".html")
	engine.AddFuncMap(templateFuncs)
	s.App = fiber.New(fiber.Config{
		AppName:               "Hearth",
		Views:                 engine,
		ViewsLayout:           "templates/layouts/base",
		BodyLimit:             cfg.BodyLimit,
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
	})
	s.routes()
	s.prepareRender()
	return s
}

// prepareRender has Fiber build, before any request, the list of apps whose
// views a page may be rendered with: Fiber builds it on the first Render
// without a lock, so the first pages of a new server rendered at the same
// moment raced on it. The render itself fails (there is no such template),
// after the list is built.
func (s *Server) prepareRender() {
	c := s.App.AcquireCtx(&fasthttp.RequestCtx{})
	defer s.App.ReleaseCtx(c)
	_ = c.Render("templates/none", nil)
}

// routes registers every route. Public routes come first; everything after
// the requireSignIn middleware needs a signed-in member, and each handler
// then asks the Principal for the specific permission it needs.
func (s *Server) routes() {
	a := s.App
	a.Use(requestid.New())
	a.Use(s.logRequests)
	a.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic}))
	a.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
		ReferrerPolicy:        "same-origin",
	}))

	a.Get("/healthz", s.healthz)
	a.Get("/readyz", s.readyz)
	a.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(staticFS), PathPrefix: "static", MaxAge: 3600}))

	signInLimit := limiter.New(limiter.Config{
		Max:          s.cfg.SignInLimit,
		Expiration:   time.Minute,
		Storage:      s.kv,
		KeyGenerator: func(c *fiber.Ctx) string { return "signin:" + c.IP() },
		LimitReached: func(c *fiber.Ctx) error {
			return app.Errorf(app.KindRateLimited, "too_many_requests", "Too many sign-in attempts. Please wait a minute and try again.")
		},
	})

	// The JSON API authenticates with bearer tokens only, so it needs no CSRF
	// protection: a browser never attaches a bearer token on its own.
	api := a.Group("/api/v1", s.authenticateBearer)
	api.Get("/openapi.json", s.openAPIDocument)
	api.Post("/auth/token", signInLimit, s.apiIssueToken)
	api.Use(requireSignIn)
	api.Delete("/auth/token", s.apiRevokeToken)
	api.Get("/me", s.apiMe)
	api.Get("/members", s.apiMembers)
	api.Post("/members", s.apiCreateMember)
	s.mountHousingAPI(api)
	s.mountBookingAPI(api)
	s.mountLotteryAPI(api)
	s.mountLedgerAPI(api)
	s.mountEquityAPI(api)
	s.mountMovesAPI(api)
	api.Use(func(c *fiber.Ctx) error {
		return app.NotFound("There is no API route %s %s.", c.Method(), c.Path())
	})

	// Calendar feeds are fetched by calendar apps at secret URLs: no session,
	// and no CSRF cookie or token written on every poll.
	s.mountPublicPages(a)

	pages := a.Group("", s.authenticateSession, csrf.New(csrf.Config{
		Storage:        s.kv,
		CookieName:     "hearth_csrf",
		CookieSameSite: "Lax",
		CookieSecure:   s.cfg.SecureCookies,
		CookieHTTPOnly: true,
		Expiration:     12 * time.Hour,
		ContextKey:     "csrf",
		Extractor:      csrfFromFormOrHeader,
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			return app.Errorf(app.KindForbidden, "csrf_invalid", "This form has expired or did not come from Hearth. Please go back, reload the page and try again.")
		},
	}))
	pages.Get("/api/docs", s.apiDocsPage)
	pages.Get("/signin", s.signInPage)
	pages.Post("/signin", signInLimit, s.signIn)
	pages.Use(requireSignIn)
	pages.Post("/signout", s.signOut)
	pages.Get("/", s.homePage)
	pages.Get("/members", s.membersPage)
	pages.Post("/members", s.addMember)
	s.mountHousingPages(pages)
	s.mountBookingPages(pages)
	s.mountLotteryPages(pages)
	s.mountLedgerPages(pages)
	s.mountEquityPages(pages)
	s.mountMovesPages(pages)
	pages.Use(func(c *fiber.Ctx) error {
		return app.NotFound("There is no page at %s.", c.Path())
	})
}

func csrfFromFormOrHeader(c *fiber.Ctx) (string, error) {
	if t := c.Get("X-CSRF-Token"); t != "" {
		return t, nil
	}
	if t := c.FormValue("_csrf"); t != "" {
		return t, nil
	}
	return "", csrf.ErrTokenNotFound
}

// Shutdown drains requests for up to the timeout.
func (s *Server) Shutdown(timeout time.Duration) error {
	return s.App.ShutdownWithTimeout(timeout)
}

// Sweep removes expired sessions and middleware state until ctx ends.
func (s *Server) Sweep(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.kv.Sweep(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("sweep failed", "err", err)
			}
		}
	}
}

func (s *Server) healthz(c *fiber.Ctx) error { return c.SendString("ok") }

func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.db.PingContext(ctx); err != nil {
		return app.Errorf(app.KindUnavailable, "database_unavailable", "The database does not answer.")
	}
	return c.SendString("ready")
}

// isAPI reports whether a request is for the JSON API rather than a page.
func isAPI(c *fiber.Ctx) bool {
	return strings.HasPrefix(c.Path(), "/api/v1")
}
