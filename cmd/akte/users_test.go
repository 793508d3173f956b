package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// akte users: add, list, role, passwd, disable; tokens printed once and
// kept only as a hash; exit codes of main.go.
func TestUsersCommand(t *testing.T) {
	c, dir := newCLI(t)
	pwFile := writeTemp(t, "pw", []byte("ein-sehr-langes-passwort\n"))
	if r := c.run("users", "add", "erika", "--role", "clerk", "--password-file", pwFile); r.code != 0 || !strings.Contains(r.stdout, "added user erika (clerk)") {
		t.Fatalf("users add: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	// From standard input (no terminal).
	c.stdin = "noch-ein-langes-passwort\n"
	if r := c.run("users", "add", "otto", "--role", "records-officer"); r.code != 0 {
		t.Fatalf("users add from stdin: exit %d: %s", r.code, r.stderr)
	}
	c.stdin = ""
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"users", "add", "erika", "--role", "clerk", "--password-file", pwFile}, exitConflict, "already exists"},
		{[]string{"users", "add", "kurt", "--role", "mayor", "--password-file", pwFile}, exitRefused, "role \"mayor\""},
		{[]string{"users", "add", "kurt", "--role", "clerk", "--password-file", writeTemp(t, "short", []byte("kurz\n"))}, exitRefused, "at least 12"},
		{[]string{"users", "add", "kurt", "--role", "clerk"}, exitRefused, "standard input is empty"},
		{[]string{"users", "add", "kurt"}, exitUsage, "needs --role"},
		{[]string{"users", "add", "../x", "--role", "clerk", "--password-file", pwFile}, exitRefused, "user name"},
		{[]string{"users", "role", "nobody", "clerk"}, exitNotFound, "not found"},
		{[]string{"users", "passwd", "nobody", "--password-file", pwFile}, exitNotFound, "not found"},
		{[]string{"users", "frobnicate"}, exitUsage, "unknown users command"},
		{[]string{"users", "token", "add", "portal", "--role", "intake", "--expires", "bald"}, exitUsage, "--expires"},
		{[]string{"users", "token", "revoke", "0000"}, exitNotFound, "not found"},
	} {
		if r := c.run(tc.args...); r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%v: exit %d, want %d with %q: %s", tc.args, r.code, tc.code, tc.msg, r.stderr)
		}
	}
	if r := c.run("users", "role", "erika", "records-officer"); r.code != 0 {
		t.Fatalf("users role: exit %d: %s", r.code, r.stderr)
	}
	if r := c.run("users", "passwd", "erika", "--password-file", writeTemp(t, "pw2", []byte("ganz-neues-passwort"))); r.code != 0 {
		t.Fatalf("users passwd: exit %d: %s", r.code, r.stderr)
	}
	if r := c.run("users", "disable", "otto"); r.code != 0 {
		t.Fatalf("users disable: exit %d: %s", r.code, r.stderr)
	}
	r := c.run("users", "list", "--json")
	var list struct {
		Users []struct {
			Name, Role string
			Disabled   bool
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list.Users) != 2 ||
		list.Users[0].Name != "erika" || list.Users[0].Role != "records-officer" || list.Users[0].Disabled || !list.Users[1].Disabled {
		t.Fatalf("users list --json: %v %s", err, r.stdout)
	}
	if r := c.run("users", "list"); !strings.Contains(r.stdout, "otto") || !strings.Contains(r.stdout, "disabled") || strings.Contains(r.stdout, "argon2") {
		t.Fatalf("users list: %s", r.stdout)
	}

	r = c.run("users", "token", "add", "portal", "--role", "intake", "--expires", "P90D")
	tok := strings.TrimSpace(r.stdout)
	if r.code != 0 || !regexp.MustCompile(`^akte_[A-Za-z0-9_-]{43}$`).MatchString(tok) || !strings.Contains(r.stderr, "shown only this once") {
		t.Fatalf("token add: exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "auth.db"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(tok[5:])) || bytes.Contains(raw, []byte("ein-sehr-langes-passwort")) {
		t.Fatal("auth.db holds a token or a password in plain text")
	}
	r = c.run("users", "token", "list", "--json")
	var toks struct {
		Tokens []struct{ ID, Name, Role, Expires string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &toks); err != nil || len(toks.Tokens) != 1 || toks.Tokens[0].Name != "portal" || toks.Tokens[0].Expires == "" {
		t.Fatalf("token list: %v %s", err, r.stdout)
	}
	if strings.Contains(r.stdout, tok) {
		t.Fatal("token list shows the token")
	}
	if r := c.run("users", "token", "revoke", toks.Tokens[0].ID); r.code != 0 {
		t.Fatalf("token revoke: exit %d: %s", r.code, r.stderr)
	}
	if r := c.run("users", "token", "list"); !strings.Contains(r.stdout, "revoked") {
		t.Fatalf("token list after revoke: %s", r.stdout)
	}
	if r := c.run("users", "--help"); r.code != 0 || !strings.Contains(r.stdout, "token") || !strings.Contains(r.stdout, "passwd") {
		t.Fatalf("users --help: exit %d: %s", r.code, r.stdout)
	}
	if r := c.run("users", "token", "add", "--help"); r.code != 0 || !strings.Contains(r.stderr, "--expires") {
		t.Fatalf("users token add --help: exit %d: %s", r.code, r.stderr)
	}
}
