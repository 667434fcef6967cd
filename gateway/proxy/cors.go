package proxy

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// What a browser may send and read across origins. Tokens travel in the
// authorization header, never in cookies, so credentials stay off.
const (
	corsMethods       = "GET, POST, PATCH, PUT, DELETE"
	corsAllowHeaders  = "Authorization, Content-Type, X-Request-Id, Grpc-Timeout"
	corsExposeHeaders = "X-Request-Id"
	corsMaxAgeSeconds = "600"
)

type cors struct {
	any     bool
	origins map[string]bool
}

// newCORS takes origins as browsers send them (scheme://host[:port]); "*"
// allows every origin. None: same-origin only (the console under
// /console/ needs no CORS).
func newCORS(origins []string) (cors, error) {
	c := cors{origins: map[string]bool{}}
	for _, o := range origins {
		o = strings.TrimSpace(o)
		switch {
		case o == "":
		case o == "*":
			c.any = true
		default:
			u, err := url.Parse(o)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
				(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
				return c, fmt.Errorf("allowed origin %q is not scheme://host[:port]", o)
			}
			c.origins[strings.ToLower(u.Scheme+"://"+u.Host)] = true
		}
	}
	return c, nil
}

func (c cors) allows(origin string) bool {
	return c.any || c.origins[strings.ToLower(origin)]
}

// preflight answers a CORS preflight request; false when r is none.
func (c cors) preflight(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if r.Method != http.MethodOptions || origin == "" || r.Header.Get("Access-Control-Request-Method") == "" {
		return false
	}
	w.Header().Add("Vary", "Origin")
	if !c.allows(origin) {
		writeStatus(w, http.StatusForbidden, status.New(codes.PermissionDenied,
			fmt.Sprintf("origin %s is not allowed (--allowed_origins)", origin)))
		return true
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", c.allowOrigin(origin))
	h.Set("Access-Control-Allow-Methods", corsMethods)
	h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
	h.Set("Access-Control-Max-Age", corsMaxAgeSeconds)
	w.WriteHeader(http.StatusNoContent)
	return true
}

// decorate lets the browser read the response of an allowed origin.
func (c cors) decorate(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return
	}
	w.Header().Add("Vary", "Origin")
	if c.allows(origin) {
		w.Header().Set("Access-Control-Allow-Origin", c.allowOrigin(origin))
		w.Header().Set("Access-Control-Expose-Headers", corsExposeHeaders)
	}
}

func (c cors) allowOrigin(origin string) string {
	if c.any {
		return "*"
	}
	return origin
}
