package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"akte/archive"
	"akte/archive/audit"
	"akte/web/auth"
)

// readActions are the audit actions of reads of record data or content.
var readActions = []string{"read", "read-original", archive.ActionReadRecord}

// TestEveryReadAuditedOnce: every route that serves a record's data or
// its document, called many times by every role on active, restricted,
// unknown and malformed IDs. The rule: a read the server answers 2xx
// wrote exactly one audit entry (who, role, record, purpose); a refused or
// failed read (401, 403, 404, 400…) wrote none. Each request carries a
// unique purpose, so the entries are matched to the requests one to one.
func TestEveryReadAuditedOnce(t *testing.T) {
	f := newMatrixFixture(t)
	routes := []struct{ path, action string }{
		{"/api/v1/records/{id}", archive.ActionReadRecord},
		{"/api/v1/records/{id}/document", "read"},
		{"/api/v1/records/{id}/document?original=true", "read-original"},
		{"/api/v1/records/{id}/document?verify_seal=true", "read"},
		{"/api/v1/records/{id}/seal", "read"},
	}
	// Mostly the roles that read and records that exist; every kind of
	// refusal too.
	ids := []string{f.ownID, f.ownID, f.ownID, f.foreignID, f.foreignID, unknownRecord, "..%2F..%2Fetc", "x"}
	roles := append([]auth.Role{"", auth.Clerk, auth.Clerk, auth.RecordsOfficer, auth.RecordsOfficer}, auth.Roles...)
	log := auditEntries(t, f, 0)
	head := log[len(log)-1].Seq
	rng := rand.New(rand.NewPCG(7, 7))
	type served struct{ role, record, action string }
	want := map[string]served{} // purpose → the read served
	refused := 0
	const n = 400
	for i := range n {
		rt := routes[rng.IntN(len(routes))]
		id, role := ids[rng.IntN(len(ids))], roles[rng.IntN(len(roles))]
		purpose := fmt.Sprintf("Az. %d/26", i)
		u := f.url + replaceID(rt.path, id)
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		req, _ := http.NewRequest("GET", u+sep+"purpose="+url.QueryEscape(purpose), nil)
		if role != "" {
			req.Header.Set("Authorization", "Bearer "+f.auth.tokens[role])
		}
		resp, err := f.srv.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 == 2 {
			want[purpose] = served{string(role), id, rt.action}
		} else {
			refused++
		}
	}
	if len(want) < n/5 || refused < n/5 {
		t.Fatalf("%d reads served, %d refused: the mix does not test both", len(want), refused)
	}
	got := map[string]int{}
	for _, e := range auditEntries(t, f, head) {
		if !slices.Contains(readActions, e.Action) {
			continue
		}
		got[e.Purpose]++
		w, ok := want[e.Purpose]
		switch {
		case !ok:
			t.Errorf("audit entry %d (%s %s by %s) for a read that was refused", e.Seq, e.Action, e.Record, e.Role)
		case e.Role != w.role || e.Actor != "token:test-"+w.role || e.Record != w.record || e.Action != w.action:
			t.Errorf("audit entry %d: %s %s %s %s, want %s %s %s", e.Seq, e.Actor, e.Role, e.Action, e.Record, w.role, w.action, w.record)
		}
	}
	for p := range want {
		if got[p] != 1 {
			t.Errorf("read %q served: %d audit entries, want 1", p, got[p])
		}
	}
	t.Logf("%d requests: %d reads served = %d read entries; %d refused, 0 entries", n, len(want), len(got), refused)
}

func replaceID(path, id string) string {
	out := []byte{}
	for i := 0; i < len(path); i++ {
		if path[i] == '{' {
			out = append(out, id...)
			i += len("{id}") - 1
			continue
		}
		out = append(out, path[i])
	}
	return string(out)
}

// auditEntries reads the audit log's entries above seq as the auditor,
// through the API, oldest first.
func auditEntries(t *testing.T, f *matrixFixture, above uint64) []audit.Event {
	t.Helper()
	var out []audit.Event
	before := uint64(0)
	for {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/audit?limit=500&before=%d", f.url, before), nil)
		req.Header.Set("Authorization", "Bearer "+f.auth.tokens[auth.Auditor])
		resp, err := f.srv.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page archive.AuditPage
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("audit log: %d %v", resp.StatusCode, err)
		}
		for _, e := range page.Entries {
			if e.Seq <= above {
				slices.Reverse(out)
				return out
			}
			out = append(out, e)
		}
		if page.Next == 0 {
			slices.Reverse(out)
			return out
		}
		before = page.Next
	}
}
