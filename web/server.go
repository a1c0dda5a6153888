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
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/gofiber/template/html/v2"
	"github.com/valyala/fasthttp"

	"hearth"
	"hearth/app"
)

//go:embed templates
var templatesFS embed.FS

//go:embed static
var staticFS embed.FS

// headerLimit bounds a request's line and headers, in bytes: more is
// refused with 431 by limitHeaders, which knows the route and answers in
// its shape. The server reads up to readBufferSize, so that requests up to
// the limit and a good deal beyond reach the routes; past that the server
// itself refuses them before anything is known of the request.
const (
	headerLimit    = 8 << 10
	readBufferSize = 32 << 10
)

// Server is Hearth's HTTP server: one Fiber app serving pages and the API.
type Server struct {
	App      *fiber.App
	cfg      app.Config
	svc      *hearth.Services
	log      *slog.Logger
	accounts *app.Accounts
	kv       *app.KVStore
	proxies  proxies
}

// New builds the server on the services and registers every route.
func New(cfg app.Config, svc *hearth.Services, log *slog.Logger) *Server {
	s := &Server{
		cfg:      cfg,
		svc:      svc,
		log:      log,
		accounts: svc.Accounts,
		kv:       &app.KVStore{DB: svc.DB},
		proxies:  newProxies(cfg.TrustedProxies),
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
		ReadBufferSize:        readBufferSize,
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		// Forwarded headers (X-Forwarded-Proto) count only from the
		// configured reverse proxies; with none, from no one.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies,
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
	a.Use(limitHeaders)
	a.Use(refuseBadText)
	a.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
		ReferrerPolicy:        "same-origin",
	}))
	if s.cfg.HTTPS() {
		a.Use(strictTransportSecurity)
	}

	a.Get("/healthz", s.healthz)
	a.Get("/readyz", s.readyz)
	a.Use("/static", filesystem.New(filesystem.Config{
		Root: http.FS(staticFS), PathPrefix: "static", MaxAge: 3600,
		Next: func(c *fiber.Ctx) bool { return strings.TrimSuffix(c.Path(), "/") == "/static" }, // no listing
	}), func(c *fiber.Ctx) error {
		return app.NotFound("There is no file at %s.", c.Path())
	})

	signIn := s.signInLimits()

	// The JSON API authenticates with bearer tokens only, so it needs no CSRF
	// protection: a browser never attaches a bearer token on its own.
	api := a.Group("/api/v1", noStore, s.authenticateBearer)
	api.Get("/openapi.json", s.openAPIDocument)
	api.Post("/auth/token", append(signIn, s.apiIssueToken)...)

	// Calendar feeds are fetched by calendar apps at secret URLs: no session,
	// and no CSRF cookie or token written on every poll.
	s.mountPublicPages(a)

	// Pages sign in with a session cookie and carry a CSRF token. Their
	// middleware sits at the root, so it steps aside for the API, whose
	// operations share their handlers with the pages.
	pages := a.Group("", pagesOnly(noStore), pagesOnly(s.authenticateSession), pagesOnly(s.forgetForeignCSRF), csrf.New(csrf.Config{
		Next:              isAPI,
		Storage:           s.kv,
		CookieName:        csrfCookie,
		CookieSameSite:    "Lax",
		CookieSecure:      s.cfg.SecureCookies,
		CookieHTTPOnly:    true,
		Expiration:        csrfLifetime,
		ContextKey:        "csrf",
		HandlerContextKey: csrfHandlerKey,
		Extractor:         csrfFromFormOrHeader,
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			return app.Errorf(app.KindForbidden, "csrf_invalid", "This form has expired or did not come from Hearth. Please go back, reload the page and try again.")
		},
	}), pagesOnly(s.bindCSRF))
	pages.Get("/api/docs", s.apiDocsPage)
	pages.Get("/signin", s.signInPage)
	pages.Post("/signin", append(signIn, s.signIn)...)

	// Everything after this needs a signed-in member; what each may do, the
	// domain decides.
	a.Use(requireSignIn)
	api.Delete("/auth/token", s.apiRevokeToken)
	api.Get("/me", s.apiMe)
	pages.Post("/signout", s.signOut)
	pages.Get("/", s.homePage)
	s.mountAccountAPI(api, signIn)
	s.mountAccountPages(pages, signIn)
	s.mountMembers(api, pages)
	s.mountHousing(api, pages)
	s.mountBooking(api, pages)
	s.mountLottery(api, pages)
	s.mountLedger(api, pages)
	s.mountEquity(api, pages)
	s.mountMembership(api, pages)
	api.Use(func(c *fiber.Ctx) error {
		return app.NotFound("There is no API route %s %s.", c.Method(), c.Path())
	})
	a.Use(func(c *fiber.Ctx) error {
		return app.NotFound("There is no page at %s.", c.Path())
	})
}

// pagesOnly runs a page middleware for pages and steps aside for the API.
func pagesOnly(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if isAPI(c) {
			return c.Next()
		}
		return h(c)
	}
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

// Sweep removes dead sessions, tokens and middleware state until ctx ends.
func (s *Server) Sweep(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for _, sweep := range []func(context.Context) error{s.kv.Sweep, s.accounts.Sweep} {
				if err := sweep(ctx); err != nil && ctx.Err() == nil {
					s.log.Error("sweep failed", "err", err)
				}
			}
		}
	}
}

func (s *Server) healthz(c *fiber.Ctx) error { return c.SendString("ok") }

func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.svc.DB.PingContext(ctx); err != nil {
		return app.Errorf(app.KindUnavailable, "database_unavailable", "The database does not answer.")
	}
	return c.SendString("ready")
}

// isAPI reports whether a request is for the JSON API rather than a page.
func isAPI(c *fiber.Ctx) bool {
	return strings.HasPrefix(c.Path(), "/api/v1")
}
