package web

import (
	"errors"
	"fmt"
	"net/url"
	"runtime/debug"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
)

// statusOf is the one table from error kinds to HTTP status codes.
var statusOf = map[app.Kind]int{
	app.KindInvalid:         fiber.StatusBadRequest,
	app.KindUnauthorized:    fiber.StatusUnauthorized,
	app.KindForbidden:       fiber.StatusForbidden,
	app.KindNotFound:        fiber.StatusNotFound,
	app.KindConflict:        fiber.StatusConflict,
	app.KindUnprocessable:   fiber.StatusUnprocessableEntity,
	app.KindTooLarge:        fiber.StatusRequestEntityTooLarge,
	app.KindHeadersTooLarge: fiber.StatusRequestHeaderFieldsTooLarge,
	app.KindRateLimited:     fiber.StatusTooManyRequests,
	app.KindInternal:        fiber.StatusInternalServerError,
	app.KindUnavailable:     fiber.StatusServiceUnavailable,
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// handleError is Fiber's error handler: every error a handler returns ends
// here and becomes JSON for the API or a page for a browser. Internal errors
// are logged with the request id and never shown.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	e := s.toAppError(c, err)
	status := statusOf[e.Kind]
	if status == 0 {
		status = fiber.StatusInternalServerError
	}
	c.Status(status)
	// A request too large to read has no path to go by: it answers as the
	// API does, since browsers do not send such headers.
	if isAPI(c) || c.Get("Accept") == "application/json" || e == errHeadersTooLarge {
		return c.JSON(errorBody{errorDetail{Code: e.Code, Message: e.Message}})
	}
	if status == fiber.StatusUnauthorized {
		return c.Redirect("/signin?next="+url.QueryEscape(localPath(c.OriginalURL(), "/")), fiber.StatusSeeOther)
	}
	return s.renderStatus(c, status, "error", fiber.Map{"Title": "Something is not right", "Error": e, "Status": status})
}

// toAppError turns any error into an *app.Error, logging the ones that are ours.
func (s *Server) toAppError(c *fiber.Ctx, err error) *app.Error {
	if e, ok := app.AsError(err); ok {
		if e.Kind == app.KindInternal {
			s.logInternal(c, err)
		}
		return e
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch {
		case fe.Code == fiber.StatusNotFound:
			return app.NotFound("There is nothing at %s.", c.Path())
		case fe.Code == fiber.StatusRequestEntityTooLarge:
			return app.Errorf(app.KindTooLarge, "body_too_large", "The request is larger than %d bytes.", s.cfg.BodyLimit)
		case fe.Code == fiber.StatusRequestHeaderFieldsTooLarge:
			return errHeadersTooLarge
		case fe.Code == fiber.StatusMethodNotAllowed:
			return app.NotFound("%s is not supported at %s.", c.Method(), c.Path())
		case fe.Code == fiber.StatusRequestTimeout:
			return app.Invalid("request_timeout", "The request took too long to arrive.")
		case fe.Code >= 400 && fe.Code < 500:
			// The server could not read the request at all.
			return app.Invalid("bad_request", "The request could not be read.")
		}
	}
	if e := app.InputRefusal(err); e != nil {
		s.log.Warn("input refused by the database", "request_id", requestID(c), "method", c.Method(), "path", logPath(c), "err", err)
		return e
	}
	s.logInternal(c, err)
	return app.Errorf(app.KindInternal, "internal", "Something went wrong on our side. It has been logged; please try again later.")
}

func (s *Server) logInternal(c *fiber.Ctx, err error) {
	s.log.Error("internal error", "request_id", requestID(c), "method", c.Method(), "path", logPath(c), "err", err)
}

func (s *Server) logPanic(c *fiber.Ctx, v any) {
	s.log.Error("panic", "request_id", requestID(c), "method", c.Method(), "path", logPath(c),
		"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals("requestid").(string)
	return id
}
