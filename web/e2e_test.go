package web_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"akte/web/auth"
)

// The end-to-end test drives the real server (real archive, PDF/A stage,
// seal, search index, auth) in headless Chromium: the Debian package
// chromium, driven with chromedp. Each page it passes is saved as a PNG in
// $AKTE_ARTIFACTS (default: a temporary directory, logged).

// chromiumPath finds Chromium, or skips (fails with AKTE_TEST_STRICT=1).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("AKTE_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	msg := "Chromium is missing: apt-get install chromium (Debian), or set AKTE_CHROMIUM; the end-to-end UI test needs it"
	if os.Getenv("AKTE_TEST_STRICT") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// e2e is one browser (its own profile: its own cookies) at the server.
type e2e struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string // screenshots
}

func (e *e2e) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		e.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		e.t.Fatalf("%s: %v", what, err)
	}
}

func run[T any](e *e2e, what string, a chromedp.Action[T]) T {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		e.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		e.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// shot saves a full-page PNG named name.
func (e *e2e) shot(name string) { e.capture(name, chromedp.FullScreenshot(100)) }

// viewportShot saves what the window shows: a page with the PDF viewer
// (a full-page capture resizes the page, and the viewer draws anew).
func (e *e2e) viewportShot(name string) { e.capture(name, chromedp.CaptureScreenshot()) }

func (e *e2e) capture(name string, a chromedp.Action[[]byte]) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, a)
	if err != nil {
		e.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(e.dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		e.t.Error(err)
	}
}

// loaded waits until the page for which cond (a JavaScript expression) holds has loaded. It
// asks again while a navigation is under way (the page's JavaScript context gone, or its
// document empty), which a chromedp poll does not survive.
func (e *e2e) loaded(what, cond string) {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(e.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond+" && document.readyState === 'complete'"))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) { // errors until then are of a page half loaded
			e.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
			e.t.Fatalf("%s: the page did not load (%s): %v", what, cond, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// text is the page's visible text. A page holding the PDF viewer may
// replace its JavaScript context while the viewer's frame loads, and a read
// in that moment fails with "Cannot find context with specified id" (seen
// once in CI on the sealed intake's page); the read is tried again then.
func (e *e2e) text() string {
	e.t.Helper()
	var err error
	for range 5 {
		ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
		var body string
		body, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
		cancel()
		if err == nil {
			return body
		}
		if !strings.Contains(err.Error(), "Cannot find context") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	e.shot("failed-read-the-page")
	e.t.Fatalf("read the page: %v", err)
	return ""
}

func (e *e2e) wantText(what string, texts ...string) {
	e.t.Helper()
	body := e.text()
	for _, s := range texts {
		if !strings.Contains(body, s) {
			e.shot("failed-" + what)
			e.t.Fatalf("%s: the page lacks %q:\n%.3000s", what, s, body)
		}
	}
}

func (e *e2e) login(role auth.Role) {
	e.t.Helper()
	e.do("log in as "+string(role),
		chromedp.Navigate(e.base+"/ui/"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), string(role)),
		chromedp.SendKeys(chromedp.ID("password"), uiPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS("header nav")),
	)
}

// stroke draws one line through pts (canvas-relative CSS pixels from the
// canvas's top left) with real input events: the mouse or a pen (pointer
// events come from them, as from the tablet's pen), or a finger (touch).
func stroke(originX, originY float64, kind string, pts ...[2]float64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if kind == "touch" {
			typ := input.DispatchTouchEventTypeTouchStart
			for _, p := range pts {
				one := 1.0
				if _, err := cdp.Call(ctx, t, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ,
					TouchPoints: []*input.TouchPoint{{X: originX + p[0], Y: originY + p[1], RadiusX: &one, RadiusY: &one, Force: &one}}}); err != nil {
					return err
				}
				typ = input.DispatchTouchEventTypeTouchMove
			}
			_, err := cdp.Call(ctx, t, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchEnd,
				TouchPoints: []*input.TouchPoint{}})
			return err
		}
		pt := input.DispatchMouseEventPointerType(kind)
		ev := func(typ input.DispatchMouseEventType, p [2]float64, buttons int64) error {
			params := input.DispatchMouseEventParams{Type: typ, X: originX + p[0], Y: originY + p[1], Button: input.MouseButtonLeft,
				Buttons: buttons, PointerType: pt, ClickCount: 1}
			if pt == input.DispatchMouseEventPointerTypePen {
				params.Force = 0.6
			}
			_, err := cdp.Call(ctx, t, input.DispatchMouseEvent, params)
			return err
		}
		if err := ev(input.DispatchMouseEventTypeMousePressed, pts[0], 1); err != nil {
			return err
		}
		for _, p := range pts[1:] {
			if err := ev(input.DispatchMouseEventTypeMouseMoved, p, 1); err != nil {
				return err
			}
		}
		return ev(input.DispatchMouseEventTypeMouseReleased, pts[len(pts)-1], 0)
	})
}

// TestE2E: a clerk logs in, searches, opens a document for a purpose and
// sees the PDF, takes a form at the counter with a drawn signature and sees
// the sealed PDF/A; a records officer sets a hold; an auditor finds the
// hold and the read in the audit log, the chain verified.
func TestE2E(t *testing.T) {
	chrome := chromiumPath(t)
	start := time.Now()
	f := newUIFixture(t)
	dir := os.Getenv("AKTE_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("lang", "de-DE"), chromedp.Flag("accept-lang", "de-DE,de"), chromedp.WindowSize(1280, 900))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	browser := func() *e2e {
		ctx, cancel := chromedp.NewContext(allocCtx)
		t.Cleanup(cancel)
		if err := chromedp.Do(ctx); err != nil { // starts the browser (no timeout on this first run)
			t.Fatalf("start Chromium: %v", err)
		}
		return &e2e{t: t, ctx: ctx, base: f.srv.URL, dir: dir}
	}

	// The clerk.
	c := browser()
	c.do("open the UI", chromedp.Navigate(c.base+"/"), chromedp.WaitVisible(chromedp.ID("password")))
	c.shot("01-login")
	c.login(auth.Clerk)
	c.do("search", chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "Lindenstraße"),
		chromedp.Submit(chromedp.ID("q")),
		chromedp.WaitVisible(chromedp.CSS(".hit .title")))
	c.wantText("search", "2 Treffer", "Lindenstraße", "Aktenart")
	if n := run(c, "marks", chromedp.Evaluate[int](`document.querySelectorAll(".hit mark").length`)); n == 0 {
		t.Errorf("no highlight in the hits")
	}
	c.shot("02-search")
	c.do("open the hit", chromedp.Click(chromedp.CSS(".hit .title")), chromedp.WaitVisible(chromedp.ID("purpose")))
	c.wantText("record", "Zweck des Zugriffs", "Aufbewahrung", "P100234")
	c.shot("03-record")
	c.do("give the purpose", chromedp.SendKeys(chromedp.ID("purpose"), "AZ 12/2026"),
		chromedp.Submit(chromedp.ID("purpose")), chromedp.WaitVisible(chromedp.ID("pdf")))
	c.wantText("document", "Siegel gültig", "Unversehrt", "AZ 12/2026", "Herunterladen")
	// The frame holds the PDF: the same origin serves it as application/pdf.
	pdfInfo := run(c, "the frame's PDF", chromedp.Evaluate[string](`(async () => {
		const r = await fetch(document.getElementById("pdf").src.split("#")[0]);
		const b = new Uint8Array(await r.arrayBuffer());
		return r.status + " " + r.headers.get("content-type") + " " + String.fromCharCode(...b.slice(0, 5));
	})()`, chromedp.EvalAwaitPromise))
	if pdfInfo != "200 application/pdf %PDF-" {
		t.Errorf("the frame's document: %q", pdfInfo)
	}
	c.do("let the PDF viewer draw", chromedp.Sleep(3*time.Second))
	c.viewportShot("04-document")

	// Counter intake with a drawn signature.
	c.do("intake", chromedp.Navigate(c.base+"/ui/intake"), chromedp.WaitVisible(chromedp.CSS("ul.templates")))
	c.shot("05-intake-forms")
	c.do("pick the registration", chromedp.Click(chromedp.CSS(`a[href^="/ui/intake?template=registration"]`)),
		chromedp.WaitVisible(chromedp.ID("sigpad")))
	fields := map[string]string{"citizen": "P777001", "f-move_in_date": "2026-11-01", "f-dwelling": "Hauptwohnung",
		"f-street": "Am Markt 1", "f-postal_code": "12345", "f-city": "Musterstadt", "f-family_name": "Becker",
		"f-given_names": "Jonas", "f-birth_date": "1991-05-17", "f-birth_place": "Leipzig, Deutschland",
		"f-nationality": "deutsch", "f-place": "Musterstadt", "f-signed_on": "2026-11-21"}
	var steps []chromedp.Action[chromedp.Void]
	for id, v := range fields {
		if strings.Contains(v, "-") && len(v) == 10 || id == "f-dwelling" {
			steps = append(steps, chromedp.SetValue(chromedp.ID(id), v)) // date inputs and selects
		} else {
			steps = append(steps, chromedp.SendKeys(chromedp.ID(id), v)) // typed like a clerk
		}
	}
	c.do("fill in the form", steps...)
	c.do("scroll to the signature", chromedp.ScrollIntoView(chromedp.ID("sigpad")))
	box := run(c, "the canvas's place", chromedp.Evaluate[[]float64](`(() => { const r = document.getElementById("sigpad").getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`))
	x0, y0 := box[0], box[1]
	c.do("sign",
		stroke(x0, y0, "mouse", [2]float64{30, 120}, [2]float64{60, 60}, [2]float64{90, 130}, [2]float64{120, 50}, [2]float64{150, 120}, [2]float64{190, 90}),
		stroke(x0, y0, "pen", [2]float64{200, 110}, [2]float64{240, 70}, [2]float64{280, 115}, [2]float64{330, 80}, [2]float64{380, 100}),
		stroke(x0, y0, "touch", [2]float64{60, 150}, [2]float64{200, 148}, [2]float64{360, 145}),
	)
	raw := run(c, "the strokes", chromedp.Value(chromedp.ID("strokes")))
	var strokes [][]struct{ X, Y float64 }
	if err := json.Unmarshal([]byte(raw), &strokes); err != nil || len(strokes) < 2 {
		t.Fatalf("the signature pad recorded %q (%v)", raw, err)
	}
	t.Logf("signature: %d strokes (mouse, pen, touch), %d points in the first", len(strokes), len(strokes[0]))
	if len(strokes) != 3 {
		t.Errorf("want 3 strokes (mouse, pen, touch), got %d", len(strokes))
	}
	c.shot("06-intake-signed")
	c.do("archive and seal", chromedp.Submit(chromedp.ID("citizen")), chromedp.WaitVisible(chromedp.ID("pdf")))
	c.wantText("intake result", "archiviert und gesiegelt", "Siegel gültig", "P777001")
	c.do("let the PDF viewer draw", chromedp.Sleep(3*time.Second))
	c.viewportShot("07-intake-sealed")
	c.do("the citizen's file", chromedp.Navigate(c.base+"/ui/citizens/"+f.citizen), chromedp.WaitVisible(chromedp.CSS("ol.timeline")))
	c.shot("08-citizen")
	// A clerk may not use the records officer's pages.
	c.do("forbidden page", chromedp.Navigate(c.base+"/ui/retention"), chromedp.WaitVisible(chromedp.CSS(".status")))
	c.wantText("forbidden", "403", "Keine Berechtigung")

	// The records officer sets a hold.
	o := browser()
	o.login(auth.RecordsOfficer)
	o.do("the plan", chromedp.Click(chromedp.CSS(`header a[href="/ui/retention"]`)), chromedp.WaitVisible(chromedp.ID("until")))
	o.wantText("retention plan", "Fällige Fristen")
	o.shot("09-retention")
	o.do("the record", chromedp.Navigate(o.base+"/ui/records/"+f.form), chromedp.WaitVisible(chromedp.ID("hold-reason")),
		chromedp.SendKeys(chromedp.ID("hold-reason"), "VG Musterstadt 3 K 77/26"),
		chromedp.Submit(chromedp.ID("hold-reason")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	o.wantText("hold", "Die Sperre ist gesetzt", "VG Musterstadt 3 K 77/26", "Sperre aufheben")
	o.shot("10-hold")

	// The auditor sees both.
	a := browser()
	a.login(auth.Auditor)
	a.do("the audit log", chromedp.WaitVisible(chromedp.CSS("table.audit")))
	a.wantText("audit log", "Hash-Kette geprüft: unverändert", "hold", "VG Musterstadt 3 K 77/26", "records-officer", "read", "AZ 12/2026", "clerk")
	a.shot("11-audit")
	// The page before the submit has a table.audit too: wait for the new page (CI once read and
	// shot the old one mid-navigation, and the screenshot hung).
	a.do("filter by record", chromedp.SendKeys(chromedp.ID("a-record"), f.form), chromedp.Submit(chromedp.ID("a-record")))
	a.loaded("the filtered audit log", "location.search.includes('record=')")
	a.do("the filtered audit log", chromedp.WaitVisible(chromedp.CSS("table.audit")))
	a.wantText("audit filtered", "AZ 12/2026", "hold")
	a.shot("12-audit-filtered")
	// English.
	a.do("switch to English", chromedp.Click(chromedp.CSS(`a[hreflang="en"]`)))
	a.loaded("the English page", "document.documentElement?.lang === 'en'")
	a.do("the English audit log", chromedp.WaitVisible(chromedp.CSS("table.audit")))
	a.wantText("English", "Hash chain verified", "Audit log")
	a.shot("13-audit-english")

	if d := time.Since(start); d > 2*time.Minute {
		t.Errorf("the end-to-end test took %s (budget 2 min)", d)
	} else {
		t.Logf("end to end in %s", d.Round(time.Millisecond))
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	t.Logf("%d screenshots: %s", len(names), strings.Join(names, ", "))
}
