package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"akte/retention"
	"akte/web/auth"
)

func cmdUsers(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, g, "users", []command{
		{"add", "add a user who logs in with a password", cmdUsersAdd},
		{"passwd", "set a user's password (their sessions end)", cmdUsersPasswd},
		{"role", "change a user's role", cmdUsersRole},
		{"disable", "refuse a user from now on (their sessions end)", cmdUsersDisable},
		{"list", "list users", cmdUsersList},
		{"token", "API tokens for scripts: add, list, revoke", cmdUsersToken},
	}, args, stdout, stderr)
}

const rolesHelp = `Roles: clerk (search, read active records, counter intake), intake (ingest
only), records-officer (retention, events, holds, disposal, restricted
records), auditor (verification, audit log), admin (users and tokens).`

const passwordHelp = `The password (at least 12 characters) is read from --password-file (its
first line), else asked for on the terminal without echo (twice), else read
as the first line of standard input.`

// withAuth runs f on the auth database of the data directory. It fails
// (exit 1) while akte serve holds it: stop the server, or use the admin API.
func withAuth(g *globals, f func(*auth.Store) error) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	st, err := openAuth(cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	return f(st)
}

type usersAddOptions struct {
	role, passwordFile string
}

func cmdUsersAdd(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var o usersAddOptions
	fs := newFlagSet(g, "users add", "users add NAME --role ROLE [--password-file FILE]\n\n"+rolesHelp+"\n\n"+passwordHelp, stderr)
	fs.StringVar(&o.role, "role", "", "the user's `ROLE` (required)")
	fs.StringVar(&o.passwordFile, "password-file", "", "read the password from the first line of `FILE`")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || o.role == "" {
		return usageError{"users add takes one NAME and needs --role ROLE"}
	}
	return withAuth(g, func(st *auth.Store) error {
		pw, err := readPassword(g, o.passwordFile, stderr)
		if err != nil {
			return err
		}
		if err := st.AddUser(ctx, pos[0], auth.Role(o.role), pw); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added user %s (%s)\n", pos[0], o.role)
		return nil
	})
}

func cmdUsersPasswd(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var file string
	fs := newFlagSet(g, "users passwd", "users passwd NAME [--password-file FILE]\n\n"+passwordHelp, stderr)
	fs.StringVar(&file, "password-file", "", "read the password from the first line of `FILE`")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"users passwd takes one NAME"}
	}
	return withAuth(g, func(st *auth.Store) error {
		pw, err := readPassword(g, file, stderr)
		if err != nil {
			return err
		}
		if err := st.SetPassword(ctx, pos[0], pw); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed; their sessions ended\n", pos[0])
		return nil
	})
}

func cmdUsersRole(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(g, "users role", "users role NAME ROLE\n\n"+rolesHelp, stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError{"users role takes NAME and ROLE"}
	}
	return withAuth(g, func(st *auth.Store) error {
		if err := st.SetRole(ctx, pos[0], auth.Role(pos[1])); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is now %s\n", pos[0], pos[1])
		return nil
	})
}

func cmdUsersDisable(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(g, "users disable", "users disable NAME\n\nThe user stays listed (the audit log names them) but cannot log in; their\nsessions end at once.", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"users disable takes one NAME"}
	}
	return withAuth(g, func(st *auth.Store) error {
		if err := st.DisableUser(ctx, pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "disabled %s\n", pos[0])
		return nil
	})
}

func cmdUsersList(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(g, "users list", "users list [--json]", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError{"users list takes no arguments"}
	}
	return withAuth(g, func(st *auth.Store) error {
		users, err := st.ListUsers(ctx)
		if err != nil {
			return err
		}
		if g.json {
			return writeJSON(stdout, struct {
				Users []auth.User `json:"users"`
			}{users})
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tSTATE\tCREATED\tPASSWORD CHANGED")
		for _, u := range users {
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, state, u.Created.Format(time.DateOnly), u.PasswordChanged.Format(time.DateOnly))
		}
		tw.Flush()
		fmt.Fprintf(stdout, "%d users\n", len(users))
		return nil
	})
}

func cmdUsersToken(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, g, "users token", []command{
		{"add", "make an API token (printed once)", cmdTokenAdd},
		{"list", "list API tokens", cmdTokenList},
		{"revoke", "stop an API token at once", cmdTokenRevoke},
	}, args, stdout, stderr)
}

type tokenAddOptions struct {
	role, expires string
}

func cmdTokenAdd(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var o tokenAddOptions
	fs := newFlagSet(g, "users token add", `users token add NAME --role ROLE [--expires P90D|YYYY-MM-DD]

NAME says whose token it is (the portal, the scan backlog job); the audit
log names it as token:NAME. The token ("akte_…") is printed once on
standard output and only its SHA-256 is kept: store it now. Scripts send it
as "Authorization: Bearer akte_…".

`+rolesHelp, stderr)
	fs.StringVar(&o.role, "role", "", "the token's `ROLE` (required)")
	fs.StringVar(&o.expires, "expires", "", "when it stops working: an ISO 8601 period from now (`P90D`, P1Y) or a date (00:00 UTC); default never")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || o.role == "" {
		return usageError{"users token add takes one NAME and needs --role ROLE"}
	}
	expires, err := parseExpiry(o.expires, time.Now())
	if err != nil {
		return err
	}
	return withAuth(g, func(st *auth.Store) error {
		tok, secret, err := st.NewToken(ctx, pos[0], auth.Role(o.role), expires)
		if err != nil {
			return err
		}
		if g.json {
			return writeJSON(stdout, struct {
				auth.Token
				Secret string `json:"token"`
			}{tok, secret})
		}
		fmt.Fprintln(stdout, secret)
		until := "never expires"
		if !tok.Expires.IsZero() {
			until = "expires " + tok.Expires.Format(time.RFC3339)
		}
		fmt.Fprintf(stderr, "akte: token %s for %s (%s), %s; it is shown only this once\n", tok.ID, tok.Name, tok.Role, until)
		return nil
	})
}

// parseExpiry reads --expires: "" (never), an ISO 8601 period from now, or
// a date.
func parseExpiry(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if p, err := retention.ParsePeriod(s); err == nil && p != (retention.Period{}) {
		return p.AddTo(now), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, usageError{fmt.Sprintf("--expires %q: want a period such as P90D or a date YYYY-MM-DD", s)}
}

func cmdTokenList(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(g, "users token list", "users token list [--json]", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError{"users token list takes no arguments"}
	}
	return withAuth(g, func(st *auth.Store) error {
		toks, err := st.ListTokens(ctx)
		if err != nil {
			return err
		}
		if g.json {
			return writeJSON(stdout, struct {
				Tokens []auth.Token `json:"tokens"`
			}{toks})
		}
		now := time.Now()
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tROLE\tSTATE\tCREATED\tEXPIRES")
		for _, t := range toks {
			state, expires := "active", "never"
			if !t.Expires.IsZero() {
				expires = t.Expires.Format(time.RFC3339)
				if !now.Before(t.Expires) {
					state = "expired"
				}
			}
			if !t.Revoked.IsZero() {
				state = "revoked"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, state, t.Created.Format(time.RFC3339), expires)
		}
		tw.Flush()
		fmt.Fprintf(stdout, "%d tokens\n", len(toks))
		return nil
	})
}

func cmdTokenRevoke(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(g, "users token revoke", "users token revoke ID\n\nID is the token's ID from 'akte users token list'.", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"users token revoke takes one ID"}
	}
	return withAuth(g, func(st *auth.Store) error {
		if err := st.RevokeToken(ctx, pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked token %s\n", pos[0])
		return nil
	})
}

// readPassword reads a new password: from file (its first line), else from
// the terminal without echo (asked twice), else the first line of
// standard input.
func readPassword(g *globals, file string, stderr io.Writer) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimSuffix(line, "\r"), nil
	}
	in := g.input()
	if f, ok := in.(*os.File); ok && isTerminal(f) {
		fmt.Fprint(stderr, "Password: ")
		pw, err := readNoEcho(f)
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(stderr, "Repeat: ")
		again, err := readNoEcho(f)
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if pw != again {
			return "", fmt.Errorf("read password: %w: the two entries differ", auth.ErrInvalid)
		}
		return pw, nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	if line == "" {
		return "", fmt.Errorf("read password: %w: standard input is empty (use --password-file or a terminal)", auth.ErrInvalid)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
