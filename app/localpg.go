package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/lib/pq"
)

// LocalPostgres is a private PostgreSQL cluster that Hearth starts from the
// machine's own PostgreSQL binaries when no DATABASE_URL is given: the
// embedded default a newcomer gets. It listens on 127.0.0.1 only, with a
// generated password kept in the data directory.
type LocalPostgres struct {
	Dir     string // the data directory given by HEARTH_DATA_DIR
	URL     string // connection string of the "hearth" database
	bin     string
	started bool // false when an earlier process's cluster was reused
	cred    *syscall.Credential
	log     *slog.Logger
}

// LocalOptions tune a private cluster. Tests turn durability off for speed.
type LocalOptions struct {
	Fast bool // fsync and synchronous commit off: for throwaway test clusters only
}

// StartLocalPostgres initialises the cluster under dir on first use, starts
// it (or reuses one already running there) and creates the "hearth" database.
func StartLocalPostgres(ctx context.Context, dir string, opts LocalOptions, log *slog.Logger) (*LocalPostgres, error) {
	bin, err := findPostgresBin()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("local postgres: %w", err)
	}
	lp := &LocalPostgres{Dir: abs, bin: bin, log: log}
	if err := lp.prepareUser(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("local postgres: %w", err)
	}
	if err := lp.checkReachable(); err != nil {
		return nil, err
	}
	data := filepath.Join(abs, "pgdata")
	password, err := lp.secret("password")
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := lp.initdb(data, password, opts); err != nil {
			return nil, err
		}
	}
	port, err := lp.port()
	if err != nil {
		return nil, err
	}
	if lp.run("pg_ctl", "-D", data, "status") == nil {
		log.Info("reusing running local PostgreSQL", "dir", data, "port", port)
	} else {
		log.Info("starting local PostgreSQL", "dir", data, "port", port)
		if err := lp.run("pg_ctl", "-D", data, "-l", filepath.Join(abs, "postgres.log"), "-w", "-t", "60",
			"-o", fmt.Sprintf("-p %d", port), "start"); err != nil {
			return nil, fmt.Errorf("local postgres: unable to start (see %s): %w", filepath.Join(abs, "postgres.log"), err)
		}
		lp.started = true
	}
	base := fmt.Sprintf("postgres://postgres:%s@127.0.0.1:%d/", password, port)
	if err := createDatabase(ctx, base+"postgres?sslmode=disable", "hearth"); err != nil {
		lp.Stop()
		return nil, err
	}
	lp.URL = base + "hearth?sslmode=disable"
	return lp, nil
}

// Stop shuts the cluster down if this process started it.
func (lp *LocalPostgres) Stop() {
	if !lp.started {
		return
	}
	if err := lp.run("pg_ctl", "-D", filepath.Join(lp.Dir, "pgdata"), "-m", "fast", "-w", "stop"); err != nil {
		lp.log.Error("local postgres: unable to stop", "err", err)
		return
	}
	lp.log.Info("local PostgreSQL stopped")
}

// findPostgresBin looks on PATH first, then in Debian's versioned directories.
func findPostgresBin() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
		// Debian puts only wrappers on PATH; initdb lives beside the real pg_ctl.
		if real, err := filepath.EvalSymlinks(p); err == nil {
			if _, err := os.Stat(filepath.Join(filepath.Dir(real), "initdb")); err == nil {
				return filepath.Dir(real), nil
			}
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("no PostgreSQL server binaries found (looked for pg_ctl and initdb on PATH and in /usr/lib/postgresql/*/bin). " +
		"Install them (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@15), " +
		"or set DATABASE_URL to use an existing server")
}

func pgVersion(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// prepareUser picks the account the cluster runs as: PostgreSQL refuses to
// run as root, so root hands the cluster to the "postgres" user (or "nobody").
func (lp *LocalPostgres) prepareUser() error {
	if os.Geteuid() != 0 {
		return nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		lp.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		return nil
	}
	return errors.New("local postgres: running as root, and neither a 'postgres' nor a 'nobody' user exists to run the cluster as")
}

// checkReachable makes sure the unprivileged user can reach the data
// directory: a directory below a private home (such as /root) cannot host the
// cluster, and saying so beats a cryptic "permission denied" from initdb.
func (lp *LocalPostgres) checkReachable() error {
	if lp.cred == nil {
		return nil
	}
	if err := os.Chown(lp.Dir, int(lp.cred.Uid), int(lp.cred.Gid)); err != nil {
		return fmt.Errorf("local postgres: %w", err)
	}
	cmd := exec.Command("/bin/sh", "-c", `test -w "$1" && test -x "$1"`, "sh", lp.Dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: lp.cred}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("local postgres: the cluster runs as an unprivileged user (uid %d), which cannot reach %s; "+
			"set HEARTH_DATA_DIR to a directory it can reach (for example /var/tmp/hearth), or set DATABASE_URL", lp.cred.Uid, lp.Dir)
	}
	return nil
}

func (lp *LocalPostgres) initdb(data, password string, opts LocalOptions) error {
	lp.log.Info("initialising local PostgreSQL", "dir", data)
	pwfile := filepath.Join(lp.Dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o600); err != nil {
		return fmt.Errorf("local postgres: %w", err)
	}
	defer os.Remove(pwfile)
	if err := os.MkdirAll(data, 0o700); err != nil {
		return fmt.Errorf("local postgres: %w", err)
	}
	if err := lp.chown(lp.Dir, data, pwfile); err != nil {
		return err
	}
	if err := lp.run("initdb", "-D", data, "-U", "postgres", "--pwfile", pwfile,
		"--auth=scram-sha-256", "-E", "UTF8", "--locale=C"); err != nil {
		return fmt.Errorf("local postgres: initdb failed: %w", err)
	}
	conf := "\n# Hearth's private cluster\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nmax_connections = 200\n"
	if opts.Fast {
		conf += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
	}
	f, err := os.OpenFile(filepath.Join(data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("local postgres: %w", err)
	}
	defer f.Close()
	_, err = f.WriteString(conf)
	return err
}

// secret returns the cluster's password, creating it on first use.
func (lp *LocalPostgres) secret(name string) (string, error) {
	path := filepath.Join(lp.Dir, name)
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	buf := make([]byte, 16)
	rand.Read(buf)
	s := hex.EncodeToString(buf)
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("local postgres: %w", err)
	}
	return s, nil
}

// port returns the cluster's port: the one used before if it is still free,
// otherwise a new free one, remembered for next time.
func (lp *LocalPostgres) port() (int, error) {
	path := filepath.Join(lp.Dir, "port")
	if b, err := os.ReadFile(path); err == nil {
		if p, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			if lp.run("pg_ctl", "-D", filepath.Join(lp.Dir, "pgdata"), "status") == nil || portFree(p) {
				return p, nil
			}
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("local postgres: no free port: %w", err)
	}
	p := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return p, os.WriteFile(path, []byte(strconv.Itoa(p)+"\n"), 0o644)
}

func portFree(p int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

func (lp *LocalPostgres) chown(paths ...string) error {
	if lp.cred == nil {
		return nil
	}
	for _, p := range paths {
		if err := os.Chown(p, int(lp.cred.Uid), int(lp.cred.Gid)); err != nil {
			return fmt.Errorf("local postgres: %w", err)
		}
	}
	return nil
}

func (lp *LocalPostgres) run(name string, args ...string) error {
	cmd := exec.Command(filepath.Join(lp.bin, name), args...)
	cmd.Dir = lp.Dir
	if lp.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: lp.cred}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// createDatabase creates the named database unless it exists.
func createDatabase(ctx context.Context, adminURL, name string) error {
	db, err := OpenDB(ctx, adminURL)
	if err != nil {
		return err
	}
	defer db.Close()
	var exists bool
	if err := db.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name); err != nil {
		return fmt.Errorf("local postgres: %w", err)
	}
	if exists {
		return nil
	}
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		return fmt.Errorf("local postgres: unable to create database %s: %w", name, err)
	}
	return nil
}
