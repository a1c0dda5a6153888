package app

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is Hearth's whole configuration, read from environment variables.
// The README's configuration table documents every field.
type Config struct {
	Addr          string        // HEARTH_ADDR
	DatabaseURL   string        // DATABASE_URL; empty means a private cluster under DataDir
	DataDir       string        // HEARTH_DATA_DIR
	Currency      string        // HEARTH_CURRENCY
	LogLevel      slog.Level    // HEARTH_LOG_LEVEL: debug, info, warn, error
	LogFormat     string        // HEARTH_LOG_FORMAT: text or json
	SecureCookies bool          // HEARTH_SECURE_COOKIES: set when served over HTTPS
	SessionTTL    time.Duration // HEARTH_SESSION_TTL
	TokenTTL      time.Duration // HEARTH_TOKEN_TTL
	BodyLimit     int           // HEARTH_BODY_LIMIT in bytes
	SignInLimit   int           // HEARTH_SIGNIN_LIMIT: sign-in attempts per minute per client
}

// ConfigFromEnv reads the configuration, applying defaults for what is unset.
func ConfigFromEnv() (Config, error) {
	c := Config{
		Addr:          env("HEARTH_ADDR", "127.0.0.1:8080"),
		DatabaseURL:   os.Getenv("DATABASE_URL"),
		DataDir:       env("HEARTH_DATA_DIR", "./.hearth"),
		Currency:      strings.ToUpper(env("HEARTH_CURRENCY", "USD")),
		LogFormat:     env("HEARTH_LOG_FORMAT", "text"),
		SecureCookies: env("HEARTH_SECURE_COOKIES", "false") == "true",
	}
	var err error
	if err = c.LogLevel.UnmarshalText([]byte(env("HEARTH_LOG_LEVEL", "info"))); err != nil {
		return c, fmt.Errorf("config: HEARTH_LOG_LEVEL: %w", err)
	}
	if c.SessionTTL, err = time.ParseDuration(env("HEARTH_SESSION_TTL", "720h")); err != nil {
		return c, fmt.Errorf("config: HEARTH_SESSION_TTL: %w", err)
	}
	if c.TokenTTL, err = time.ParseDuration(env("HEARTH_TOKEN_TTL", "720h")); err != nil {
		return c, fmt.Errorf("config: HEARTH_TOKEN_TTL: %w", err)
	}
	if c.BodyLimit, err = strconv.Atoi(env("HEARTH_BODY_LIMIT", "1048576")); err != nil || c.BodyLimit <= 0 {
		return c, fmt.Errorf("config: HEARTH_BODY_LIMIT must be a positive number of bytes")
	}
	if c.SignInLimit, err = strconv.Atoi(env("HEARTH_SIGNIN_LIMIT", "10")); err != nil || c.SignInLimit <= 0 {
		return c, fmt.Errorf("config: HEARTH_SIGNIN_LIMIT must be a positive number")
	}
	if len(c.Currency) != 3 {
		return c, fmt.Errorf("config: HEARTH_CURRENCY must be a three-letter ISO 4217 code")
	}
	return c, nil
}

// NewLogger returns the process logger described by the configuration.
func (c Config) NewLogger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}
