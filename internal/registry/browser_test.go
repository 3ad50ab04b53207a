package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"golang.org/x/net/html"

	"github.com/balcentral/balcentral/internal/bala"
)

// The web UI in a real browser (issue 8): headless Chromium driven through
// the DevTools protocol by chromedp. These tests do what a person does —
// sign up, create an organization and a token, find a package, read it,
// see it deprecated — and check what only a browser shows: that forms
// work with their CSRF tokens and cookies, that the keyboard reaches the
// skip link and the search box, that no page throws or breaks its
// Content-Security-Policy, that hostile READMEs run no script, and that
// pages fit a phone's width. They save screenshots of the main pages.
//
// The browser is Debian's chromium package (.ci/run installs it). Without
// it the tests skip, loudly, except under CI=true, where they fail.

// browserTimeout bounds everything the browser tests do, browser start
// included. Waits are the browser's own (an element becoming visible, a
// page loading); this is only the guard against a hang.
const browserTimeout = 2 * time.Minute

// Viewports of the screenshots and of the phone-width checks.
var (
	desktopViewport = viewport{name: "desktop", width: 1280, height: 800}
	phoneViewport   = viewport{name: "phone", width: 390, height: 844, mobile: true}
)

type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

// findChromium returns the path of the browser, or "" when there is none.
func findChromium() string {
	if p := os.Getenv("BALCENTRAL_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startBrowser starts one headless Chromium for a test and its subtests and
// returns a context that has it; tabs made from it (newTab) share the
// browser. It skips the test when there is no browser, except under CI.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := findChromium()
	if path == "" {
		msg := "BROWSER TESTS NOT RUN: no chromium on PATH (Debian: apt-get install chromium; or set BALCENTRAL_CHROMIUM)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		fmt.Fprintln(os.Stderr, "!!!", msg)
		t.Skip(msg)
	}
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(path),
		chromedp.Headless,
		// Tests run as root in CI containers, where Chromium's sandbox
		// cannot start.
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(int(desktopViewport.width), int(desktopViewport.height)),
	)
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		// Closes the browser and waits for it to exit.
		if err := chromedp.Cancel(browserCtx); err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("closing the browser: %v", err)
		}
		cancelBrowser()
	})
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return browserCtx
}

// tab is a browser tab in a browser context of its own (its own cookies:
// one signed-in person), pointed at a test server.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string // the server's URL

	mu       sync.Mutex
	problems []string // uncaught exceptions and CSP violations seen
}

// newTab opens a tab with fresh cookies on the server at base.
func newTab(t *testing.T, browser context.Context, base string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	tb := &tab{t: t, ctx: ctx, base: base}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			// A page's script must never throw, and nothing a page holds
			// may be blocked by its own Content-Security-Policy: either
			// means a template or app.js is broken. 404s of missing
			// images and the like are the pages' business.
			if m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
				tb.mu.Lock()
				tb.problems = append(tb.problems, fmt.Sprintf("%s:%d: %s", m.URL, m.Line+1, m.Text))
				tb.mu.Unlock()
			}
		}
	}()
	return tb
}

// checkConsole fails the test for every exception or CSP violation seen
// since the last call.
func (b *tab) checkConsole() {
	b.t.Helper()
	// Messages arrive asynchronously; a round trip to the page lets those
	// of the page shown so far come in.
	b.eval("0")
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		b.t.Errorf("browser console: %s", p)
	}
	b.problems = nil
}

// do runs actions, failing the test on error.
func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v (page %s)", what, err, b.location())
	}
}

// location is the tab's URL, for messages.
func (b *tab) location() string {
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}

// open loads a page and returns its HTTP status.
func (b *tab) open(path string) int64 {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatalf("opening %s: %v", path, err)
	}
	return resp.Status
}

// openOK loads a page and requires 200.
func (b *tab) openOK(path string) {
	b.t.Helper()
	if status := b.open(path); status != http.StatusOK {
		b.t.Fatalf("GET %s: status %d, want 200", path, status)
	}
}

// submit clicks a form's submit button (or a link) and waits for the page
// it leads to; it returns that page's HTTP status.
func (b *tab) submit(sel string) int64 {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("clicking %s: %v (page %s)", sel, err, b.location())
	}
	return resp.Status
}

// text returns the visible text of the first element sel matches, waiting
// for it to be visible.
func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("reading %s: %v (page %s)", sel, err, b.location())
	}
	return strings.Join(strings.Fields(s), " ")
}

// eval evaluates a JavaScript expression and returns its value as text.
func (b *tab) eval(expr string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[any](expr))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v (page %s)", expr, err, b.location())
	}
	return fmt.Sprint(s)
}

// texts returns the text of every element sel matches, right now.
func (b *tab) texts(sel string) []string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](
		fmt.Sprintf(`Array.from(document.querySelectorAll(%q), e => e.textContent.trim().split(/\s+/).join(" "))`, sel)))
	if err != nil {
		b.t.Fatalf("reading %s: %v (page %s)", sel, err, b.location())
	}
	return s
}

// attrs returns an attribute of every element sel matches, right now.
func (b *tab) attrs(sel, attr string) []string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](
		fmt.Sprintf(`Array.from(document.querySelectorAll(%q), e => e.getAttribute(%q) || "")`, sel, attr)))
	if err != nil {
		b.t.Fatalf("reading %s: %v (page %s)", sel, err, b.location())
	}
	return s
}

// typeInto types text into a form field.
func (b *tab) typeInto(sel, text string) {
	b.t.Helper()
	b.do("typing into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// focused describes the element that has the keyboard focus.
func (b *tab) focused() string {
	return b.eval(`(e => e ? e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className.split(" ").join(".") : "") : "none")(document.activeElement)`)
}

// pressKey sends a key to the focused element.
func (b *tab) pressKey(key string) {
	b.t.Helper()
	b.do(fmt.Sprintf("pressing %q", key), chromedp.KeyEvent(key))
}

// setViewport resizes the page's viewport.
func (b *tab) setViewport(v viewport) {
	b.t.Helper()
	var opts []chromedp.EmulateViewportOption
	if v.mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	b.do("setting the viewport", chromedp.EmulateViewport(v.width, v.height, opts...))
}

// screenshot saves the viewport as <dir>/<name>-<viewport>.png.
func (b *tab) screenshot(dir, name string, v viewport) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot of %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+"-"+v.name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// testOutputDir is where tests leave files for people to look at:
// $BALCENTRAL_TEST_OUTPUT/<sub> when set, else a temporary directory.
func testOutputDir(t *testing.T, sub string) string {
	t.Helper()
	root := os.Getenv("BALCENTRAL_TEST_OUTPUT")
	if root == "" {
		dir := t.TempDir()
		t.Logf("test output in %s (set BALCENTRAL_TEST_OUTPUT to keep it)", dir)
		return dir
	}
	dir := filepath.Join(root, sub)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("test output in %s", dir)
	return dir
}

// The packages of the browser tests: acme/weather (two versions, README,
// API docs, a dependency on acme/geo), acme/geo, and acme/vault, private,
// which also depends on acme/geo.
const weatherReadme = "# Weather\n\nForecasts and current conditions for any city, from one `Client`.\n\n" +
	"## Usage\n\n```ballerina\nimport acme/weather;\nimport ballerina/io;\n\npublic function main() returns error? {\n" +
	"    weather:Forecast f = check weather:forecast(\"Lisbon\", days = 3);\n    io:println(f.days[0].high);\n}\n```\n\n" +
	"## Units\n\n| Unit | Temperature | Wind |\n|------|-------------|------|\n| `METRIC` | °C | km/h |\n| `IMPERIAL` | °F | mph |\n\n" +
	"See the [changelog](CHANGELOG.md) for what changed.\n"

const weatherSource = `# The units of the measurements.
public enum Unit {
    METRIC,
    IMPERIAL
}

# A day of a forecast.
#
# + date - the day, as YYYY-MM-DD
# + high - the highest temperature
# + low - the lowest temperature
public type Day record {|
    string date;
    decimal high;
    decimal low;
|};

# A forecast for a city.
#
# + city - the city's name
# + days - one entry a day, from today
public type Forecast record {|
    string city;
    Day[] days;
|};

# Returns the forecast of a city.
#
# + city - the city's name, such as ` + "`Lisbon`" + `
# + days - how many days, 1 to 10
# + unit - the unit of the temperatures
# + return - the forecast, or an error if the city is unknown
public function forecast(string city, int days = 3, Unit unit = METRIC) returns Forecast|error {
    return {city, days: []};
}

# A client of the weather service.
public isolated client class Client {
    # Opens a client.
    #
    # + url - the service's URL
    public function init(string url = "https://weather.example") {
    }

    # Returns the current temperature of a city.
    #
    # + city - the city's name
    # + return - the temperature, or an error
    remote function current(string city) returns decimal|error {
        return 21.5;
    }
}

# The number of days of a forecast when none is asked for.
public const int DEFAULT_DAYS = 3;
`

// weatherBala is a version of acme/weather.
func weatherBala(t testing.TB, version string) []byte {
	return balaWith(t, balaSpec{
		Org: "acme", Name: "weather", Version: version, Readme: weatherReadme,
		Description: "Forecasts and current conditions for any city.",
		Keywords:    []string{"weather", "forecast", "http"},
		Modules:     []string{"alerts"},
		Deps:        [][3]string{{"acme", "geo", "1.0.0"}},
	}, func(pj *bala.PackageJSON) {
		pj.SourceRepository = "https://git.example.com/acme/weather"
		pj.Authors = []string{"Ada", "Grace"}
	}, map[string]string{
		"modules/weather/weather.bal": weatherSource,
		"docs/CHANGELOG.md":           "# Changes\n\n" + version + ": forecasts in days.\n",
	})
}

// TestWebBrowser walks through the web UI as its users do, in one browser:
// Alice signs up, creates the acme organization and a token, pushes
// packages with the token, finds one by searching, reads its page and its
// API docs, sees it deprecated, and signs out; Bob, another account, and
// visitors never see Alice's private package. Screenshots of the main
// pages, at desktop and phone widths, go to testOutputDir.
func TestWebBrowser(t *testing.T) {
	browser := startBrowser(t)
	e := newTestEnv(t, func(c *Config) { c.Signup = true })
	out := testOutputDir(t, "browser")
	alice := newTab(t, browser, e.url)
	var secret string // Alice's token

	// Steps marked needed make what the later ones use: when one fails,
	// the walk stops.
	const needed = true
	steps := []struct {
		name   string
		needed bool
		fn     func(t *testing.T)
	}{
		{"sign up", needed, func(t *testing.T) {
			alice.t = t
			signUp(alice, "alice")
			if got := alice.text(".site-header .user-name"); got != "alice" {
				t.Errorf("header shows %q as the user, want alice", got)
			}
		}},
		{"create an organization", needed, func(t *testing.T) {
			alice.t = t
			alice.openOK("/dashboard")
			alice.typeInto("#org-name", "acme")
			if status := alice.submit(`form[action="/dashboard/orgs"] button[type=submit]`); status != http.StatusOK {
				t.Fatalf("creating the organization: status %d", status)
			}
			if got := alice.text("main h1"); got != "acme" {
				t.Errorf("after creating the organization, the page's h1 is %q, want acme", got)
			}
			if got := alice.text(".flash"); !strings.Contains(got, "Organization created") {
				t.Errorf("flash %q", got)
			}
			if got := alice.texts("#members-heading ~ .table-wrap tbody th"); !slices.Equal(got, []string{"alice (you)"}) {
				t.Errorf("members %q, want [alice (you)]", got)
			}
			alice.openOK("/dashboard")
			if got := alice.texts(".dep-list li a:first-child"); !slices.Contains(got, "acme") {
				t.Errorf("the dashboard's organizations %q lack acme", got)
			}
		}},
		{"create a token", needed, func(t *testing.T) {
			alice.t = t
			alice.openOK("/dashboard")
			alice.typeInto("#token-name", "ci")
			if status := alice.submit(`form[action="/dashboard/tokens"] button[type=submit]`); status != http.StatusCreated {
				t.Fatalf("creating the token: status %d, want 201", status)
			}
			secret = alice.text(`pre[aria-labelledby="token-heading"] code`)
			if !strings.HasPrefix(secret, "bct_") {
				t.Fatalf("the token shown is %q, want a bct_ token", secret)
			}
			settings := alice.text(`pre[aria-labelledby="settings-heading"] code`)
			for _, want := range []string{`accesstoken = "` + secret + `"`, `url = "` + e.url + `/2.0/registry"`} {
				if !strings.Contains(settings, want) {
					t.Errorf("Settings.toml %q lacks %q", settings, want)
				}
			}
			// Shown once: the dashboard lists the token by its prefix only.
			alice.openOK("/dashboard")
			if names := alice.texts("#tokens-heading ~ .table-wrap tbody th"); !slices.Contains(names, "ci") {
				t.Errorf("the token list names %q, want ci among them", names)
			}
			if page := alice.eval("document.documentElement.outerHTML"); strings.Contains(page, secret) {
				t.Error("the dashboard shows the token's secret")
			}
		}},
		{"push through the API", needed, func(t *testing.T) {
			e.t = t
			for _, b := range [][]byte{
				testBala(t, balaSpec{Org: "acme", Name: "geo", Version: "1.0.0", Description: "Coordinates, distances and time zones.", Keywords: []string{"geo"}}),
				weatherBala(t, "1.0.0"),
				weatherBala(t, "1.1.0"),
				testBala(t, balaSpec{Org: "acme", Name: "vault", Version: "1.0.0", Visibility: "private",
					Description: "Secrets of the acme weather stations.", Keywords: []string{"weather"}, Deps: [][3]string{{"acme", "geo", "1.0.0"}}}),
			} {
				e.mustPush(secret, b)
			}
		}},
		{"find by search", false, func(t *testing.T) {
			alice.t = t
			alice.openOK("/")
			alice.typeInto("#home-search", "weather")
			if status := alice.submit(`.hero-search button[type=submit]`); status != http.StatusOK {
				t.Fatalf("search: status %d", status)
			}
			if got := alice.text("main h1"); got != "Packages matching “weather”" {
				t.Errorf("search page h1 %q", got)
			}
			if got := alice.attrs("a.pkg-name", "href"); !slices.Contains(got, "/acme/weather") || !slices.Contains(got, "/acme/vault") {
				t.Errorf("alice's search for weather finds %q, want acme/weather and her private acme/vault", got)
			}
			if status := alice.submit(`a.pkg-name[href="/acme/weather"]`); status != http.StatusOK {
				t.Fatalf("opening the package: status %d", status)
			}
		}},
		{"package page", false, func(t *testing.T) {
			alice.t = t
			if got := alice.text("h1.pkg-title"); got != "acme/weather" {
				t.Errorf("h1 %q, want acme/weather", got)
			}
			if got := alice.text(".pkg-version-label"); got != "Version 1.1.0" {
				t.Errorf("version label %q", got)
			}
			// The README, rendered: headings, highlighted code, a table, a
			// link to a file of the bala.
			if got := alice.texts("#readme h2"); !slices.Equal(got, []string{"Weather"}) {
				t.Errorf("README h2 %q, want [Weather] (its h1, shifted)", got)
			}
			if got := alice.texts("#readme h3"); !slices.Equal(got, []string{"Usage", "Units"}) {
				t.Errorf("README h3 %q", got)
			}
			if got := alice.texts("#readme table tbody tr"); len(got) != 2 {
				t.Errorf("README table rows %q, want 2", got)
			}
			if got := alice.eval(`document.querySelectorAll("#readme pre span[class]").length > 0`); got != "true" {
				t.Error("the README's ballerina code block is not highlighted")
			}
			links := alice.attrs("#readme a", "href")
			if !slices.Contains(links, "/acme/weather/1.1.0/files/CHANGELOG.md") {
				t.Errorf("README links %q: want the changelog served from the bala", links)
			}
			e.t = t
			if status, body, _ := e.get("/acme/weather/1.1.0/files/CHANGELOG.md"); status != http.StatusOK || !strings.Contains(body, "1.1.0: forecasts") {
				t.Errorf("the README's changelog link: %d %q", status, body)
			}
			// Install snippets, with app.js's copy buttons.
			install := alice.text("#install-heading + p + .snippet pre")
			if install != "import acme/weather;" {
				t.Errorf("import snippet %q", install)
			}
			toml := alice.eval(`document.querySelectorAll("section[aria-labelledby=install-heading] pre")[1].textContent`)
			if want := "[[dependency]]\norg = \"acme\"\nname = \"weather\"\nversion = \"1.1.0\""; toml != want {
				t.Errorf("Ballerina.toml snippet %q, want %q", toml, want)
			}
			if n := alice.eval(`document.querySelectorAll("section[aria-labelledby=install-heading] .copy-button").length`); n != "2" {
				t.Errorf("%s copy buttons on the install snippets, want 2 (app.js)", n)
			}
			// Versions, metadata, dependencies, dependents.
			if got := alice.texts("#versions .version-list > li > a"); !slices.Equal(got, []string{"1.1.0", "1.0.0"}) {
				t.Errorf("versions %q, want [1.1.0 1.0.0]", got)
			}
			about := alice.text("section[aria-labelledby=about-heading] dl")
			for _, want := range []string{"License Apache-2.0", "Authors Ada, Grace", "Keywords weather forecast http",
				"Repository https://git.example.com/acme/weather", "Platform any", "Visibility Public"} {
				if !strings.Contains(about, want) {
					t.Errorf("About %q lacks %q", about, want)
				}
			}
			if got := alice.texts("#dependencies .dep-list a"); !slices.Equal(got, []string{"acme/geo"}) {
				t.Errorf("dependencies %q", got)
			}
			if got := alice.texts("#api-docs .module-list a"); !slices.Equal(got, []string{"weather", "weather.alerts"}) {
				t.Errorf("API docs modules %q", got)
			}
			alice.checkConsole()
		}},
		{"API docs", false, func(t *testing.T) {
			alice.t = t
			if status := alice.submit(`#api-docs .module-list a[href$="/api/weather"]`); status != http.StatusOK {
				t.Fatalf("API docs: status %d", status)
			}
			if got := alice.text("main h1"); got != "Module weather" {
				t.Errorf("h1 %q", got)
			}
			sections := alice.texts(".docs-main > section > h2")
			for _, want := range []string{"Functions", "Classes", "Records", "Constants", "Enums"} {
				if !slices.Contains(sections, want) {
					t.Errorf("API docs sections %q lack %s", sections, want)
				}
			}
			fn := alice.text("#functions .api-item")
			for _, want := range []string{"forecast", "Returns the forecast of a city.", "city string", "the city's name, such as Lisbon",
				"days defaultable int 3", "Returns Forecast|error", "the forecast, or an error if the city is unknown"} {
				if !strings.Contains(fn, want) {
					t.Errorf("forecast's docs %q lack %q", fn, want)
				}
			}
			if got := alice.texts("#classes .api-method h4"); !slices.Contains(got, "current") {
				t.Errorf("Client's methods %q lack current", got)
			}
			// The navigation's links lead to the items.
			alice.do("following the docs navigation", chromedp.Click(chromedp.CSS(`.docs-nav a[href="#`+alice.attrs("#records .api-item", "id")[0]+`"]`)))
			if got := alice.eval(`location.hash`); got == "" {
				t.Error("the docs navigation link did not go to its item")
			}
			alice.checkConsole()
		}},
		{"screenshots", false, func(t *testing.T) {
			alice.t = t
			pages := []struct{ name, path, ready string }{
				{"home", "/", "#recent-heading"},
				{"search", "/search?q=weather", ".pkg-list"},
				{"package-page", "/acme/weather", "#readme"},
				{"api-docs", "/acme/weather/1.1.0/api/weather", ".docs-main"},
				{"dashboard", "/dashboard", "#tokens-heading"},
			}
			for _, v := range []viewport{desktopViewport, phoneViewport} {
				alice.setViewport(v)
				for _, p := range pages {
					alice.openOK(p.path)
					alice.do("waiting for "+p.ready, chromedp.WaitVisible(chromedp.CSS(p.ready)))
					alice.screenshot(out, p.name, v)
					// Readable on a phone: nothing wider than the screen
					// makes the whole page scroll sideways (wide tables and
					// code scroll in their own boxes).
					if v.mobile {
						if w := alice.eval(`document.documentElement.scrollWidth`); w != fmt.Sprint(v.width) {
							t.Errorf("%s at %dpx: the page is %spx wide; too wide: %s", p.path, v.width, w, alice.eval(overflowingJS))
						}
					}
				}
			}
			alice.setViewport(desktopViewport)
			alice.checkConsole()
		}},
		{"keyboard", false, func(t *testing.T) {
			alice.t = t
			alice.openOK("/")
			var order []string
			for range 5 {
				alice.pressKey(kb.Tab)
				order = append(order, alice.focused())
			}
			if order[0] != "a.skip-link" {
				t.Errorf("the first Tab focuses %s, want the skip link (order %q)", order[0], order)
			}
			if !slices.Contains(order, "input#site-search") {
				t.Errorf("Tab does not reach the search box in 5 presses: %q", order)
			}
			// The skip link shows when focused, and leads into <main>.
			alice.openOK("/acme/weather")
			alice.pressKey(kb.Tab)
			if got := alice.eval(`(r => r.top >= 0 && r.bottom <= innerHeight && r.width > 0)(document.activeElement.getBoundingClientRect())`); got != "true" {
				t.Error("the focused skip link is not on screen")
			}
			alice.pressKey(kb.Enter)
			if got := alice.focused(); got != "main#main" {
				t.Errorf("after the skip link, the focus is on %s, want main#main", got)
			}
			alice.pressKey(kb.Tab)
			if got := alice.eval(`document.activeElement.closest("main") !== null`); got != "true" {
				t.Errorf("Tab after the skip link focuses %s, outside <main>", alice.focused())
			}
			// "/" jumps to the search box (app.js), and Enter searches.
			alice.pressKey("/")
			if got := alice.focused(); got != "input#site-search" {
				t.Errorf(`"/" focuses %s, want the search box`, got)
			}
			if _, err := chromedp.RunResponse(alice.ctx, chromedp.KeyEvent("geo"+kb.Enter)); err != nil {
				t.Fatalf("searching from the keyboard: %v", err)
			}
			if got := alice.attrs("a.pkg-name", "href"); !slices.Equal(got, []string{"/acme/geo"}) {
				t.Errorf("typing geo and Enter in the search box finds %q (page %s)", got, alice.location())
			}
			alice.checkConsole()
		}},
		{"deprecate", false, func(t *testing.T) {
			alice.t = t
			e.t = t
			alice.openOK("/acme/weather/1.1.0/api/weather")
			if n := alice.eval(`document.querySelectorAll(".banner-deprecated").length`); n != "0" {
				t.Fatalf("%s deprecation banners before deprecating", n)
			}
			resp := e.request(http.MethodPut, centralPrefix+"/packages/deprecate/acme/weather/1.1.0", strings.NewReader(`{"message": "use 1.0.0: 1.1.0 reports temperatures in kelvin"}`),
				"Authorization", "Bearer "+secret, "Content-Type", "application/json")
			if body := readBody(t, resp); resp.StatusCode != http.StatusOK {
				t.Fatalf("deprecate: %d %s", resp.StatusCode, body)
			}
			alice.do("reloading", chromedp.Reload())
			if got := alice.text(".banner-deprecated"); !strings.Contains(got, "This version is deprecated. use 1.0.0: 1.1.0 reports temperatures in kelvin") ||
				!strings.Contains(got, "The latest version is 1.0.0.") {
				t.Errorf("API docs banner %q", got)
			}
			alice.submit(`.breadcrumb a[href="/acme/weather/1.1.0"]`)
			if got := alice.text(".banner-deprecated"); !strings.Contains(got, "use 1.0.0: 1.1.0 reports temperatures in kelvin") {
				t.Errorf("package page banner %q", got)
			}
			if got := alice.text(".pkg-badges"); !strings.Contains(got, "Deprecated") {
				t.Errorf("badges %q lack Deprecated", got)
			}
			// The latest version is now 1.0.0, without a banner.
			alice.openOK("/acme/weather")
			if got := alice.text(".pkg-version-label"); got != "Version 1.0.0" {
				t.Errorf("/acme/weather after deprecating 1.1.0 shows %q", got)
			}
			alice.checkConsole()
		}},
		{"private package for its members", false, func(t *testing.T) {
			alice.t = t
			// What Bob must not see, Alice does: the checks below can fail.
			for _, c := range privateChecks {
				if got := c.seen(alice); !got {
					t.Errorf("alice, a member of acme, does not see acme/vault on %s", c.where)
				}
			}
		}},
		{"sign out", false, func(t *testing.T) {
			alice.t = t
			alice.openOK("/dashboard")
			if status := alice.submit(`.site-header form[action="/logout"] button`); status != http.StatusOK {
				t.Fatalf("sign out: status %d", status)
			}
			if got := alice.location(); got != e.url+"/" {
				t.Errorf("signing out leads to %s, want the home page", got)
			}
			if got := alice.text(`.site-nav a[href="/login"]`); got != "Sign in" {
				t.Errorf("header after signing out: %q", got)
			}
			alice.openOK("/dashboard")
			if got := alice.location(); !strings.HasPrefix(got, e.url+"/login?") {
				t.Errorf("the dashboard after signing out is %s, want the sign-in page", got)
			}
			for _, c := range privateChecks {
				if c.seen(alice) {
					t.Errorf("a visitor sees acme/vault on %s", c.where)
				}
			}
		}},
		{"another account", false, func(t *testing.T) {
			bob := newTab(t, browser, e.url)
			signUp(bob, "bob")
			for _, c := range privateChecks {
				if c.seen(bob) {
					t.Errorf("bob, not a member of acme, sees acme/vault on %s", c.where)
				}
			}
			bob.checkConsole()
		}},
		{"hostile README", false, func(t *testing.T) {
			e.t = t
			e.mustPush(secret, balaWith(t, balaSpec{Org: "acme", Name: "hostile", Version: "1.0.0", Readme: hostileReadme(300)}, nil,
				map[string]string{"docs/images/ok.svg": `<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8" onload="parent.__pwned='svg-file'"><script>parent.__pwned='svg-script'</script></svg>`}))
			visitor := newTab(t, browser, e.url)
			for _, v := range []viewport{desktopViewport, phoneViewport} {
				visitor.setViewport(v)
				visitor.openOK("/acme/hostile")
				visitor.do("waiting for the README", chromedp.WaitVisible(chromedp.CSS("#readme table")))
				// Every link of the README leads somewhere harmless; those
				// to this site answer, if only with 404.
				targets, err := chromedp.Run(visitor.ctx, chromedp.Evaluate[[]string](
					`Array.from(document.querySelectorAll("#readme a[href], #readme img[src]"), e => e.getAttribute(e.tagName === "IMG" ? "src" : "href"))`))
				if err != nil {
					t.Fatal(err)
				}
				for _, href := range targets {
					if strings.HasPrefix(href, "/") || strings.HasPrefix(href, "#") || strings.HasPrefix(href, "?") {
						path := href
						if !strings.HasPrefix(path, "/") {
							path = "/acme/hostile" + path
						}
						if status, _, _ := e.get(path); status >= 500 {
							t.Errorf("the README's link %s: status %d", href, status)
						}
					} else if !strings.HasPrefix(href, "https://") && !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "mailto:") {
						t.Errorf("the README keeps the link %q", href)
					}
				}
				if got := visitor.eval(`typeof window.__pwned === "undefined" ? "" : String(window.__pwned)`); got != "" {
					t.Errorf("the README ran a script: window.__pwned = %q", got)
				}
				if got := visitor.eval(`Array.from(document.querySelectorAll("#readme *")).filter(e =>
					/^(script|style|iframe|object|embed|form|base|meta|link|svg|math|button|input|textarea|select)$/.test(e.tagName.toLowerCase()) && !(e.tagName === "INPUT" && e.type === "checkbox") ||
					Array.from(e.attributes).some(a => a.name === "style" || a.name.startsWith("on")) ||
					getComputedStyle(e).position === "fixed").map(e => e.outerHTML.slice(0, 80)).join("\n")`); got != "" {
					t.Errorf("the README keeps what it must not:\n%s", got)
				}
				if got := visitor.eval(`location.pathname`); got != "/acme/hostile" {
					t.Errorf("the README moved the page to %s", got)
				}
				if got := visitor.texts("#readme details summary"); !slices.Equal(got, []string{"Harmless raw HTML"}) {
					t.Errorf("the README's harmless raw HTML: summaries %q", got)
				}
				if v.mobile {
					if w := visitor.eval(`document.documentElement.scrollWidth`); w != fmt.Sprint(v.width) {
						t.Errorf("/acme/hostile at %dpx: the page is %spx wide; too wide: %s", v.width, w, visitor.eval(overflowingJS))
					}
				}
			}
			visitor.checkConsole()
		}},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.fn) && s.needed {
			return
		}
	}
}

// overflowingJS lists the outermost elements that reach past the right
// edge of the viewport, to say what makes a page scroll sideways.
const overflowingJS = `Array.from(document.querySelectorAll("body *")).filter(e => {
	const past = n => n && n.getBoundingClientRect().right > innerWidth + 1;
	return past(e) && (!past(e.parentElement) || /absolute|fixed/.test(getComputedStyle(e).position));
}).slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ").join(".") : "") +
	" (" + getComputedStyle(e).position + ", right edge " + Math.round(e.getBoundingClientRect().right) + "px)").join(", ")`

// hostileReadme is a README that tries every way to run a script, style
// or take over the page, plus harmless raw HTML, a table of rows×12 cells
// and links that lead nowhere.
func hostileReadme(rows int) string {
	var b strings.Builder
	b.WriteString("# Hostile\n\n" +
		"<script>window.__pwned = 'script'</script>\n\n" +
		"<img src=\"x\" onerror=\"window.__pwned = 'onerror'\" alt=\"broken image\">\n\n" +
		"<svg><script>window.__pwned = 'svg'</script><animate onbegin=\"window.__pwned = 'animate'\" attributeName=\"x\" dur=\"1s\"></animate></svg>\n\n" +
		"<iframe srcdoc=\"<script>parent.__pwned = 'iframe'</script>\"></iframe>\n\n" +
		"<object data=\"javascript:window.__pwned = 'object'\"></object><embed src=\"javascript:window.__pwned = 'embed'\">\n\n" +
		"<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__pwned = 'meta'\">\n<base href=\"https://evil.example/\">\n" +
		"<link rel=\"stylesheet\" href=\"https://evil.example/x.css\">\n\n" +
		"<form action=\"/logout\" method=\"post\"><input name=\"q\"><button>Continue</button></form>\n\n" +
		"<a href=\"javascript:window.__pwned = 'link'\">javascript link</a> [markdown javascript](javascript:window.__pwned='md') " +
		"<a href=\"data:text/html,<script>alert(1)</script>\">data link</a> <a href=\"vbscript:msgbox(1)\">vb</a>\n\n" +
		"<div style=\"position:fixed;top:0;left:0;width:100%;height:100%;background:red\">overlay</div>\n\n" +
		"<style>body { display: none }</style>\n\n" +
		"<p title=\"&quot;><script>window.__pwned = 'attr'</script>\">quoted</p>\n\n" +
		"<details><summary>Harmless raw HTML</summary><kbd>Ctrl</kbd>+<kbd>C</kbd> <sub>sub</sub> <abbr title=\"HyperText\">HTML</abbr></details>\n\n" +
		"![an SVG from the bala](images/ok.svg) ![missing image](images/missing.png) ![outside](../../../../etc/passwd)\n\n" +
		"[missing file](docs/missing.md) [outside the bala](../../../../../etc/passwd) [anchor](#nowhere) [empty]() [query](?x=1) " +
		"[encoded](%2e%2e/%2e%2e/x) [mail](mailto:someone@example.com) [absolute](https://example.com/a%20b)\n\n")
	b.WriteString("|")
	for c := range 12 {
		fmt.Fprintf(&b, " column %d |", c)
	}
	b.WriteString("\n|")
	b.WriteString(strings.Repeat("---|", 12))
	b.WriteString("\n")
	for r := range rows {
		b.WriteString("|")
		for c := range 12 {
			fmt.Fprintf(&b, " <b>%d</b>·%d [x](javascript:alert(%d)) |", r, c, r)
		}
		b.WriteString("\n")
	}
	// Last, as an unclosed <style> makes the rest of the file one raw
	// HTML block.
	b.WriteString("\n<math><mtext><table><mglyph><style><img src=x onerror=\"window.__pwned = 'mxss'\">\n")
	return b.String()
}

// signUp creates an account in the browser, which ends on the dashboard.
func signUp(b *tab, name string) {
	b.t.Helper()
	b.openOK("/signup")
	b.typeInto("#username", name)
	b.typeInto("#password", "password-"+name)
	b.typeInto("#confirm", "password-"+name)
	if status := b.submit(`form[action="/signup"] button[type=submit]`); status != http.StatusOK {
		b.t.Fatalf("sign-up: status %d", status)
	}
	if got := b.text("main h1"); got != "Dashboard" {
		b.t.Fatalf("after signing up, the page's h1 is %q, want Dashboard", got)
	}
}

// privateChecks are the places where acme/vault, a private package, may
// appear; seen reports whether the tab sees it there.
var privateChecks = []struct {
	where string
	seen  func(b *tab) bool
}{
	{"its page", func(b *tab) bool { return pageSeen(b, "/acme/vault") }},
	{"its version's page", func(b *tab) bool { return pageSeen(b, "/acme/vault/1.0.0") }},
	{"its versions page", func(b *tab) bool { return pageSeen(b, "/acme/vault/versions") }},
	{"its API docs", func(b *tab) bool { return pageSeen(b, "/acme/vault/1.0.0/api/vault") }},
	{"its README file", func(b *tab) bool { return pageSeen(b, "/acme/vault/1.0.0/files/docs/README.md") }},
	{"the home page's lists", func(b *tab) bool { return listsVault(b, "/") }},
	{"a search for its name", func(b *tab) bool { return listsVault(b, "/search?q=vault") }},
	{"a search for its keyword", func(b *tab) bool { return listsVault(b, "/search?keyword=weather") }},
	{"the organization filter", func(b *tab) bool { return listsVault(b, "/search?org=acme&sort=recent") }},
	{"the organization's page", func(b *tab) bool { return listsVault(b, "/acme") }},
	{"the dependents of acme/geo", func(b *tab) bool {
		b.openOK("/acme/geo")
		return slices.Contains(b.texts("#dependents .dep-list a"), "acme/vault")
	}},
}

// pageSeen reports whether a page of acme/vault answers 200; else it must
// be the not-found page of a package that does not exist.
func pageSeen(b *tab, path string) bool {
	b.t.Helper()
	switch status := b.open(path); status {
	case http.StatusOK:
		return true
	case http.StatusNotFound:
		if got := b.text("main h1"); got != "Page not found" {
			b.t.Errorf("%s: 404 page with h1 %q, want the not-found page", path, got)
		}
	default:
		b.t.Errorf("%s: status %d, want 200 or 404", path, status)
	}
	return false
}

// listsVault reports whether a page lists acme/vault, which must answer 200
// whoever asks, with the same 404 page for everyone else.
func listsVault(b *tab, path string) bool {
	b.t.Helper()
	b.openOK(path)
	return slices.Contains(b.attrs("a.pkg-name", "href"), "/acme/vault") ||
		slices.ContainsFunc(b.texts(".pkg-list"), func(s string) bool { return strings.Contains(s, "vault") })
}

// hostileDocSource is a module whose doc comments hold raw HTML, scripts,
// a big table and broken links: the API docs render them as Markdown.
func hostileDocSource() string {
	var b strings.Builder
	b.WriteString("# <script>window.__pwned = 1</script> Raw <b>HTML</b> <img src=x onerror=alert(1)>\n")
	b.WriteString("# [broken](missing.md) [outside](../../../../etc/passwd) ![gone](nope.png) [js](javascript:alert(1))\n#\n")
	b.WriteString("# | a | b |\n# |---|---|\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "# | %d | <i>%d</i> |\n", i, i)
	}
	b.WriteString("# + x - <iframe src=\"https://evil.example\"></iframe> [x](%zz)\n")
	b.WriteString("# + return - <style>*{display:none}</style>\n")
	b.WriteString("public function f(int x) returns int => x;\n\n")
	b.WriteString("# <details><summary>s\n# + a - [a](<>)\npublic type R record {| int a; |};\n")
	return b.String()
}

// hugeTable is a Markdown table of rows×cols cells, then an HTML one.
func hugeTable(rows, cols int) string {
	var b strings.Builder
	b.WriteString("# Huge\n\n|")
	b.WriteString(strings.Repeat(" h |", cols))
	b.WriteString("\n|")
	b.WriteString(strings.Repeat("---|", cols))
	b.WriteString("\n")
	for r := range rows {
		b.WriteString("|")
		for c := range cols {
			fmt.Fprintf(&b, " %d.%d |", r, c)
		}
		b.WriteString("\n")
	}
	b.WriteString("\n<table>")
	for r := range rows / 4 {
		fmt.Fprintf(&b, "<tr><td colspan=\"99999\" rowspan=\"-1\">%d</td><td><table><tr><td>nested</td></tr></table></td></tr>", r)
	}
	b.WriteString("</table>\n\n|" + strings.Repeat(" wide |", 2000) + "\n|" + strings.Repeat("-|", 2000) + "\n")
	return b.String()
}

// brokenLinks is a README whose links and images lead nowhere, in every
// way a path can be broken.
const brokenLinks = "# Broken\n\n" +
	"[missing](missing.md) [dir](docs/) [dot](./) [up](../) [upup](../../x) [root](/etc/passwd) " +
	"[other version](/acme/broken/9.9.9) [other package](/acme/nothing) [net](//evil.example/x) " +
	"[nul](a%00b.md) [backslash](a\\b.md) [dots](a/../../b.md) [unicode](ünï/cödé.md) [space](a%20b.md) " +
	"[long](" + "x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x.md) " +
	"[query](?q=1#frag) [fragment](#nowhere) [files](files/) [ref][nope] [ref2][] <http://[::1> <https://example.com/%zz>\n\n" +
	"![missing](missing.png) ![up](../../../../logo.png) ![abs](/static/nope.png) ![empty]() ![data](data:image/png;base64,xx)\n\n" +
	"[^1] footnote without a definition, [a link with a title](missing.md \"t\\\"itle\").\n\n" +
	"[def]: <> \"empty\"\n"

// TestWebCorpusHostile crawls the site, as a member and as a visitor,
// over packages made of what breaks renderers — READMEs with raw HTML and
// scripts, huge tables, broken links, and the same in module READMEs and
// doc comments — and follows every link and image of every page to this
// site: none may answer 5xx, and a private package's every page is 404 to
// a visitor. (TestWebCorpus and TestWebHostileReadmes check each page's
// content; this checks that nothing reachable breaks.)
func TestWebCorpusHostile(t *testing.T) {
	e := newTestEnv(t)
	alice := e.user("alice", false)
	e.org("acme", alice, nil)
	tok := e.token(alice)
	corpus := []struct {
		spec  balaSpec
		files map[string]string
	}{
		{balaSpec{Name: "rawhtml", Readme: hostileReadme(50)}, map[string]string{"docs/images/ok.svg": `<svg xmlns="http://www.w3.org/2000/svg"/>`}},
		{balaSpec{Name: "huge", Readme: hugeTable(2000, 40)}, nil},
		{balaSpec{Name: "broken", Readme: brokenLinks, Modules: []string{"sub"}}, map[string]string{
			"docs/modules/broken.sub/README.md": brokenLinks + hostileReadme(10),
		}},
		{balaSpec{Name: "docs", Modules: []string{"extra"}}, map[string]string{
			"modules/docs/docs.bal":             hostileDocSource(),
			"modules/docs.extra/extra.bal":      hostileDocSource() + "public function broken( {\n",
			"docs/modules/docs.extra/Module.md": hugeTable(300, 10) + brokenLinks,
		}},
		{balaSpec{Name: "secret", Visibility: "private", Readme: hostileReadme(20) + brokenLinks, Modules: []string{"inner"}}, map[string]string{
			"modules/secret/secret.bal": hostileDocSource(),
			"docs/images/ok.svg":        `<svg xmlns="http://www.w3.org/2000/svg"/>`,
		}},
	}
	for _, c := range corpus {
		c.spec.Org, c.spec.Version = "acme", "1.0.0"
		e.mustPush(tok, balaWith(t, c.spec, nil, c.files))
	}
	start := []string{"/", "/search", "/search?q=acme&sort=recent", "/acme", "/search?keyword=x"}
	for _, c := range corpus {
		start = append(start, "/acme/"+c.spec.Name, "/acme/"+c.spec.Name+"/versions")
	}
	member := crawl(t, e, start, "Cookie", sessionCookie+"="+tok)
	visitor := crawl(t, e, start)
	for who, pages := range map[string]map[string]int{"member": member, "visitor": visitor} {
		byStatus := map[int]int{}
		for _, status := range pages {
			byStatus[status]++
		}
		t.Logf("%s: %d paths fetched, by status %v", who, len(pages), byStatus)
		// The broken links were followed, and answered.
		if byStatus[http.StatusNotFound] < 20 {
			t.Errorf("%s: %d paths answered 404, want the broken links' many", who, byStatus[http.StatusNotFound])
		}
	}
	var secretPages []string
	for path, status := range member {
		if !strings.HasPrefix(path, "/acme/secret") || status != http.StatusOK {
			continue
		}
		secretPages = append(secretPages, path)
		if got, body, _ := e.get(path); got != http.StatusNotFound || !strings.Contains(body, "<h1>Page not found</h1>") {
			t.Errorf("a visitor gets %s with status %d, want the not-found page", path, got)
		}
	}
	slices.Sort(secretPages)
	t.Logf("pages of the private package: %q", secretPages)
	// Its page, its version's, its versions, the API docs of its two
	// modules, the README's image.
	if len(secretPages) < 6 {
		t.Errorf("the member's crawl saw %d pages of the private package, want at least 6: %q", len(secretPages), secretPages)
	}
	for path, status := range visitor {
		if strings.HasPrefix(path, "/acme/secret") && status != http.StatusNotFound {
			t.Errorf("a visitor gets %s with status %d, want 404", path, status)
		}
	}
	if strings.Contains(e.logs.String(), `"level":"ERROR"`) {
		t.Errorf("errors logged:\n%s", e.logs.String())
	}
}

// crawl fetches start and every page, image, stylesheet and script of this
// site that the pages link to, with headers, and returns the status of
// each path. It fails the test for a 5xx and for an HTML page that
// checkPage refuses.
func crawl(t *testing.T, e *testEnv, start []string, headers ...string) map[string]int {
	t.Helper()
	const maxPages = 1500
	seen := map[string]int{}
	queue := slices.Clone(start)
	base, err := url.Parse(e.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	for len(queue) > 0 {
		if len(seen) >= maxPages {
			t.Fatalf("more than %d pages: the crawl does not end", maxPages)
		}
		path := queue[0]
		queue = queue[1:]
		if _, ok := seen[path]; ok {
			continue
		}
		resp := e.request(http.MethodGet, path, nil, headers...)
		body := readBody(t, resp)
		seen[path] = resp.StatusCode
		if resp.StatusCode >= 500 {
			t.Errorf("GET %s: status %d; body:\n%.500s", path, resp.StatusCode, body)
			continue
		}
		var links []string
		if loc := resp.Header.Get("Location"); loc != "" {
			links = append(links, loc)
		}
		if resp.StatusCode == http.StatusOK && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			doc := checkPage(t, path, body)
			walkHTML(doc, func(n *html.Node) {
				switch n.Data {
				case "a", "link":
					links = append(links, attrOf(n, "href"))
				case "img", "script":
					links = append(links, attrOf(n, "src"))
				}
			})
		}
		from, err := base.Parse(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, l := range links {
			u, err := from.Parse(l)
			if err != nil || u.Host != base.Host || u.Scheme != base.Scheme {
				continue
			}
			// Signing out and the dashboard's forms are not pages to crawl;
			// data and downloads of the API neither.
			if p := u.Path; p == "/logout" || strings.HasPrefix(p, "/auth/") || strings.HasPrefix(p, centralPrefix) || strings.HasPrefix(p, apiPrefix) {
				continue
			}
			u.Fragment = ""
			if next := u.RequestURI(); seen[next] == 0 {
				queue = append(queue, next)
			}
		}
	}
	return seen
}
