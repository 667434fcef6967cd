package proxy

import (
	"fmt"
	"net/http"
	"os"
	"path"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// consoleCSP keeps the console to its own origin: scripts, styles, fonts and
// API calls from the gateway only (no CDN, nothing injected can phone home),
// never framed. Inline style attributes stay allowed: ECharts writes its
// tooltips' markup with them.
const consoleCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// newConsole serves the web console's static files from dir under
// /console/ (index.html for the folder itself, no directory listings); with
// no dir, every /console/ path is 404. The console holds a bearer token, so
// its pages carry a strict Content-Security-Policy, send no referrer and are
// revalidated on every load (a new build is seen at once).
func newConsole(dir string) (http.Handler, error) {
	if dir == "" {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			writeStatus(w, http.StatusNotFound, status.New(codes.NotFound,
				"no console in this gateway (--console_dir is not set)"))
		}), nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("--console_dir=%s is not a directory", dir)
	}
	files := http.StripPrefix("/console", http.FileServer(noListing{http.Dir(dir)}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/console" {
			http.Redirect(w, r, "/console/", http.StatusMovedPermanently)
			return
		}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", consoleCSP)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	}), nil
}

// noListing hides folders that have no index.html.
type noListing struct{ fs http.FileSystem }

func (n noListing) Open(name string) (http.File, error) {
	f, err := n.fs.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		index, err := n.fs.Open(path.Join(name, "index.html"))
		if err != nil {
			f.Close()
			return nil, os.ErrNotExist
		}
		index.Close()
	}
	return f, nil
}
