package app

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Config is Hearth's whole configuration, read from environment variables.
// The README's configuration table documents every field.
type Config struct {
	Addr               string         // HEARTH_ADDR
	PublicURL          string         // HEARTH_PUBLIC_URL: scheme and host members reach Hearth at, without a trailing slash
	DatabaseURL        string         // DATABASE_URL; empty means a private cluster under DataDir
	DataDir            string         // HEARTH_DATA_DIR
	Currency           string         // HEARTH_CURRENCY
	Zone               *time.Location // HEARTH_TIMEZONE: where the cooperative's books count their days
	LogLevel           slog.Level     // HEARTH_LOG_LEVEL: debug, info, warn, error
	LogFormat          string         // HEARTH_LOG_FORMAT: text or json
	SecureCookies      bool           // HEARTH_SECURE_COOKIES: default true when PublicURL is https
	TrustedProxies     []string       // HEARTH_TRUSTED_PROXIES: addresses or CIDR ranges of reverse proxies
	SessionTTL         time.Duration  // HEARTH_SESSION_TTL: the longest a browser session lasts
	SessionIdle        time.Duration  // HEARTH_SESSION_IDLE: a session unused this long ends
	TokenTTL           time.Duration  // HEARTH_TOKEN_TTL
	BodyLimit          int            // HEARTH_BODY_LIMIT in bytes
	SignInLimit        int            // HEARTH_SIGNIN_LIMIT: sign-in attempts per minute per client address
	SignInAccountLimit int            // HEARTH_SIGNIN_ACCOUNT_LIMIT: failed sign-ins per 15 minutes per account
	HashConcurrency    int            // HEARTH_HASH_CONCURRENCY: password hashes computed at once
}

// HTTPS reports whether members reach Hearth over HTTPS.
func (c Config) HTTPS() bool { return strings.HasPrefix(c.PublicURL, "https://") }

// ConfigFromEnv reads the configuration, applying defaults for what is unset.
func ConfigFromEnv() (Config, error) {
	c := Config{
		Addr:        env("HEARTH_ADDR", "127.0.0.1:8080"),
		DatabaseURL: os.Getenv("DATABASE_URL"),
		DataDir:     env("HEARTH_DATA_DIR", "./.hearth"),
		Currency:    strings.ToUpper(env("HEARTH_CURRENCY", "USD")),
		LogFormat:   env("HEARTH_LOG_FORMAT", "text"),
	}
	var err error
	if c.Zone, err = time.LoadLocation(env("HEARTH_TIMEZONE", "UTC")); err != nil {
		return c, fmt.Errorf("config: HEARTH_TIMEZONE must be an IANA time zone such as America/Los_Angeles: %w", err)
	}
	if c.PublicURL, err = publicURL(env("HEARTH_PUBLIC_URL", "http://"+c.Addr)); err != nil {
		return c, err
	}
	c.SecureCookies = env("HEARTH_SECURE_COOKIES", strconv.FormatBool(c.HTTPS())) == "true"
	if c.TrustedProxies, err = trustedProxies(os.Getenv("HEARTH_TRUSTED_PROXIES")); err != nil {
		return c, err
	}
	if c.SessionIdle, err = time.ParseDuration(env("HEARTH_SESSION_IDLE", "24h")); err != nil || c.SessionIdle <= 0 {
		return c, fmt.Errorf("config: HEARTH_SESSION_IDLE must be a positive duration such as 24h")
	}
	if c.SignInAccountLimit, err = strconv.Atoi(env("HEARTH_SIGNIN_ACCOUNT_LIMIT", "10")); err != nil || c.SignInAccountLimit <= 0 {
		return c, fmt.Errorf("config: HEARTH_SIGNIN_ACCOUNT_LIMIT must be a positive number")
	}
	if c.HashConcurrency, err = strconv.Atoi(env("HEARTH_HASH_CONCURRENCY", strconv.Itoa(runtime.NumCPU()))); err != nil || c.HashConcurrency <= 0 {
		return c, fmt.Errorf("config: HEARTH_HASH_CONCURRENCY must be a positive number")
	}
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

// publicURL checks HEARTH_PUBLIC_URL: links that leave Hearth (calendar
// feeds, later emails) are built on it, never on a request's Host header.
func publicURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("config: HEARTH_PUBLIC_URL must be a scheme and host such as https://hearth.example.org")
	}
	return u.Scheme + "://" + u.Host, nil
}

// trustedProxies reads a comma-separated list of addresses and CIDR ranges.
func trustedProxies(v string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return nil, fmt.Errorf("config: HEARTH_TRUSTED_PROXIES: %q is neither an address nor a CIDR range", p)
		}
		out = append(out, p)
	}
	return out, nil
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
